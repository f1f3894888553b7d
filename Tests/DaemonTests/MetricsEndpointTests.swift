import Foundation
import Testing
import Wire

@testable import Daemon

/// The Prometheus metrics endpoint of an in-process daemon: what it serves agrees with `aectl
/// status` and passes `promtool check metrics`; anything but `GET /metrics` (and the live page,
/// `GET /`: LivePageTests) is refused and
/// changes nothing; a port in use is a startup error naming the key; daemons in one process
/// keep their own registries.
@Suite(.serialized, .timeLimit(.minutes(10))) struct MetricsEndpointTests {
    /// A small AE configuration with the metrics endpoint on a free loopback port.
    static func toml(listen: String = "127.0.0.1:0") -> String {
        "[daemon]\nmetrics_listen = \"\(listen)\"\n\n" + smallModelTOML()
    }

    /// The metrics endpoint's port of `harness`.
    static func port(_ harness: DaemonHarness) throws -> Int {
        try #require(harness.daemon.boundMetricsAddress?.port)
    }

    /// The value of the sample `series` (`name{labels}` as rendered) in `body`; nil when absent.
    static func sample(_ body: String, _ series: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A scrape of `harness`'s endpoint, checked to be a 200 in the text format.
    static func scrape(_ harness: DaemonHarness) throws -> String {
        let reply = try HTTPProbe.request(port: try port(harness), "/metrics")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        return reply.body
    }

    /// Every counter of `document` that has a metric, checked against `body`.
    static func expectAgreement(_ body: String, _ document: StatusReply) {
        for stream in document.streams {
            let s = "stream=\"\(stream.name)\""
            #expect(sample(body, "aed_vectors_received_total{\(s)}") == Double(stream.received))
            #expect(sample(body, "aed_vectors_scored_total{\(s)}") == Double(stream.scored))
            for (reason, count) in stream.rejected {
                #expect(sample(body, "aed_vectors_rejected_total{\(s),reason=\"\(reason)\"}") == Double(count))
            }
            for (detector, count) in stream.alertsByDetector ?? [:] {
                #expect(sample(body, "aed_alerts_total{\(s),detector=\"\(detector)\"}") == Double(count))
            }
            for (detector, outcomes) in stream.trainingRuns ?? [:] {
                for (outcome, count) in outcomes {
                    #expect(
                        sample(body, "aed_training_runs_total{\(s),detector=\"\(detector)\",outcome=\"\(outcome)\"}")
                            == Double(count))
                }
            }
            for model in stream.models {
                #expect(sample(body, "aed_model_version{\(s),detector=\"\(model.detector)\"}") == Double(model.version))
            }
            #expect(sample(body, "aed_retrain_buffer_vectors{\(s)}") == Double(stream.bufferSize))
        }
        #expect(sample(body, "aed_alerts_written_total") == Double(document.alertsWritten ?? 0))
    }

    /// `promtool check metrics` on `body`: exit status and output.
    static func promtool(_ body: String) throws -> ProcessResult? {
        guard let promtool = Prometheus.executable("promtool") else { return nil }
        let file = NSTemporaryDirectory() + "aed-metrics-\(UUID().uuidString).txt"
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try runProcess("/bin/sh", ["-c", "'\(promtool)' check metrics < '\(file)'"], timeout: 60)
    }

    @Test func scrapesAgreeWithStatusAndPassPromtool() throws {
        let harness = try DaemonHarness(toml: Self.toml())
        defer { harness.removeState() }
        // Warm up (600 vectors), train, then score 200 more; and one rejected message.
        try harness.publish(stream: "s", values: demoVectors(count: 600, seed: 51), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 }
        try harness.publish(stream: "s", values: demoVectors(count: 200, seed: 52), dimension: 12)
        try harness.publish(stream: "s", values: demoVectors(count: 1, seed: 53) + [0], dimension: 13)
        try harness.waitForStatus { ($0.streams.first?.scored ?? 0) == 200 && ($0.streams.first?.rejected["dim"] ?? 0) == 1 }

        let first = try Self.scrape(harness)
        let document = try harness.document()
        Self.expectAgreement(first, document)
        #expect(Self.sample(first, "aed_vectors_scored_total{stream=\"s\"}") == 200)
        #expect(Self.sample(first, "aed_vectors_rejected_total{stream=\"s\",reason=\"dim\"}") == 1)
        #expect(Self.sample(first, "aed_training_runs_total{stream=\"s\",detector=\"ae\",outcome=\"ok\"}") == 1)
        #expect(first.contains("aed_build_info{version=\"\(AnomalyDaemon.version)\",blas_kernel=\""))
        #expect(Self.sample(first, "aed_streams{state=\"scoring\"}") == 1)
        #expect(Self.sample(first, "aed_training_duration_seconds_count{stream=\"s\",detector=\"ae\"}") == 1)
        // The publisher stamps every vector with ts: each scored one is in the latency histogram.
        #expect(Self.sample(first, "aed_scoring_latency_seconds_count{stream=\"s\"}") == 200)
        #expect(first.contains("# HELP aed_vectors_scored_total "))
        #expect(first.contains("# TYPE aed_scoring_latency_seconds histogram"))

        // Counters follow status across scrapes (raised by the growth, never recounted).
        try harness.publish(stream: "s", values: demoVectors(count: 50, seed: 54), dimension: 12)
        try harness.waitForStatus { ($0.streams.first?.scored ?? 0) == 250 }
        let second = try Self.scrape(harness)
        Self.expectAgreement(second, try harness.document())
        #expect(Self.sample(second, "aed_vectors_scored_total{stream=\"s\"}") == 250)
        #expect(Self.sample(second, "aed_vectors_received_total{stream=\"s\"}") == 851)

        let checked = try #require(try Self.promtool(second), "promtool not found: scripts/bootstrap installs Debian's prometheus")
        #expect(checked.status == 0, "promtool check metrics: \(checked.stdout) \(checked.stderr)")
    }

    @Test func onlyGetMetricsIsServedAndNothingOverHTTPChangesTheDaemon() throws {
        let harness = try DaemonHarness(toml: Self.toml())
        defer { harness.removeState() }
        try harness.publish(stream: "s", values: demoVectors(count: 100, seed: 61), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.received == 100 }
        let port = try Self.port(harness)
        let before = try harness.client.status()

        for path in ["/metricsx", "/metrics/", "/status", "/../metrics", "/api/v1/query?query=up", "/METRICS"] {
            let reply = try HTTPProbe.request(port: port, "GET", path)
            #expect(reply.status == 404, "GET \(path)")
        }
        for method in ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"] {
            let reply = try HTTPProbe.request(port: port, method, "/metrics", body: method == "POST" ? "retrain=s" : "")
            #expect(reply.status == 405, "\(method) /metrics")
            #expect(reply.headers["allow"] == "GET", "\(method) /metrics")
        }
        for method in ["POST", "DELETE"] {
            #expect(try HTTPProbe.request(port: port, method, "/status", body: "x").status == 404)
        }
        // A method HTTP/1.1's parser does not know is a bad request.
        #expect(try HTTPProbe.request(port: port, "BREW", "/metrics").status == 400)
        // A request that is not HTTP at all: the server closes it; the endpoint still answers.
        sendRawTCP(to: "tcp://127.0.0.1:\(port)", bytes: Array("\u{0}\u{1}garbage\r\n\r\n".utf8))
        #expect(try HTTPProbe.request(port: port, "/metrics?name=aed_build_info").status == 200)

        let after = try harness.client.status()
        #expect(after.streams == before.streams)
        #expect(after.ingest.received == before.ingest.received)
        #expect(after.streams.first?.lastTrainingRun == nil)
    }

    @Test func aStalledHTTPClientStallsNeitherScoringNorOtherScrapes() throws {
        let harness = try DaemonHarness(toml: Self.toml())
        defer { harness.removeState() }
        let port = try Self.port(harness)
        // Clients that send half a request and then nothing, and hold their connections.
        var stalled: [Int32] = []
        defer { for fd in stalled { close(fd) } }
        for _ in 0..<8 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(connected == 0)
            let partial = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
            _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            stalled.append(fd)
        }
        try harness.publish(stream: "s", values: demoVectors(count: 300, seed: 91), dimension: 12)
        try harness.waitForStatus(timeout: 30) { $0.streams.first?.received == 300 }
        let body = try Self.scrape(harness)
        #expect(Self.sample(body, "aed_vectors_received_total{stream=\"s\"}") == 300)
    }

    @Test func aMetricsAddressInUseIsAStartupErrorNamingTheKey() throws {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var one: Int32 = 1
        setsockopt(holder, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(holder, 4) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let state = NSTemporaryDirectory() + "aed-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }

        var failure: (any Error)?
        do {
            _ = try DaemonHarness(toml: Self.toml(listen: "127.0.0.1:\(port)"), stateDirectory: state)
        } catch {
            failure = error
        }
        let error = try #require(failure as? DaemonError)
        guard case .metricsListen = error else {
            Issue.record("expected a metrics_listen error, got \(error)")
            return
        }
        #expect(error.description.contains("daemon.metrics_listen = \"127.0.0.1:\(port)\""))
        // Everything that had started was stopped: the state folder is free for the next daemon.
        let again = try DaemonHarness(toml: Self.toml(), stateDirectory: state)
        #expect(try again.client.status().ok)
    }

    @Test func daemonsInOneProcessKeepTheirOwnMetrics() throws {
        let first = try DaemonHarness(toml: Self.toml())
        defer { first.removeState() }
        let second = try DaemonHarness(toml: Self.toml())
        defer { second.removeState() }
        try first.publish(stream: "only-first", values: demoVectors(count: 10, seed: 71), dimension: 12)
        try second.publish(stream: "only-second", values: demoVectors(count: 20, seed: 72), dimension: 12)
        try first.waitForStatus { $0.streams.first?.received == 10 }
        try second.waitForStatus { $0.streams.first?.received == 20 }
        let one = try Self.scrape(first)
        let two = try Self.scrape(second)
        #expect(Self.sample(one, "aed_vectors_received_total{stream=\"only-first\"}") == 10)
        #expect(!one.contains("only-second"))
        #expect(Self.sample(two, "aed_vectors_received_total{stream=\"only-second\"}") == 20)
        #expect(!two.contains("only-first"))
    }

    @Test func theReadmeNamesEveryMetric() throws {
        let readme = try String(
            contentsOf: ReleaseBinaries.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let design = try String(
            contentsOf: ReleaseBinaries.repositoryRoot.appendingPathComponent("docs/DESIGN.md"), encoding: .utf8)
        for family in DaemonMetrics.families {
            #expect(readme.contains("`\(family.name)`"), "README lacks \(family.name)")
            #expect(design.contains("`\(family.name)`"), "DESIGN.md lacks \(family.name)")
        }
    }
}

/// Debian's `prometheus` package: `prometheus` and `promtool` (scripts/bootstrap installs it).
enum Prometheus {
    /// The path of `name` on `PATH` (or /usr/bin), nil when it is not installed.
    static func executable(_ name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for folder in folders {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
