import Foundation

/// The live page of aed's metrics endpoint as one self-contained HTML page: inline CSS and SVG,
/// no scripts, no external assets; it may reload itself (`<meta http-equiv="refresh">`).
///
/// Layout: the title and a line under it, the facts table, the tables above the charts
/// (streams, models), a legend, then per stream its facts and one `ScoreChart` per detector
/// (the replay report's renderer), sharing the stream's time axis, then the tables below
/// (recent alerts, level shifts). All text from the report is escaped; the page is also
/// well-formed XML.
public enum LivePage {
    /// The page's HTML.
    /// - Parameters:
    ///   - report: what to show.
    ///   - chartWidth: each chart's width in pixels (the page scales it down to fit).
    ///   - chartHeight: each chart's height in pixels.
    public static func html(_ report: LiveReport, chartWidth: Int = 1240, chartHeight: Int = 210) -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        if let seconds = report.refreshSeconds, seconds > 0 {
            page += "<meta http-equiv=\"refresh\" content=\"\(seconds)\"/>\n"
        }
        page += "<title>\(Markup.escape(report.title))</title>\n<style>\(ReplayReportPage.css)\n\(css)</style>\n</head>\n<body>\n"
        page += "<h1>\(Markup.escape(report.title))</h1>\n"
        if !report.subtitle.isEmpty { page += "<p class=\"subtitle\">\(Markup.escape(report.subtitle))</p>\n" }
        if !report.facts.isEmpty {
            page += "<table class=\"facts\"><tbody>" + ReplayReportPage.factRows(report.facts) + "</tbody></table>\n"
        }
        for table in report.tables { page += table.html() }
        if !report.streams.isEmpty {
            page += "<h2 class=\"charts\">Recent anomaly scores</h2>\n"
            if let note = report.chartNote { page += "<p class=\"note\">\(Markup.escape(note))</p>\n" }
            let warming = report.streams.contains { stream in
                stream.traces.contains { trace in
                    guard let first = trace.thresholds.first?.start,
                        let earliest = trace.times.lazy.filter(\.isFinite).min()
                    else { return false }
                    return first > earliest
                }
            }
            page += ScoreChart.legendHTML(
                warming: warming, labelled: false, trainingRows: false,
                shifts: report.streams.contains { !$0.shifts.isEmpty }) + "\n"
        }
        for stream in report.streams { page += section(stream, chartWidth: chartWidth, chartHeight: chartHeight) }
        for table in report.details { page += table.html() }
        page += "<footer>aed live page · read-only · self-contained: no scripts, no network"
            + (report.refreshSeconds.map { $0 > 0 ? " · reloads every \($0) s" : "" } ?? "") + "</footer>\n</body>\n</html>\n"
        return page
    }

    /// The shortest time axis of a chart, seconds (a tick a second at the least): the last
    /// scores of a fast stream may span a few seconds, and should fill the chart.
    static let minimumSpan = 1.0

    /// One stream's heading, facts and charts; the charts share a time axis that ends at the
    /// stream's newest score.
    static func section(_ stream: StreamCharts, chartWidth: Int, chartHeight: Int) -> String {
        var html = "<section class=\"stream\">\n<h2>\(Markup.escape(stream.stream))</h2>\n"
        html += factLine(stream.facts)
        guard !stream.traces.isEmpty else {
            return html + "<p class=\"empty\">No scores yet: the stream is warming up (no model has scored a vector).</p>\n</section>\n"
        }
        // The newest score at the right edge; at least `minimumSpan` seconds back from it.
        let fitted = ScoreChart.fittedTimeRange(traces: stream.traces)
        let range = min(fitted.lowerBound, fitted.upperBound - minimumSpan)...fitted.upperBound
        for trace in stream.traces {
            html += "<div class=\"detector\">\n<h3>\(Markup.escape(trace.name))</h3>\n" + factLine(trace.facts)
            html += ScoreChart.svg(
                trace, retrains: stream.retrains.filter { $0.detector == trace.name || $0.detector.isEmpty },
                shifts: stream.shifts, timeRange: range, width: chartWidth, height: chartHeight, minimumSpan: minimumSpan)
            html += "\n</div>\n"
        }
        return html + "</section>\n"
    }

    /// Label/value pairs on one wrapping line; empty without facts.
    static func factLine(_ facts: [ReportFact]) -> String {
        guard !facts.isEmpty else { return "" }
        return "<p class=\"detector-facts\">" + facts.map {
            "<span><span class=\"label\">\(Markup.escape($0.label))</span> \(Markup.escape($0.value))</span>"
        }.joined(separator: " ") + "</p>\n"
    }

    /// What the live page adds to the replay report's style sheet.
    static let css = """
        .subtitle{color:#555;font-size:13px;margin:-8px 0 14px}
        h2.charts{margin-top:28px}
        h3{font-size:14px;margin:10px 0 2px;font-weight:600}
        section.stream{margin-top:18px;border-top:1px solid #e6e6e6;padding-top:4px}
        div.detector svg{display:block;max-width:100%;height:auto}
        table.list th.num{text-align:right}
        td.good{color:#1f7a45;font-weight:600}
        td.warning{color:#a65c00;font-weight:600}
        td.bad{color:#b00020;font-weight:600}
        .empty{color:#777;font-size:13px;font-style:italic}
        """
}
