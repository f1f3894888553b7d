import AECTLKit
import Alerts
import Daemon
import Foundation
import Testing
import Wire
import ZeroMQ

/// The `contrastive` and `triplet` detectors through the daemon: selected in `detectors = [...]`, trained by
/// the retrain path at `min_samples`, thresholds calibrated, stored, and alerting with top features.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SelfSupervisedDaemonTests {
    @Test func trainsScoresAndAlertsWithBothSelfSupervisedDetectors() throws {
        let harness = try DaemonHarness(toml: smallModelTOML(detectors: "[\"contrastive\", \"triplet\"]"))
        defer { harness.removeState() }
        let normal = demoVectors(count: 800, seed: 11)
        try harness.publish(stream: "ssl", values: normal, dimension: 12)
        let trained = try harness.waitForStatus(timeout: 240) { status in
            status.streams.first?.models.count == 2 && status.streams.first?.state == .scoring
        }
        #expect(trained.streams[0].models.map { "\($0.detector) v\($0.version)" } == ["contrastive v1", "triplet v1"])
        #expect(trained.streams[0].models.allSatisfy { ($0.threshold?.value ?? .nan).isFinite })
        #expect(trained.streams[0].lastTrainingRun?.outcome == "trained")
        // A vector 30 training sigmas off on feature 4: both detectors alert and name features.
        let column = stride(from: 4, to: normal.count, by: 12).map { Double(normal[$0]) }
        let mean = column.reduce(0, +) / Double(column.count)
        let sigma = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
        var anomaly = Array(demoVectors(count: 1, seed: 12))
        anomaly[4] = Float(mean + 30 * sigma)
        let scoredBefore = try harness.client.status().streams.first?.scored ?? 0
        try harness.publish(stream: "ssl", values: anomaly, dimension: 12)
        try harness.waitForStatus { ($0.streams.first?.scored ?? 0) > scoredBefore }
        let deadline = Date().addingTimeInterval(30)
        var alerts: [Alert] = []
        while Date() < deadline {
            alerts = try harness.client.alerts(stream: "ssl", since: nil, limit: 10).alerts
            if Set(alerts.map(\.detector)).count == 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(Set(alerts.map(\.detector)) == ["contrastive", "triplet"])
        #expect(alerts.allSatisfy { !$0.topFeatures.isEmpty })
        harness.stop()
    }
}
