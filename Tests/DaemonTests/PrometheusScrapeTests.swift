import Foundation
import Testing
import Wire

@testable import Daemon

/// A real Prometheus (Debian's `prometheus`) scrapes an in-process aed on loopback every second
/// and finds its series through the HTTP query API.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PrometheusScrapeTests {
    /// Runs Prometheus with `configuration` on a free loopback port and a temporary TSDB folder
    /// until `stop()`, which kills it (SIGTERM, then SIGKILL) and removes the folder.
    final class Server {
        let process = Process()
        let port = freeTCPPort()
        let folder = NSTemporaryDirectory() + "aed-prometheus-\(UUID().uuidString)"
        let log: String

        init(executable: String, configuration: String) throws {
            try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
            let file = folder + "/prometheus.yml"
            try configuration.write(toFile: file, atomically: true, encoding: .utf8)
            log = folder + "/prometheus.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "--config.file=\(file)", "--storage.tsdb.path=\(folder)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Prometheus's log so far (for failure messages).
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        func stop() {
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: folder)
        }

        deinit { stop() }
    }

    /// The `value` of the instant-query result for `query` labelled `stream="s"`, nil while
    /// Prometheus has none (or does not answer yet).
    static func query(_ server: Server, _ query: String) -> Double? {
        guard let reply = try? HTTPProbe.request(port: server.port, "/api/v1/query?query=\(query)", timeout: 10),
            reply.status == 200,
            let json = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
            json["status"] as? String == "success",
            let data = json["data"] as? [String: Any],
            let results = data["result"] as? [[String: Any]]
        else { return nil }
        for result in results {
            guard let metric = result["metric"] as? [String: String], metric["stream"] == "s",
                let value = result["value"] as? [Any], value.count == 2, let text = value[1] as? String
            else { continue }
            return Double(text)
        }
        return nil
    }

    @Test func prometheusScrapesAedAndFindsTheScoredVectors() throws {
        let executable = try #require(
            Prometheus.executable("prometheus"), "prometheus not found: scripts/bootstrap installs Debian's prometheus")
        let harness = try DaemonHarness(toml: MetricsEndpointTests.toml())
        defer { harness.removeState() }
        let port = try MetricsEndpointTests.port(harness)
        let server = try Server(
            executable: executable,
            configuration: """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: aed
                    static_configs:
                      - targets: ["127.0.0.1:\(port)"]
                """)
        defer { server.stop() }

        try harness.publish(stream: "s", values: demoVectors(count: 600, seed: 81), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 }
        try harness.publish(stream: "s", values: demoVectors(count: 120, seed: 82), dimension: 12)
        try harness.waitForStatus { ($0.streams.first?.scored ?? 0) == 120 }

        // Prometheus scrapes every second; wait (generously) until its newest sample has all 120.
        let deadline = Date().addingTimeInterval(90)
        var seen: Double?
        while Date() < deadline {
            seen = Self.query(server, "aed_vectors_scored_total")
            if seen == 120 { break }
            #expect(server.process.isRunning, "prometheus exited: \(server.output)")
            if !server.process.isRunning { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(seen == 120, "aed_vectors_scored_total in Prometheus: \(String(describing: seen)); log: \(server.output)")
        // The scrape itself is healthy: `up` is 1 for aed's target.
        let up = try HTTPProbe.request(port: server.port, "/api/v1/query?query=up", timeout: 10)
        #expect(up.body.contains("\"value\":[") && up.body.contains(",\"1\"]"), "\(up.body)")
    }
}
