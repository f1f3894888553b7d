import AECTLKit
import Daemon
import Detectors
import Foundation
import Testing
import Wire
import ZeroMQ

@Suite(.serialized, .timeLimit(.minutes(10))) struct DaemonLifecycleTests {
    @Test func trainsScoresAndRestartsWithoutRetraining() throws {
        let first = try DaemonHarness(toml: smallModelTOML(detectors: "[\"ae\", \"vae\"]"))
        defer { first.removeState() }
        try first.publish(stream: "web-1", values: demoVectors(count: 800, seed: 1), dimension: 12)
        // The first model trains by itself at min_samples.
        let trained = try first.waitForStatus { status in
            status.streams.first?.models.count == 2 && status.streams.first?.state == .scoring
        }
        let versions = trained.streams[0].models.map { "\($0.detector) v\($0.version)" }
        #expect(versions == ["ae v1", "vae v1"])
        #expect(trained.streams[0].models.allSatisfy { ($0.threshold?.value ?? .nan).isFinite })
        #expect(trained.streams[0].lastTrainingRun?.outcome == "trained")
        // The VAE's latent space is measured (KL per latent dimension, active units); the AE has none.
        let health = try #require(trained.streams[0].models.first { $0.detector == "vae" }?.latentHealth)
        #expect(health.klPerDimension.count == health.latentDimensions && health.latentDimensions > 0)
        #expect(trained.streams[0].models.first { $0.detector == "ae" }?.latentHealth == nil)
        // New vectors are scored.
        let before = trained.streams[0].scored
        try first.publish(stream: "web-1", values: demoVectors(count: 200, seed: 2), dimension: 12)
        try first.waitForStatus { ($0.streams.first?.scored ?? 0) >= before + 200 }
        let runsBefore = try first.document().streams[0].runs
        // A second daemon on the same state folder is refused while the first runs.
        #expect(throws: DaemonError.alreadyRunning(stateDirectory: first.stateDirectory)) {
            _ = try DaemonHarness(toml: smallModelTOML(), stateDirectory: first.stateDirectory)
        }
        first.stop()

        // Same state folder: same model versions, scoring at once, no retrain.
        let second = try DaemonHarness(toml: smallModelTOML(detectors: "[\"ae\", \"vae\"]"), stateDirectory: first.stateDirectory)
        let restored = try second.client.status()
        #expect(restored.streams.first?.state == .scoring)
        #expect(restored.streams.first?.models.map { "\($0.detector) v\($0.version)" } == versions)
        #expect((restored.streams.first?.bufferSize ?? 0) >= 600)
        try second.publish(stream: "web-1", values: demoVectors(count: 100, seed: 3), dimension: 12)
        let after = try second.waitForStatus { ($0.streams.first?.scored ?? 0) >= 100 }
        #expect(after.streams[0].scored == 100)
        #expect(after.streams[0].state == .scoring)
        let document = try second.document()
        #expect(document.streams[0].runs?.map(\.finished) == runsBefore?.map(\.finished))
        // The latent health came back from the store with the model and its run.
        #expect(after.streams[0].models.first { $0.detector == "vae" }?.latentHealth == health)
        #expect(document.streams[0].runs?.first { $0.detector == "vae" }?.latentHealth == health)
        second.stop()
    }

    @Test func retrainWaitPromotesNextVersionAndSkipsWithTooLittleData() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        try harness.publish(stream: "small", values: demoVectors(count: 100, seed: 4), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.received == 100 }
        let skipped = try harness.client.retrain(streams: ["small"], wait: true, timeoutMilliseconds: 60_000)
        #expect(skipped.runs.map(\.outcome) == ["skipped"])
        #expect(skipped.runs.first?.reason?.contains("too little data") == true)
        #expect(try harness.client.status().streams.first?.state == .warming)

        try harness.publish(stream: "small", values: demoVectors(count: 700, seed: 5), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 && $0.streams.first?.state == .scoring }
        let reply = try harness.client.retrain(streams: [], wait: true, timeoutMilliseconds: 60_000)
        #expect(reply.runs.map(\.outcome) == ["trained"])
        #expect(reply.runs.first?.modelVersion == 2)
        let status = try harness.client.status()
        #expect(status.streams.first?.models.first?.version == 2)

        #expect(throws: ControlProtocolError.self) {
            try harness.client.retrain(streams: ["nope"], wait: false)
        }
        harness.stop()
    }
}
