import Detectors
import Foundation
import Testing
@testable import Report

@Suite("Replay report page")
struct ReplayReportPageTests {
    /// A small report whose every text field holds markup-breaking characters.
    static func hostile() -> ReplayReport {
        let times = (0..<500).map { Double($0) * 60 }
        let scores = times.indices.map { 0.2 + Double($0 % 7) / 10 }
        return ReplayReport(
            title: "aed replay — <b>&\"x\" (stream \"re<play>\")",
            facts: [ReportFact("config <path>", "/etc/a&b.toml"), ReportFact("target FPR", "1 %")],
            detectors: [
                DetectorTrace(
                    name: "ae<&\">", times: times, scores: scores,
                    thresholds: [ThresholdStep(start: 6000, value: 0.75)], alertTimes: [6060, 9000],
                    facts: [ReportFact("alerts & <more>", "2")]),
                DetectorTrace(name: "vae", times: times, scores: scores.map { $0 * -40 + 10 }),
            ],
            labelledAnomalies: [TimeSpan(start: 9000, end: 9600)],
            trainingEnd: 3000,
            retrains: [RetrainMark(time: 6000, detector: "ae<&\">", outcome: .failed, trigger: "shift",
                reason: "loss \"NaN\" <at> epoch 3 & more")],
            shifts: [ShiftMark(time: 12000, features: [FeatureShift(name: "disk<sda>&\"io\"", sigmas: -7.5)])],
            episodes: [EpisodeRow(detector: "ae<&\">", start: 9000, end: 9600, vectors: 11, peakScore: 3.5,
                peakSeverity: 4.7, topFeatures: [FeatureShare(name: "cpu<&\">", share: 0.6)])])
    }

