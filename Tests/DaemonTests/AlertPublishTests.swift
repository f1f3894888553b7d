import Alerts
import Foundation
import Testing
import Wire
import ZeroMQ

@Suite(.serialized, .timeLimit(.minutes(10))) struct AlertPublishTests {
    @Test func alertsArePublishedAndStored() throws {
        let toml = smallModelTOML() + """

            [daemon]
            alert_publish = "tcp://127.0.0.1:*"
            [alerts]
            episodes = false
            """
        let harness = try DaemonHarness(toml: toml)
        defer { harness.removeState() }
        let alertEndpoint = try #require(harness.endpoints.alertPublish)
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 41), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 }

        let context = try Context()
        defer { context.shutdown() }
        let subscriber = try context.socket(.sub, lingerMilliseconds: 0)
        defer { subscriber.close() }
        try subscriber.set(.receiveTimeout(milliseconds: 500))
        try subscriber.connect(alertEndpoint)
        try subscriber.subscribe("alerts.")
        // Far outside the normal range: every detector flags these. Repeat until the
        // subscription has reached the PUB socket (at most 40 rounds).
        let anomalous = demoVectors(count: 5, seed: 42).map { $0 * 10 }
        var frames: [[UInt8]]?
        for _ in 0..<40 where frames == nil {
            try harness.publish(stream: "s", values: anomalous, dimension: 12)
            frames = try subscriber.receiveMultipart()
        }
        let message = try #require(frames)
        #expect(message.count == 2)
        #expect(String(decoding: message[0], as: UTF8.self) == "alerts.s")
        let alert = try JSONDecoder().decode(Alert.self, from: Data(message[1]))
        #expect(alert.stream == "s")
        #expect(alert.detector == "ae")
        #expect(alert.anomalyScore > alert.threshold)
        #expect(abs(alert.severity - alert.anomalyScore / alert.threshold) < 1e-9)
        #expect(alert.modelVersion == 1)
        #expect(alert.topFeatures.count == 3)
        #expect(alert.topFeatures.allSatisfy { $0.share >= 0 && $0.share <= 1 && $0.feature < 12 })

        // The same alerts are in SQLite, readable through the control protocol.
        try waitUntil(timeout: 10, "alerts committed") {
            ((try? harness.client.alerts(stream: "s", since: nil, limit: 1000).alerts.count) ?? 0) >= 5
        }
        let stored = try harness.client.alerts(stream: "s", since: nil, limit: 1000)
        #expect(stored.alerts.count >= 5)
        #expect(stored.alerts.allSatisfy { $0.detector == "ae" && $0.modelVersion == 1 })
        harness.stop()
    }
}
