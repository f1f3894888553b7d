import Detectors
import Foundation

/// The tables below the charts: shifts, largest episodes, retrains.
extension ReplayReportPage {
    static func shiftTable(_ shifts: [ShiftMark], style: TimeStyle) -> String {
        guard !shifts.isEmpty else { return "" }
        var html = "<section>\n<h2>Level shifts</h2>\n<table class=\"list\"><thead><tr><th>time</th>"
            + "<th>features moved (median now against the retrain buffer's, in its standard deviations)</th></tr></thead><tbody>"
        for shift in shifts.sorted(by: { $0.time < $1.time }) {
            let features = shift.features.map {
                "<span class=\"feature\">\(Markup.escape($0.name)) <b>\(Markup.escape(Markup.sigmas($0.sigmas)))</b></span>"
            }.joined()
            let back = shift.reversion == true ? "back to the level before the previous shift: " : ""
            html += "<tr><td class=\"time\">\(Markup.escape(TimeFormat.instant(shift.time, style: style)))</td>"
                + "<td>\(back)\(features.isEmpty ? "—" : features)</td></tr>"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func episodeTable(_ episodes: [EpisodeRow], style: TimeStyle, maximum: Int) -> String {
        guard !episodes.isEmpty else { return "" }
        let largest = episodes.sorted {
            ($0.vectors, $0.peakScore.isNaN ? -.infinity : $0.peakScore, -$0.start)
                > ($1.vectors, $1.peakScore.isNaN ? -.infinity : $1.peakScore, -$1.start)
        }.prefix(max(0, maximum))
        var html = "<section>\n<h2>Largest episodes</h2>\n"
        if episodes.count > largest.count {
            html += "<p class=\"note\">The \(largest.count) largest of \(Markup.count(episodes.count)) episodes, by vectors.</p>\n"
        }
        html += "<table class=\"list\"><thead><tr><th>#</th><th>detector</th><th>start</th><th>end</th>"
            + "<th>duration</th><th>vectors</th><th>peak score</th><th>peak severity</th>"
            + "<th>top features (share of the score)</th></tr></thead><tbody>"
        for (i, episode) in largest.enumerated() {
            let features = episode.topFeatures.prefix(5).map { feature in
                let share = feature.share.isFinite ? min(1, max(0, feature.share)) : 0
                return "<span class=\"feature\"><span class=\"bar\" style=\"width:\(Int((share * 40).rounded()))px\"></span>"
                    + "\(Markup.escape(feature.name)) \(Int((share * 100).rounded())) %</span>"
            }.joined()
            html += "<tr><td class=\"num\">\(i + 1)</td><td>\(Markup.escape(episode.detector))</td>"
                + "<td class=\"time\">\(TimeFormat.instant(episode.start, style: style))</td>"
                + "<td class=\"time\">\(TimeFormat.instant(episode.end, style: style))</td>"
                + "<td class=\"num\">\(TimeFormat.duration(episode.end - episode.start))</td>"
                + "<td class=\"num\">\(Markup.count(episode.vectors))</td>"
                + "<td class=\"num\">\(Markup.escape(Markup.number(episode.peakScore)))</td>"
                + "<td class=\"num\">\(Markup.escape(Markup.number(episode.peakSeverity)))×</td>"
                + "<td>\(features.isEmpty ? "—" : features)</td></tr>"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func retrainTable(_ retrains: [RetrainMark], style: TimeStyle, maximum: Int) -> String {
        guard !retrains.isEmpty else { return "" }
        let sorted = retrains.sorted { ($0.time, $0.detector) < ($1.time, $1.detector) }
        let shown = sorted.prefix(max(0, maximum))
        var html = "<details>\n<summary>Retrains (\(Markup.count(retrains.count)))</summary>\n"
        if shown.count < sorted.count {
            html += "<p class=\"note\">The first \(shown.count) of \(Markup.count(sorted.count)).</p>\n"
        }
        html += "<table class=\"list\"><thead><tr><th>time</th><th>detector</th><th>trigger</th><th>outcome</th>"
            + "<th>reason</th></tr></thead><tbody>"
        for mark in shown {
            html += "<tr><td class=\"time\">\(TimeFormat.instant(mark.time, style: style))</td>"
                + "<td>\(Markup.escape(mark.detector))</td><td>\(Markup.escape(mark.trigger))</td>"
                + "<td class=\"outcome\" style=\"color:\(ChartColors.outcome(mark.outcome))\">\(Markup.escape(mark.outcome.markLabel))</td>"
                + "<td>\(Markup.escape(mark.reason ?? ""))</td></tr>"
        }
        return html + "</tbody></table>\n</details>\n"
    }
}
