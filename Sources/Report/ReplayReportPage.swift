import Foundation

/// The replay report as one self-contained HTML page: inline CSS and SVG, no scripts, no
/// external assets, no network; deterministic (no render time in it).
///
/// Layout: the title, the facts table, a legend, one `ScoreChart` per detector on a shared time
/// axis, then the shifts, the largest episodes with their top features, and the retrains.
/// All text from the report is escaped; the page is also well-formed XML.
public enum ReplayReportPage {
    /// The page's HTML.
    /// - Parameters:
    ///   - report: what to show.
    ///   - maximumEpisodes: episodes listed, largest (most vectors, then highest peak score) first.
    ///   - maximumRetrains: retrains listed in the table (all are marked on the charts).
    ///   - chartWidth: each chart's width in pixels (the page scales it down to fit).
    ///   - chartHeight: each chart's height in pixels.
    public static func html(
        _ report: ReplayReport, maximumEpisodes: Int = 25, maximumRetrains: Int = 200,
        chartWidth: Int = 1240, chartHeight: Int = 300
    ) -> String {
        let range = ScoreChart.widened(ScoreChart.fittedTimeRange(
            traces: report.detectors, spans: report.labelledAnomalies, retrains: report.retrains,
            shifts: report.shifts, trainingEnd: report.trainingEnd))
        let style = TimeStyle(earliest: range.lowerBound)
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            + "<title>\(Markup.escape(report.title))</title>\n<style>\(css)</style>\n</head>\n<body>\n"
        page += "<h1>\(Markup.escape(report.title))</h1>\n"
        if !report.facts.isEmpty {
            page += "<table class=\"facts\"><tbody>" + factRows(report.facts) + "</tbody></table>\n"
        }
        page += "<p class=\"note\">Vector time is " + (style == .epoch
            ? "UTC (from the series' <code>ts</code> column)."
            : "elapsed since t = 0 (no <code>ts</code> column): <code>+2d 06:00</code> is 2 days 6 hours in.")
        page += " Scores on a symmetric log axis (linear near 0, logarithmic beyond; negative scores below 0)."
        page += " Each pixel column shows the range and the last of the scores it covers.</p>\n"
        let warming = report.detectors.contains { trace in
            guard let first = trace.thresholds.first?.start, let earliest = trace.times.lazy.filter(\.isFinite).min() else { return false }
            return first > earliest
        }
        page += ScoreChart.legendHTML(warming: warming) + "\n"
        for trace in report.detectors {
            page += "<section class=\"detector\">\n<h2>\(Markup.escape(trace.name))</h2>\n"
            var facts = trace.facts
            let nonFinite = trace.scores.lazy.filter { !$0.isFinite }.count
            if nonFinite > 0 {
                facts.append(ReportFact("non-finite scores", "\(Markup.count(nonFinite)) (NaN skipped, ±∞ at the edge)"))
            }
            if !facts.isEmpty {
                page += "<p class=\"detector-facts\">" + facts.map {
                    "<span><span class=\"label\">\(Markup.escape($0.label))</span> \(Markup.escape($0.value))</span>"
                }.joined(separator: " ") + "</p>\n"
            }
            page += ScoreChart.svg(
                trace, spans: report.labelledAnomalies,
                retrains: report.retrains.filter { $0.detector == trace.name || $0.detector.isEmpty },
                shifts: report.shifts, trainingEnd: report.trainingEnd, timeRange: range,
                width: chartWidth, height: chartHeight)
            page += "\n</section>\n"
        }
        page += shiftTable(report.shifts, style: style)
        page += episodeTable(report.episodes, style: style, maximum: maximumEpisodes)
        page += retrainTable(report.retrains, style: style, maximum: maximumRetrains)
        page += "<footer>aed replay report · self-contained: no scripts, no network.</footer>\n</body>\n</html>\n"
        return page
    }

    /// Writes the page to `url` atomically (see `AtomicFile.write(_:to:)`).
    /// - Throws: `ReportWriteError` when the folder cannot be written or the rename fails;
    ///   nothing is left at `url` then, and an older file there is unchanged.
    public static func write(_ report: ReplayReport, to url: URL) throws {
        try AtomicFile.write(Data(html(report).utf8), to: url)
    }

    /// Facts as table rows, three label/value pairs per row.
    static func factRows(_ facts: [ReportFact]) -> String {
        var rows = ""
        for start in stride(from: 0, to: facts.count, by: 3) {
            rows += "<tr>"
            for fact in facts[start..<min(start + 3, facts.count)] {
                rows += "<th>\(Markup.escape(fact.label))</th><td>\(Markup.escape(fact.value))</td>"
            }
            rows += "</tr>"
        }
        return rows
    }

    static let css = """
        body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;\
        margin:24px auto;max-width:1280px;padding:0 16px;background:#fff}
        h1{font-size:22px;margin:0 0 14px;font-weight:600}
        h2{font-size:17px;margin:22px 0 4px;font-weight:600}
        table{border-collapse:collapse;font-size:13px}
        th,td{padding:4px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #e6e6e6}
        table.facts th{color:#666;font-weight:normal;white-space:nowrap}
        table.facts td{font-variant-numeric:tabular-nums;font-weight:600;padding-right:28px}
        table.list th{background:#f5f5f5;font-weight:600;border-bottom:1px solid #ccc;white-space:nowrap}
        table.list td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        table.list td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
        .note{color:#555;font-size:13px;margin:12px 0 6px}
        .detector-facts{margin:0 0 4px;font-size:13px;color:#222}
        .detector-facts>span{margin-right:16px;white-space:nowrap}
        .label{color:#666}
        section.detector svg{display:block;max-width:100%;height:auto}
        .feature{display:inline-block;margin-right:12px;white-space:nowrap}
        .bar{display:inline-block;height:8px;background:#9ecae1;margin-right:4px;vertical-align:middle}
        .outcome{font-weight:600}
        details{margin-top:18px}
        summary{cursor:pointer;font-size:17px;font-weight:600}
        footer{margin-top:28px;color:#888;font-size:12px}
        code{font-size:12px}
        """
}
