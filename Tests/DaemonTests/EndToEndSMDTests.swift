import AECTLKit
import Daemon
import Foundation
import Testing
import Wire

/// The SMD machine-1-7 files of `../shared/datasets`, if present.
enum SMDData {
    /// The machine: `smd_machine-1-7`, or another dataset folder named by `AED_E2E_DATASET`
    /// (then the metrics are printed but the floors, set for machine-1-7, are not asserted).
    static let name = ProcessInfo.processInfo.environment["AED_E2E_DATASET"] ?? "smd_machine-1-7"

    static let directory: String? = {
        if let explicit = ProcessInfo.processInfo.environment["AED_DATASETS"] {
            let path = explicit + "/" + name
            return FileManager.default.fileExists(atPath: path + "/train.csv") ? path : nil
        }
        var url = ReleaseBinaries.repositoryRoot
        for _ in 0..<3 {
            let candidate = url.appendingPathComponent("../shared/datasets/" + name).standardized.path
            if FileManager.default.fileExists(atPath: candidate + "/train.csv") { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()
}

/// Precision, recall and F1 of predicted anomalous rows against labels.
struct DetectionScores: CustomStringConvertible {
    var precision: Double
    var recall: Double
    var f1: Double
    var flagged: Int

    init(predicted: Set<Int>, labels: [Int]) {
        let positives = Set(labels.indices.filter { labels[$0] == 1 })
        let truePositives = predicted.intersection(positives).count
        precision = predicted.isEmpty ? 0 : Double(truePositives) / Double(predicted.count)
        recall = positives.isEmpty ? 0 : Double(truePositives) / Double(positives.count)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        flagged = predicted.count
    }

    var description: String {
        String(format: "precision %.3f recall %.3f F1 %.3f (%d flagged)", precision, recall, f1, flagged)
    }
}

@Suite(.serialized, .timeLimit(.minutes(15))) struct EndToEndSMDTests {
    @Test(.enabled(if: SMDData.directory != nil, "../shared/datasets is absent"))
    func smdMachine17TrainRetrainTestAlerts() throws {
        guard let aed = ReleaseBinaries.path("aed"), let aectl = ReleaseBinaries.path("aectl") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let data = try #require(SMDData.directory)
        let state = NSTemporaryDirectory() + "aed-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let ingest = "tcp://127.0.0.1:\(freeTCPPort())"
        let control = "ipc://\(state)/control.sock"
        let config = state + "/aed.toml"
        // Built-in defaults (AE + VAE, target false-positive rate 0.01), except that alerts are
        // not grouped into episodes, so they can be compared with per-vector labels.
        try """
            [alerts]
            # One row per alerting vector, so alerts can be compared with per-vector labels.
            episodes = false
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let log = state + "/aed.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: aed)
        daemon.arguments = ["--config", config, "--state-dir", state, "--ingest", ingest, "--control", control]
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try daemon.run()
        defer { if daemon.isRunning { daemon.terminate() } }
        let client = try ControlClient(endpoint: control, timeoutMilliseconds: 2_000)
        try waitUntil(timeout: 30, "aed answers status") { (try? client.status()) != nil }

        // 1. Publish the training period with aectl publish.
        let published = try runProcess(
            aectl, ["publish", "--endpoint", ingest, "--stream", "smd-1-7", "--file", data + "/train.csv", "--batch", "20"],
            timeout: 300)
        #expect(published.status == 0, "aectl publish: \(published.stderr)")
        let train = try CSVVectors.load(path: data + "/train.csv")
        try waitUntil(timeout: 120, "all training vectors received") {
            (try? client.status().streams.first?.received) == train.count
        }

        // 2. Retrain on the whole buffer and wait for it.
        let retrain = try runProcess(aectl, ["retrain", "smd-1-7", "--wait", "--control", control], timeout: 600)
        print("aectl retrain --wait:\n\(retrain.stdout)\(retrain.stderr)")
        #expect(retrain.status == 0)
        let trained = try client.status()
        #expect(trained.streams.first?.models.count == 2)

        // 3. Publish the test period with aectl publish, each row stamped as a recorded series
        //    (row i at start + i * step), so alerts map back to their rows.
        let test = try CSVVectors.load(path: data + "/test.csv")
        let start = Date().timeIntervalSince1970.rounded(.down)
        let step = 0.001
        let testPublished = try runProcess(
            aectl, ["publish", "--endpoint", ingest, "--stream", "smd-1-7", "--file", data + "/test.csv", "--batch", "50",
                    "--ts-start", String(start), "--ts-step", String(step)],
            timeout: 300)
        #expect(testPublished.status == 0, "aectl publish: \(testPublished.stderr)")
        let scoredBefore = trained.streams.first?.scored ?? 0
        try waitUntil(timeout: 300, "all test vectors scored") {
            ((try? client.status().streams.first?.scored) ?? 0) >= scoredBefore + test.count
        }
        // Every threshold crossing is stored (no episodes): wait for the writer to commit them all.
        try waitUntil(timeout: 60, "all alerts committed") {
            guard let frame = try? client.send(.status),
                let document = try? JSONDecoder().decode(StatusReply.self, from: Data(frame))
            else { return false }
            return (document.alertsWritten ?? 0) >= document.streams.reduce(0) { $0 + $1.alerts }
        }

        // 4. Read the alerts back with aectl and score them against the labels.
        let alertsRun = try runProcess(aectl, ["alerts", "--json", "--limit", "100000", "--control", control], timeout: 60)
        #expect(alertsRun.status == 0)
        let alerts = try ControlReply.decode(AlertsReply.self, from: Array(alertsRun.stdout.utf8)).alerts
        let labels = try String(contentsOfFile: data + "/test_labels.csv", encoding: .utf8)
            .split(whereSeparator: \.isNewline).compactMap { Int($0) }
        #expect(labels.count == test.count)
        var byDetector: [String: Set<Int>] = [:]
        for alert in alerts where alert.vectorTime >= start {
            let index = Int(((alert.vectorTime - start) / step).rounded())
            if index >= 0 && index < test.count { byDetector[alert.detector, default: []].insert(index) }
        }
        let union = byDetector.values.reduce(into: Set<Int>()) { $0.formUnion($1) }
        let scores = DetectionScores(predicted: union, labels: labels)
        print("\(SMDData.name) (aed, ae or vae): \(scores)")
        for (detector, rows) in byDetector.sorted(by: { $0.key < $1.key }) {
            print("\(SMDData.name) (\(detector)): \(DetectionScores(predicted: rows, labels: labels))")
        }
        let status = try runProcess(aectl, ["status", "--control", control], timeout: 30)
        print("aectl status:\n\(status.stdout)")
        // Measured (release, 2 cores): precision 0.961, recall 0.550, F1 0.699 (PyOD's AE reaches
        // a best F1 of 0.71 only with the threshold chosen on the test labels).
        if SMDData.name == "smd_machine-1-7" {
            #expect(scores.f1 >= 0.55, "F1 \(scores.f1) below the floor")
            #expect(scores.precision >= 0.75, "precision \(scores.precision) below the floor")
            #expect(scores.recall >= 0.40, "recall \(scores.recall) below the floor")
        }

        // 5. Stop cleanly.
        daemon.terminate()
        try waitUntil(timeout: 15, "aed exits after SIGTERM") { !daemon.isRunning }
        #expect(daemon.terminationStatus == 0)
        #expect(daemon.terminationReason == .exit)

        // 6. aectl against no daemon fails quickly with a clear message.
        let started = Date()
        let none = try runProcess(aectl, ["status", "--control", control, "--timeout", "1"], timeout: 30)
        #expect(none.status != 0)
        #expect(none.stderr.contains("no reply from aed"))
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// Polls `condition` every 50 ms until it holds, or throws after `timeout` seconds.
func waitUntil(timeout: Double, _ what: String, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { throw HarnessError("timed out after \(timeout) s waiting for: \(what)") }
        Thread.sleep(forTimeInterval: 0.05)
    }
}
