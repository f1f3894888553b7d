import Detectors
import Foundation
import Testing
@testable import Store

@Suite("Retention")
struct RetentionTests {
    @Test("prune deletes old alerts and surplus inactive model versions, and nothing else")
    func prunesWhatItShould() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let store = try Store.open(path: path)
        try store.upsertStream(name: "s1", dimension: 38)
        try store.upsertStream(name: "s2", dimension: 38)
        for start in stride(from: 0, to: 5_000, by: 1_000) {
            try store.recordAlerts((start..<(start + 1_000)).map { Fixture.alert(stream: "s1", time: Double($0)) })
        }
        try store.recordAlerts((0..<100).map { Fixture.alert(stream: "s2", time: Double($0) * 100) })

        let ae = try (1...5).map { version in
            try store.promoteModel(
                Fixture.model(stream: "s1", detector: "ae", seed: UInt8(version)),
                threshold: Fixture.threshold(value: Double(version)))
        }
        // Roll back to version 1: the active model is older than the kept versions.
        try store.activateModel(id: ae[0].id)
        let vae = try (1...2).map { version in
            try store.promoteModel(Fixture.model(stream: "s1", detector: "vae", seed: UInt8(version)),
                                   threshold: Fixture.threshold())
        }
        let other = try store.promoteModel(Fixture.model(stream: "s2"), threshold: Fixture.threshold())
        let run = try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "ae", started: 1, finished: 2, outcome: .trained, samples: 10,
            epochs: 1, modelID: ae[1].id))
        try store.saveBufferSnapshot(stream: "s1", vectors: [Array(repeating: 1, count: 38)], dimension: 38)

        let report = try store.prune(alertsReceivedBefore: 3_000, keepModelVersions: 2, batchSize: 128)
        #expect(report.alertsDeleted == 3_000 + 30)
        #expect(report.modelsDeleted == 2)
        #expect(report.walFramesAfterCheckpoint == 0)

        // Alerts at or after the cutoff stay, of both streams.
        let counts = try store.alertCounts()
        #expect(counts.map(\.count) == [2_000, 70])
        #expect(try store.alerts(stream: "s1", limit: 10_000).map(\.alert.receiveTime).min() == 3_000)
        #expect(try store.alerts(stream: "s2", limit: 10_000).map(\.alert.receiveTime).min() == 3_000)

        // ae keeps its active version 1 and the newest two; vae and s2 keep everything.
        #expect(try store.models(stream: "s1", detector: "ae").map(\.version) == [5, 4, 1])
        #expect(try store.models(stream: "s1", detector: "vae").map(\.id) == vae.map(\.id).reversed())
        #expect(try store.model(id: other.id) != nil)
        #expect(try store.activeModels(stream: "s1").map(\.model.id) == [ae[0].id, vae[1].id])
        // Thresholds went with their models; the training run stays, detached.
        #expect(try store.rawInt("SELECT COUNT(*) FROM thresholds") == 3 + 2 + 1)
        #expect(try store.rawInt("SELECT COUNT(*) FROM thresholds WHERE model_id NOT IN (SELECT id FROM models)") == 0)
        let runs = try store.trainingRuns(stream: "s1")
        #expect(runs.map(\.id) == [run.id])
        #expect(runs.first?.run.modelID == nil)
        #expect(try store.bufferSnapshot(stream: "s1")?.count == 1)
        #expect(try store.streams().count == 2)

        // The WAL was checkpointed and truncated.
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(wal == 0)

        // Pruning again removes nothing.
        let again = try store.prune(alertsReceivedBefore: 3_000, keepModelVersions: 2)
        #expect(again == PruneReport(alertsDeleted: 0, modelsDeleted: 0, walFramesAfterCheckpoint: 0))
        #expect(try store.integrityCheck() == ["ok"])
        try store.close()
    }

    @Test("the WAL stays bounded over many write-and-prune rounds")
    func walStaysBounded() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let store = try Store.open(path: path)
        try store.upsertStream(name: "s1", dimension: 38)
        let reader = try Store.openReadOnly(path: path)
        var largestWAL = 0
        for round in 0..<20 {
            let base = Double(round * 5_000)
            try store.recordAlerts((0..<5_000).map { Fixture.alert(time: base + Double($0)) })
            // A reader between rounds holds nothing open, so the checkpoint completes.
            _ = try reader.alerts(stream: "s1", limit: 10)
            try store.prune(alertsReceivedBefore: base, keepModelVersions: 3, batchSize: 1_000)
            let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1
            largestWAL = max(largestWAL, wal)
            #expect(wal == 0, "round \(round): WAL is \(wal) bytes after prune")
        }
        #expect(largestWAL <= Store.walSizeLimit)
        #expect(try store.alertCounts().first?.count == 5_000)
        try reader.close()
        try store.close()
    }

    @Test("bad retention settings are refused")
    func badSettings() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        #expect(throws: StoreError.self) { try store.prune(alertsReceivedBefore: 1, keepModelVersions: 0) }
        #expect(throws: StoreError.self) {
            try store.prune(alertsReceivedBefore: 1, keepModelVersions: 1, batchSize: 0)
        }
        #expect(throws: StoreError.self) { try store.prune(alertsReceivedBefore: .nan, keepModelVersions: 1) }
        try store.close()
    }
}
