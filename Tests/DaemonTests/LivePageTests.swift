import Alerts
import Foundation
import Store
import Testing
import Wire

@testable import Daemon

/// The live page (`GET /` on the metrics endpoint) of an in-process daemon fed over loopback:
/// its structure, one chart per stream and detector drawn by the replay report's renderer,
/// escaping, and that nothing over HTTP changes the daemon.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LivePageTests {
    /// Two fast detectors, a small warm-up, the metrics endpoint on a free loopback port.
    static let toml = "[daemon]\nmetrics_listen = \"127.0.0.1:0\"\n\n" + smallModelTOML(detectors: "[\"ae\", \"pca\"]")

    /// The page of `harness`, checked to be a 200 in HTML.
    static func page(_ harness: DaemonHarness) throws -> String {
        let reply = try HTTPProbe.request(port: try MetricsEndpointTests.port(harness), "/")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/html; charset=utf-8")
        #expect(reply.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        return reply.body
    }

    /// The `<svg ...>...</svg>` elements of `html`, in order.
    static func charts(_ html: String) -> [String] {
        html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + ($0.components(separatedBy: "</svg>").first ?? "") }
    }

    /// The `<section class="stream">` of `stream` in `html`.
    static func section(_ html: String, stream: String) -> String? {
        html.components(separatedBy: "<section class=\"stream\">").dropFirst()
            .first { $0.contains("<h2>\(stream)</h2>") }
            .map { $0.components(separatedBy: "</section>")[0] }
    }

    @Test func thePageShowsEveryStreamWithAChartPerDetectorAgainstTheThreshold() throws {
        let harness = try DaemonHarness(toml: Self.toml)
        defer { harness.removeState() }
        // Both streams warm up (600 vectors) and train ae and pca.
        try harness.publish(stream: "web-1", values: demoVectors(count: 600, seed: 81), dimension: 12)
        try harness.publish(stream: "db.main", values: demoVectors(count: 600, seed: 82), dimension: 12)
        try harness.waitForStatus { $0.streams.count == 2 && $0.streams.allSatisfy { $0.models.count == 2 } }
        // Normal vectors for both, then on web-1 a burst far off the training data (alerts).
        try harness.publish(stream: "web-1", values: demoVectors(count: 300, seed: 83), dimension: 12)
        try harness.publish(stream: "db.main", values: demoVectors(count: 300, seed: 84), dimension: 12)
        try harness.publish(stream: "web-1", values: demoVectors(count: 20, seed: 85).map { $0 * 40 + 100 }, dimension: 12)
        // A message under a hostile stream name: refused by the wire format, counted, never shown raw.
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        try raw.send([Array("<script>alert(1)</script>".utf8), binaryPayload([[Float](repeating: 1, count: 12)])])
        try harness.waitForStatus {
            $0.streams.first { $0.name == "web-1" }?.scored == 320 && $0.streams.first { $0.name == "db.main" }?.scored == 300
                && $0.ingest.rejected["stream"] == 1
        }
        let before = try harness.client.status()
        let web = try #require(before.streams.first { $0.name == "web-1" })
        #expect(web.alerts > 0)

        let html = try Self.page(harness)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"\(LivePageWriter.refreshSeconds)\"/>"))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\""))
        #expect(!html.contains("http://") || !html.contains("href=\"http"))
        // Both streams in the table and with a section of charts: one per stream and detector.
        for stream in ["web-1", "db.main"] {
            #expect(html.contains("<td>\(stream)</td>"), "\(stream) in the streams table")
            let section = try #require(Self.section(html, stream: stream), "a chart section for \(stream)")
            let charts = Self.charts(section)
            #expect(charts.count == 2, "\(stream): \(charts.count) charts")
            for (chart, detector) in zip(charts, ["ae", "pca"]) {
                #expect(chart.contains("aria-label=\"anomaly score of \(detector) over time\""))
                // The threshold: an orange step line with its label.
                #expect(chart.contains("stroke=\"#e6550d\""), "\(stream)/\(detector): threshold line")
                #expect(chart.contains(">threshold "), "\(stream)/\(detector): threshold label")
            }
        }
        #expect(Self.charts(html).count == 4)
        // web-1 alerted: red alert ticks with their count; the page lists the alerts.
        let webCharts = Self.charts(try #require(Self.section(html, stream: "web-1")))
        #expect(webCharts.contains { $0.contains("stroke=\"#d62728\"") && $0.contains(" alerts</title>") })
        #expect(html.contains("<h2>Recent alerts</h2>"))
        #expect(html.contains("<td>web-1</td><td>ae</td>") || html.contains("<td>web-1</td><td>pca</td>"))
        #expect(html.contains("<h2>Models and last training runs</h2>"))
        // The hostile name was refused (a `stream` rejection) and appears nowhere on the page.
        #expect(!html.contains("alert(1)"))
        #expect(try harness.document().unattributedRejections?["stream"] == 1)

        // Nothing over HTTP changed the daemon.
        let after = try harness.client.status()
        #expect(Self.withoutRates(after.streams) == Self.withoutRates(before.streams))
        #expect(after.ingest.received == before.ingest.received)
    }

    @Test func onlyGetIsServedAndOddPathsAre404() throws {
        let harness = try DaemonHarness(toml: Self.toml)
        defer { harness.removeState() }
        try harness.publish(stream: "s", values: demoVectors(count: 50, seed: 86), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.received == 50 }
        let port = try MetricsEndpointTests.port(harness)
        let before = try harness.client.status()
        for method in ["HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let reply = try HTTPProbe.request(port: port, method, "/", body: method == "POST" ? "retrain=s" : "")
            #expect(reply.status == 405, "\(method) /")
            #expect(reply.headers["allow"] == "GET", "\(method) /")
        }
        for path in ["/index.html", "//", "/live", "/%2F", "/../", "/metrics/../x", "/s", "/streams/s"] {
            #expect(try HTTPProbe.request(port: port, "GET", path).status == 404, "GET \(path)")
        }
        // A query string does not change what is served, and is not echoed.
        let reply = try HTTPProbe.request(port: port, "/?stream=%3Cscript%3E&retrain=s")
        #expect(reply.status == 200)
        #expect(!reply.body.contains("<script") && !reply.body.contains("%3Cscript"))
        // Warming up: no model yet, no chart, said in words.
        #expect(Self.charts(reply.body).isEmpty)
        #expect(reply.body.contains("No scores yet"))
        let after = try harness.client.status()
        #expect(Self.withoutRates(after.streams) == Self.withoutRates(before.streams))
        #expect(after.streams.first?.lastTrainingRun == nil)
    }

    /// The streams without their scoring rate, which decays with the wall-clock time between two
    /// status requests.
    static func withoutRates(_ streams: [StreamStatus]) -> [StreamStatus] {
        streams.map {
            var stream = $0
            stream.scoredRate = nil
            return stream
        }
    }

    @Test("every string from input is escaped: stream names, reasons, shift features")
    func hostileNamesAreEscaped() throws {
        let hostile = "<script>alert(\"x\")</script>&'"
        var stream = StreamStatus(
            name: hostile, dimension: 3, state: .scoring, received: 10, scored: 10, rejected: [hostile: 1], gaps: 0,
            alerts: 1, bufferSize: 10, models: [
                ModelStatus(
                    detector: "ae", version: 2, created: 1_700_000_000, trainLoss: 0.1, validationLoss: 0.1,
                    threshold: ThresholdStatus(value: 0.5, method: hostile, targetFalsePositiveRate: 0.01))
            ], lastTrainingRun: TrainingRunStatus(outcome: "failed", reason: hostile, finished: 1_700_000_100))
        stream.accepted = 10
        stream.scoredRate = 1
        stream.latency = 0
        stream.bufferCapacity = 100
        stream.minimumSamples = 5
        stream.alertsByDetector = ["ae": 1]
        stream.episodes = [:]
        stream.alertsDropped = 0
        stream.runs = []
        stream.lastShift = LevelShift(
            stream: hostile, detected: 1_700_000_050, started: 1_700_000_000, alertRate: 0.5, vectors: 10,
            features: [MovedFeature(index: 1, sigmas: 4)], policy: .alert, adopted: false)
        let status = StatusReply(
            daemon: DaemonStatus(
                version: "1", uptimeSeconds: 5, pid: 1, endpoints: EndpointsStatus(ingest: [], connect: [], control: "")),
            ingest: IngestStatus(), streams: [stream], unattributedRejections: [:], alertsWritten: 1, alertsDropped: 0,
            training: hostile)
        var scores = RecentScores()
        scores.record(detector: "ae", times: (0..<10).map { 1_700_000_000 + Double($0) }, scores: [0.1, 0.2, 0.9] + [Float](repeating: 0.3, count: 7), threshold: 0.5)
        let alert = Alert(
            stream: hostile, vectorTime: 1_700_000_002, receiveTime: 1_700_000_002, detector: "ae", anomalyScore: 0.9,
            threshold: 0.5, modelVersion: 2, topFeatures: [FeatureContribution(feature: 1, share: 1)])
        let snapshot = StatusSnapshot(status: status, recentScores: [hostile: scores], recentAlerts: [alert])
        let html = LivePageWriter.html(snapshot, now: 1_700_000_200, host: "<b>host</b>")
        #expect(!html.contains("<script") && !html.contains("<b>host"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(html.contains("aed on &lt;b&gt;host&lt;/b&gt;"))
        #expect(Self.charts(html).count == 1)
        #expect(Self.charts(html)[0].contains(" alerts</title>"))
    }
}
