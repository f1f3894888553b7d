import Foundation
import Testing

@testable import Report

@Suite("Live page")
struct LivePageRenderTests {
    /// A fast stream: 2,000 scores 1.5 ms apart (3 s in all), an alert every 100.
    static func fastTrace(_ name: String) -> DetectorTrace {
        let times: [Double] = (0..<2_000).map { 1_700_000_000 + Double($0) * 0.0015 }
        let scores: [Double] = (0..<2_000).map { row -> Double in row % 100 == 0 ? 3 : 0.2 + Double(row % 13) / 100 }
        let alerts: [Double] = stride(from: 0, to: 2_000, by: 100).map { times[$0] }
        return DetectorTrace(
            name: name, times: times, scores: scores, thresholds: [ThresholdStep(start: 1_699_999_000, value: 1)],
            alertTimes: alerts)
    }

    @Test("the page is well-formed, escapes every text and draws one chart per trace")
    func structure() throws {
        let hostile = "<b>\"x\" & 'y'</b>"
        let report = LiveReport(
            title: "aed on \(hostile)", subtitle: hostile, refreshSeconds: 10, facts: [ReportFact(hostile, hostile)],
            tables: [
                ReportTable(
                    title: hostile, note: hostile, columns: [ReportColumn("a"), ReportColumn("n", numeric: true)],
                    rows: [[ReportCell(hostile, tone: .bad, detail: hostile), "1"], ["short row"]])
            ],
            streams: [StreamCharts(stream: hostile, facts: [ReportFact("state", "scoring")], traces: [Self.fastTrace("ae"), Self.fastTrace("vae")])],
            details: [ReportTable(title: "Recent alerts", columns: [ReportColumn("t")], rows: [], emptyText: "none")])
        let html = LivePage.html(report)
        #expect(xmlError(html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")) == nil)
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"10\"/>"))
        #expect(occurrences(of: "<svg ", in: html) == 2)
        #expect(html.contains("<td class=\"bad\" title="))
        #expect(html.contains("<p class=\"empty\">none</p>"))
        // The legend leaves out what a live page never draws.
        #expect(!html.contains("labelled anomaly") && !html.contains("training | scored rows"))
    }

    @Test("a fast stream's 3 s of scores fill the chart: the axis ends at the newest score and is not widened to a minute")
    func fastStreamAxis() throws {
        let svg = LivePage.section(StreamCharts(stream: "s", traces: [Self.fastTrace("ae")]), chartWidth: 1100, chartHeight: 220)
        // The scores' last-value line spans most of the plot (62...1086 px).
        let line = try #require(ScoreChartTests.path(stroked: "#1f5f9e", in: svg))
        let xs = line.split(whereSeparator: { "ML".contains($0) }).compactMap { Double($0.split(separator: " ")[0]) }
        #expect((xs.min() ?? 0) < 400 && (xs.max() ?? 0) > 1000, "x from \(xs.min() ?? 0) to \(xs.max() ?? 0)")
    }
}
