import AECTLKit
import Daemon
import Foundation
import Logging
import Wire
import ZeroMQ

/// An in-process aed on loopback endpoints and a temporary state folder, for tests.
final class DaemonHarness {
    let stateDirectory: String
    let daemon: AnomalyDaemon
    let endpoints: AnomalyDaemon.Endpoints
    let client: ControlClient
    private var stopped = false

    /// Starts aed with `toml` over test defaults (loopback tcp with ephemeral ports; the
    /// control endpoint `controlEndpoint` when given; systemd notifications to `notifier`,
    /// none by default; `controlCurve`: the control client's CURVE credentials; `extraIngest`:
    /// endpoints bound after the loopback tcp one).
    init(
        toml: String, stateDirectory: String? = nil, controlEndpoint: String? = nil,
        notifier: SystemdNotifier = SystemdNotifier(environment: [:]), controlCurve: CurveClientCredentials? = nil,
        extraIngest: [String] = []
    ) throws {
        let directory = stateDirectory ?? NSTemporaryDirectory() + "aed-test-\(UUID().uuidString)"
        self.stateDirectory = directory
        var configuration = try DaemonConfiguration.parse(toml: toml)
        configuration.daemon.stateDirectory = directory
        configuration.daemon.ingestBinds = ["tcp://127.0.0.1:*"] + extraIngest
        configuration.daemon.controlEndpoint = controlEndpoint ?? "tcp://127.0.0.1:*"
        configuration.daemon.statusInterval = 60
        // Loopback tcp control without CURVE, as the tests ask (aed refuses it unless told).
        if configuration.daemon.curve?.control != true { configuration.daemon.controlAllowPlaintextTCP = true }
        // AED_TEST_LOG=1 shows the daemon's log on stderr.
        let verbose = ProcessInfo.processInfo.environment["AED_TEST_LOG"] != nil
        let logger = Logger(label: "aed-test") { label -> any LogHandler in
            verbose ? StreamLogHandler.standardError(label: label) : SwiftLogNoOpLogHandler()
        }
        daemon = AnomalyDaemon(configuration: configuration.validated().configuration, logger: logger,
                               notifier: notifier)
        try daemon.start()
        guard let bound = daemon.boundEndpoints else { throw HarnessError("no endpoints after start") }
        endpoints = bound
        client = try ControlClient(endpoint: bound.control, timeoutMilliseconds: 5_000, curve: controlCurve)
    }

    /// Publishes `values` (`[count, dimension]`) on `stream` through the lossless publisher
    /// (a CURVE client with `curve`).
    func publish(
        stream: String, values: [Float], dimension: Int, format: PayloadFormat = .binary, batch: Int = 50,
        curve: CurveClientCredentials? = nil
    ) throws {
        var options = PublishOptions(
            endpoint: endpoints.ingest[0], stream: stream, format: format, batch: batch, waitSeconds: 10)
        options.curve = curve
        _ = try Publisher.publish(values: values, dimension: dimension, options: options)
    }

    /// Polls status until `condition` holds (at most `timeout` seconds: generous, since a full test
    /// run on 2 cores starves the trainer's nice-10 thread); returns the last status.
    @discardableResult
    func waitForStatus(timeout: Double = 300, _ condition: (StatusReply) -> Bool) throws -> StatusReply {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try client.status()
            if condition(status) { return status }
            if Date() > deadline { throw HarnessError("status condition not met within \(timeout) s: \(status.streams)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The raw status JSON decoded as the daemon's full reply.
    func document() throws -> StatusReply {
        try JSONDecoder().decode(StatusReply.self, from: Data(client.send(.status)))
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        daemon.requestStop()
        daemon.waitUntilStopped()
    }

    func removeState() {
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    deinit { stop() }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Normal demo metrics, `[count, 12]`.
func demoVectors(count: Int, seed: UInt64) -> [Float] {
    var generator = DemoMetricsGenerator(seed: seed, normalSamples: count)
    var values: [Float] = []
    for _ in 0..<count { values.append(contentsOf: generator.next().values) }
    return values
}

/// A small, fast configuration: one AE (and optionally the VAE), tiny networks, few epochs.
func smallModelTOML(detectors: String = "[\"ae\"]", extra: String = "") -> String {
    """
    [defaults]
    detectors = \(detectors)
    hidden_sizes = [8]
    latent_size = 3
    epochs = 8
    batch_size = 32
    min_samples = 600
    retrain_interval = "0"
    target_false_positive_rate = 0.02
    \(extra)
    """
}
