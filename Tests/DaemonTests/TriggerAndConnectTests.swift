import AECTLKit
import Daemon
import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(10))) struct TriggerAndConnectTests {
    @Test func sampleCountTriggersARetrain() throws {
        let harness = try DaemonHarness(toml: smallModelTOML(extra: "retrain_samples = 300"))
        defer { harness.removeState() }
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 51), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.first?.version == 1 && $0.streams.first?.state == .scoring }
        try harness.publish(stream: "s", values: demoVectors(count: 400, seed: 52), dimension: 12)
        // The promotion is visible before the run's end is: wait for both.
        let status = try harness.waitForStatus {
            ($0.streams.first?.models.first?.version ?? 0) >= 2 && $0.streams.first?.state == .scoring
        }
        #expect(status.streams[0].lastTrainingRun?.outcome == "trained")
        let runs = try harness.document().streams[0].runs
        #expect(runs?.first?.trigger == .samples)
        harness.stop()
    }

    @Test func connectsToABindingPublisherAndFiltersTopics() throws {
        let port = freeTCPPort()
        let endpoint = "tcp://127.0.0.1:\(port)"
        let toml = """
            [daemon]
            connect = ["\(endpoint)"]
            topics = ["keep."]
            """
        let harness = try DaemonHarness(toml: toml)
        defer { harness.removeState() }
        let values = demoVectors(count: 50, seed: 53)
        _ = try Publisher.publish(
            values: values, dimension: 12, options: PublishOptions(endpoint: endpoint, stream: "keep.a", bind: true))
        try harness.waitForStatus { $0.streams.first { $0.name == "keep.a" }?.received == 50 }
        // aed reconnects to the same endpoint, but its subscription ("keep.") does not cover
        // "drop.b": the publisher finds no subscriber for it and nothing reaches aed.
        #expect(throws: PublishError.self) {
            try Publisher.publish(
                values: values, dimension: 12,
                options: PublishOptions(endpoint: endpoint, stream: "drop.b", bind: true, waitSeconds: 1.5))
        }
        // While a "keep." stream on the same endpoint does arrive.
        _ = try Publisher.publish(
            values: values, dimension: 12, options: PublishOptions(endpoint: endpoint, stream: "keep.c", bind: true))
        try harness.waitForStatus { $0.streams.first { $0.name == "keep.c" }?.received == 50 }
        #expect(try harness.client.status().streams.map(\.name) == ["keep.a", "keep.c"])
        #expect(try harness.client.status().daemon.endpoints.connect == [endpoint])
        harness.stop()
    }
}