    @Test("the page is well-formed XML with one <svg> per detector, no scripts and no network")
    func structure() throws {
        for report in [Self.hostile(), ReportFixture.realistic(vectors: 5000)] {
            let html = ReplayReportPage.html(report)
            #expect(xmlError(html) == nil)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(occurrences(of: "<svg", in: html) == report.detectors.count)
            #expect(!html.lowercased().contains("<script"))
            #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "no event handlers")
            let references = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!references.contains("http://") && !references.contains("https://"))
            #expect(!html.contains("url("), "no external CSS resources")
        }
    }

    @Test("all text from the report is escaped")
    func escaping() throws {
        let html = ReplayReportPage.html(Self.hostile())
        for raw in ["<b>&", "re<play>", "ae<&", "<path>", "a&b", "<at>", "disk<sda>", "cpu<&", "<more>"] {
            #expect(!html.contains(raw), "unescaped \(raw)")
        }
        for escaped in ["&lt;b&gt;&amp;&quot;x&quot;", "re&lt;play&gt;", "ae&lt;&amp;&quot;&gt;", "disk&lt;sda&gt;&amp;&quot;io&quot;",
                        "loss &quot;NaN&quot; &lt;at&gt; epoch 3 &amp; more", "/etc/a&amp;b.toml"] {
            #expect(html.contains(escaped), "missing \(escaped)")
        }
    }

    @Test("the legend lists the warming-up shading only when a chart has scores before its first threshold")
    func warmingLegend() {
        let times = (0..<100).map { Double($0) * 60 }
        let scores = [Double](repeating: 0.5, count: 100)
        let warming = ReplayReportPage.html(ReplayReport(title: "t", detectors: [
            DetectorTrace(name: "ae", times: times, scores: scores, thresholds: [ThresholdStep(start: 1200, value: 1)]),
        ]))
        #expect(warming.contains("no model yet"))
        let fromTheFirstModel = ReplayReportPage.html(ReplayReport(title: "t", detectors: [
            DetectorTrace(name: "ae", times: times, scores: scores, thresholds: [ThresholdStep(start: 0, value: 1)]),
        ]))
        #expect(!fromTheFirstModel.contains("no model yet"))
    }

    @Test("a reversion is labelled as a return on the chart and in the shift table")
    func reversionMarks() {
        let times = (0..<600).map { Double($0) * 60 }
        let page = ReplayReportPage.html(ReplayReport(
            title: "t",
            detectors: [DetectorTrace(name: "ae", times: times, scores: times.map { _ in 0.5 }, thresholds: [ThresholdStep(start: 0, value: 1)])],
            shifts: [
                ShiftMark(time: 6_000, features: [FeatureShift(name: "cpu", sigmas: 9)]),
                ShiftMark(time: 30_000, features: [FeatureShift(name: "cpu", sigmas: -9)], reversion: true),
            ]))
        #expect(page.contains("shift: cpu +9σ") && page.contains("back: cpu −9σ"))
        #expect(occurrences(of: "back to the level before the previous shift", in: page) == 1)
    }

    @Test("a report with nothing in it still renders a page")
    func emptyReport() throws {
        let html = ReplayReportPage.html(ReplayReport(title: "empty"))
        #expect(xmlError(html) == nil)
        #expect(occurrences(of: "<svg", in: html) == 0)
        let oneSilent = ReplayReportPage.html(ReplayReport(title: "t", detectors: [DetectorTrace(name: "pca")]))
        #expect(xmlError(oneSilent) == nil)
        #expect(occurrences(of: "<svg", in: oneSilent) == 1)
        #expect(oneSilent.contains("has not scored a vector"))
    }

    @Test("the episodes table lists the largest episodes first, at most the maximum")
    func largestEpisodes() throws {
        let episodes = (1...40).map {
            EpisodeRow(detector: "ae", start: Double($0) * 600, end: Double($0) * 600 + 60, vectors: $0 % 13 + 1,
                peakScore: Double($0), peakSeverity: 2)
        }
        let html = ReplayReportPage.html(ReplayReport(title: "t", episodes: episodes), maximumEpisodes: 5)
        #expect(html.contains("The 5 largest of 40 episodes"))
        let rows = html.components(separatedBy: "<h2>Largest episodes</h2>")[1].components(separatedBy: "</table>")[0]
        #expect(occurrences(of: "<tr><td class=\"num\">", in: rows) == 5)
        // 13 vectors: episodes 12, 25 and 38; ties broken by the higher peak score.
        let peaks = ["38", "25", "12"].map { rows.range(of: "<td class=\"num\">\($0)</td>")!.lowerBound }
        #expect(peaks == peaks.sorted())
    }

    @Test("retrains and shifts are marked on the charts and listed in tables")
    func marksAndTables() throws {
        let html = ReplayReportPage.html(Self.hostile())
        #expect(html.contains("<h2>Level shifts</h2>"))
        #expect(html.contains("<summary>Retrains (1)</summary>"))
        // The failed retrain is drawn on ae's chart only (it belongs to ae).
        let charts = html.components(separatedBy: "<svg").dropFirst()
        #expect(charts.first!.contains("retrain (ae&lt;&amp;&quot;&gt;)"))
        #expect(!charts.last!.contains("retrain ("))
        #expect(charts.allSatisfy { $0.contains("shift: disk&lt;sda&gt;&amp;&quot;io&quot; −7.5σ") })
    }

    @Test("the page is written atomically: whole, replacing an older one, nothing left behind")
    func atomicWrite() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("report.html")
        try Data("old".utf8).write(to: url)
        try ReplayReportPage.write(Self.hostile(), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == ReplayReportPage.html(Self.hostile()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["report.html"])

        let missing = directory.url.appendingPathComponent("no-such-folder/report.html")
        #expect(throws: ReportWriteError.self) { try ReplayReportPage.write(Self.hostile(), to: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["report.html"])
    }

    @Test("the data model round-trips through JSON")
    func codable() throws {
        let report = Self.hostile()
        let decoded = try JSONDecoder().decode(ReplayReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
    }

    @Test("rendering is deterministic")
    func deterministic() {
        let report = ReportFixture.realistic(vectors: 3000)
        #expect(ReplayReportPage.html(report) == ReplayReportPage.html(report))
    }
}
