import Detectors
import Foundation
import Testing
@testable import Store

@Suite("Streams, training runs, buffer snapshots, read-only access")
struct StreamAndRunTests {
    @Test("streams are registered once with a fixed dimension")
    func streams() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        let created = try store.upsertStream(name: "svc.api:latency/p99", dimension: 38, created: 5)
        #expect(try store.upsertStream(name: "svc.api:latency/p99", dimension: 38, created: 9) == created)
        #expect(throws: StoreError.dimensionMismatch(stream: "svc.api:latency/p99", stored: 38, given: 12)) {
            try store.upsertStream(name: "svc.api:latency/p99", dimension: 12)
        }
        try store.upsertStream(name: "a", dimension: 1, created: 6)
        #expect(throws: StoreError.self) { try store.upsertStream(name: "bad name", dimension: 3) }
        #expect(throws: StoreError.self) { try store.upsertStream(name: "", dimension: 3) }
        #expect(throws: StoreError.self) {
            try store.upsertStream(name: String(repeating: "x", count: 129), dimension: 3)
        }
        #expect(throws: StoreError.self) { try store.upsertStream(name: "z", dimension: 0) }
        #expect(try store.streams().map(\.name) == ["a", "svc.api:latency/p99"])
        #expect(try store.stream(named: "a")?.dimension == 1)
        try store.close()
    }

    @Test("the last training run per stream and detector is the latest started")
    func trainingRuns() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        try store.upsertStream(name: "s2", dimension: 38)
        let model = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold())
        try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "ae", started: 100, finished: 110, outcome: .trained, samples: 5000,
            epochs: 50, trainLoss: 0.1, validationLoss: 0.2, modelID: model.id))
        let failed = try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "ae", started: 200, finished: 201, outcome: .failed,
            reason: "validation loss is NaN", samples: 5000, epochs: 3))
        let vae = try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "vae", started: 150, finished: 150, outcome: .skipped,
            reason: "too few samples: 12 < 256", samples: 12, epochs: 0))
        let other = try store.recordTrainingRun(NewTrainingRun(
            stream: "s2", detector: "ae", started: 50, finished: 60, outcome: .trained, samples: 300,
            epochs: 10, trainLoss: 0.3, validationLoss: 0.4))
        // Recorded later but started earlier: not the last run.
        try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "ae", started: 120, finished: 130, outcome: .trained, samples: 10,
            epochs: 1))

        let last = try store.lastTrainingRuns()
        #expect(last == [failed, vae, other])
        #expect(try store.trainingRuns(stream: "s1", limit: 2).map(\.run.started) == [200, 150])

        #expect(throws: StoreError.unknownStream("s3")) {
            try store.recordTrainingRun(NewTrainingRun(
                stream: "s3", detector: "ae", started: 1, finished: 2, outcome: .trained, samples: 1, epochs: 1))
        }
        #expect(throws: StoreError.self) {
            try store.recordTrainingRun(NewTrainingRun(
                stream: "s1", detector: "ae", started: 2, finished: 1, outcome: .trained, samples: 1, epochs: 1))
        }
        #expect(throws: StoreError.unknownModel(id: 999)) {
            try store.recordTrainingRun(NewTrainingRun(
                stream: "s1", detector: "ae", started: 1, finished: 2, outcome: .trained, samples: 1,
                epochs: 1, modelID: 999))
        }
        try store.close()
    }

    @Test("a VAE run keeps its latent health document; a version-5 run reads as none")
    func latentHealthOfARun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let old = try Store.open(path: path, migratingUpTo: 5)
        try old.rawWrite("INSERT INTO streams (name, dimension, created) VALUES ('s1', 4, 10)")
        try old.rawWrite("""
            INSERT INTO training_runs (stream_id, detector, started, finished, outcome, samples, epochs)
            VALUES (1, 'vae', 1, 2, 'ok', 300, 5)
            """)
        try old.close()
        let store = try Store.open(path: path)
        #expect(try store.trainingRuns(stream: "s1").map(\.run.latentHealth) == [nil])
        // The stored spelling `ok` of an older database reads as a trained run.
        #expect(try store.trainingRuns(stream: "s1").map(\.run.outcome) == [.trained])
        let document = #"{"klPerDimension":[0.01,2.5],"activity":[0.001,0.8]}"#
        let run = try store.recordTrainingRun(NewTrainingRun(
            stream: "s1", detector: "vae", started: 3, finished: 4, outcome: .trained, samples: 300, epochs: 5,
            latentHealth: document))
        #expect(try store.trainingRuns(stream: "s1", limit: 1) == [run])
        #expect(try store.lastTrainingRuns().first?.run.latentHealth == document)
        #expect(throws: StoreError.self) {
            try store.recordTrainingRun(NewTrainingRun(
                stream: "s1", detector: "vae", started: 5, finished: 6, outcome: .trained, samples: 1, epochs: 1,
                latentHealth: "[1, 2]"))
        }
        try store.close()
    }

    @Test("a retrain buffer snapshot round-trips, is replaced, and checks its shape")
    func bufferSnapshots() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let store = try Store.open(path: path)
        try store.upsertStream(name: "s1", dimension: 3)
        #expect(try store.bufferSnapshot(stream: "s1") == nil)
        let vectors: [[Float]] = [[1, -2.5, .greatestFiniteMagnitude], [0, -0.0, 1e-30]]
        try store.saveBufferSnapshot(stream: "s1", vectors: vectors, dimension: 3, saved: 10)
        let first = try #require(try store.bufferSnapshot(stream: "s1"))
        #expect(first.count == 2 && first.dimension == 3 && first.saved == 10)
        #expect(first.vectors.map { $0.map(\.bitPattern) } == vectors.map { $0.map(\.bitPattern) })

        try store.saveBufferSnapshot(stream: "s1", vectors: [[7, 8, 9]], dimension: 3, saved: 20)
        try store.close()
        let reopened = try Store.openReadOnly(path: path)
        #expect(try reopened.bufferSnapshot(stream: "s1")?.vectors == [[7, 8, 9]])
        try reopened.close()

        let writable = try Store.open(path: path)
        #expect(throws: StoreError.dimensionMismatch(stream: "s1", stored: 3, given: 2)) {
            try writable.saveBufferSnapshot(stream: "s1", vectors: [[1, 2]], dimension: 2)
        }
        #expect(throws: StoreError.self) {
            try writable.saveBufferSnapshot(stream: "s1", dimension: 3, count: 2, values: Data(count: 23))
        }
        #expect(throws: StoreError.unknownStream("s9")) {
            try writable.saveBufferSnapshot(stream: "s9", vectors: [[1, 2, 3]], dimension: 3)
        }
        try writable.close()
    }

    @Test("a snapshot keeps its censored counts; a snapshot without them reads as nil; a wrong length is refused")
    func bufferSnapshotCensoredCounts() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 1)
        let values = Data([0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])  // 1.0, 2.0
        let censored = Data([3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])  // 3, UInt32.max
        try store.saveBufferSnapshot(stream: "s1", dimension: 1, count: 2, values: values, censored: censored, saved: 5)
        #expect(try store.bufferSnapshot(stream: "s1")?.censored == censored)
        try store.saveBufferSnapshot(stream: "s1", dimension: 1, count: 2, values: values, saved: 6)
        #expect(try store.bufferSnapshot(stream: "s1")?.censored == nil)
        #expect(throws: StoreError.self) {
            try store.saveBufferSnapshot(stream: "s1", dimension: 1, count: 2, values: values, censored: Data(count: 4))
        }
        #expect(try store.bufferSnapshot(stream: "s1")?.saved == 6)
        try store.close()
    }

    @Test("a read-only store reads but refuses every write, and needs an existing file")
    func readOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        #expect(throws: StoreError.missingDatabase(path: path)) { try Store.openReadOnly(path: path) }
        let writer = try Store.open(path: path)
        try writer.upsertStream(name: "s1", dimension: 38)
        try writer.recordAlerts([Fixture.alert(time: 1)])
        let reader = try Store.openReadOnly(path: path)
        #expect(reader.isReadOnly)
        #expect(try reader.alerts(stream: "s1").count == 1)
        #expect(throws: StoreError.readOnly) { try reader.upsertStream(name: "s2", dimension: 3) }
        #expect(throws: StoreError.readOnly) { try reader.recordAlerts([Fixture.alert(time: 2)]) }
        #expect(throws: StoreError.readOnly) {
            try reader.prune(alertsReceivedBefore: 10, keepModelVersions: 1)
        }
        try reader.close()
        try writer.close()
        #expect(throws: (any Error).self) { try Store.open(path: directory.path("missing-dir/aed.db")) }
    }
}
