import AECTLKit
import Daemon
import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(10))) struct FailedRetrainTests {
    /// Rows of the retrain buffer the trainer holds out to check the threshold (see
    /// `Trainer.split`: blocks of 8, every 4th block held out, alternating calibrate/check).
    static func isCheckRow(_ row: Int) -> Bool {
        let block = row / 8
        return block % 4 == 3 && (block / 4) % 2 == 1
    }

    @Test func divergingBufferFailsTheRetrainAndTheOldModelKeepsScoring() throws {
        // buffer_size = min_samples, so after v1 the next 600 accepted vectors are the whole buffer.
        let toml = smallModelTOML(extra: "buffer_size = 600")
        let harness = try DaemonHarness(toml: toml)
        defer { harness.removeState() }
        let normal = demoVectors(count: 600, seed: 31)
        try harness.publish(stream: "s", values: normal, dimension: 12)
        // `scoring`, not `training`: the first run has ended (its model shows a moment before),
        // so the retrain below starts a run of its own instead of joining that one.
        let trained = try harness.waitForStatus { $0.streams.first?.models.count == 1 && $0.streams.first?.state == .scoring }
        #expect(trained.streams[0].models[0].version == 1)

        // A buffer whose halves diverge: near-constant vectors (the training mean) everywhere
        // except the rows held out to check the threshold, which carry the usual variation.
        // v1 accepts both; a candidate fitted on the near-constant rows calibrates a threshold
        // that the check rows exceed far beyond the target false-positive rate.
        var mean = [Float](repeating: 0, count: 12)
        for row in 0..<600 { for j in 0..<12 { mean[j] += normal[row * 12 + j] / 600 } }
        let varied = demoVectors(count: 600, seed: 32)
        var poison: [Float] = []
        for row in 0..<600 {
            if Self.isCheckRow(row) {
                poison.append(contentsOf: varied[(row * 12)..<((row + 1) * 12)])
            } else {
                poison.append(contentsOf: mean.map { $0 * (1 + Float(row % 7 - 3) * 1e-4) })
            }
        }
        try harness.publish(stream: "s", values: poison, dimension: 12)
        try harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= 600 }

        let reply = try harness.client.retrain(streams: ["s"], wait: true, timeoutMilliseconds: 120_000)
        let run = try #require(reply.runs.first)
        #expect(run.outcome == "failed")
        #expect(run.reason?.contains("false-positive rate") == true)
        #expect(run.modelVersion == nil)

        // The old model is still active and scoring; status shows the failed run and its reason.
        let scoredBefore = try harness.client.status().streams[0].scored
        try harness.publish(stream: "s", values: demoVectors(count: 100, seed: 33), dimension: 12)
        let status = try harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= scoredBefore + 100 }
        #expect(status.streams[0].models.map(\.version) == [1])
        #expect(status.streams[0].state == .scoring)
        #expect(status.streams[0].lastTrainingRun?.outcome == "failed")
        #expect(status.streams[0].lastTrainingRun?.reason?.contains("false-positive rate") == true)
        harness.stop()
    }
}
