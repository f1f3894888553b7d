import Foundation
import Logging
import Testing

@testable import Daemon

/// The metrics endpoint in the daemon's `ServiceGroup` (what `aed` runs): it serves while the
/// group runs, stops with the rest on a stop request, and a port in use fails the group with
/// the error naming the key after the other parts shut down gracefully.
@Suite(.serialized, .timeLimit(.minutes(10))) struct MetricsServiceGroupTests {
    /// A daemon on loopback endpoints, a temporary state folder and metrics on `listen`.
    static func daemon(listen: String, state: String) throws -> AnomalyDaemon {
        var configuration = try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = \"\(listen)\"\n")
        configuration.daemon.stateDirectory = state
        configuration.daemon.ingestBinds = ["tcp://127.0.0.1:*"]
        configuration.daemon.controlEndpoint = "tcp://127.0.0.1:*"
        configuration.daemon.controlAllowPlaintextTCP = true
        let logger = Logger(label: "aed-test") { _ in SwiftLogNoOpLogHandler() }
        return AnomalyDaemon(
            configuration: configuration.validated().configuration, logger: logger,
            notifier: SystemdNotifier(environment: [:]))
    }

    @Test func theGroupServesMetricsAndStopsThemWithTheRest() async throws {
        let state = NSTemporaryDirectory() + "aed-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let daemon = try Self.daemon(listen: "127.0.0.1:0", state: state)
        let group = Task { try await daemon.run(gracefulShutdownSignals: []) }
        var port: Int?
        for _ in 0..<600 where port == nil {
            port = daemon.boundMetricsAddress?.port
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let listening = try #require(port, "the metrics endpoint did not listen within 30 s")
        let reply = try HTTPProbe.request(port: listening, "/metrics")
        #expect(reply.status == 200)
        #expect(reply.body.contains("aed_build_info{"))
        #expect(try HTTPProbe.request(port: listening, "POST", "/metrics").status == 405)

        daemon.requestStop()
        try await group.value
        // Stopped with the group: nothing listens on the port any more.
        #expect(throws: (any Error).self) { try HTTPProbe.request(port: listening, "/metrics", timeout: 2) }
    }

    @Test func aPortInUseFailsTheGroupWithTheKey() async throws {
        let state = NSTemporaryDirectory() + "aed-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try Self.daemon(listen: "127.0.0.1:0", state: state + "-a")
        defer { try? FileManager.default.removeItem(atPath: state + "-a") }
        let running = Task { try await first.run(gracefulShutdownSignals: []) }
        var port: Int?
        for _ in 0..<600 where port == nil {
            port = first.boundMetricsAddress?.port
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let taken = try #require(port)

        let second = try Self.daemon(listen: "127.0.0.1:\(taken)", state: state)
        do {
            try await second.run(gracefulShutdownSignals: [])
            Issue.record("a second daemon ran on a metrics port in use")
        } catch let error as DaemonError {
            #expect(error.description.contains("daemon.metrics_listen = \"127.0.0.1:\(taken)\""), "\(error)")
        }
        first.requestStop()
        try await running.value
    }
}
