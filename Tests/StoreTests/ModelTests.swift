import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Models and promotion")
struct ModelTests {
    @Test("a model round-trips bit-exact through the store, across a reopen")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let candidate = Fixture.model()
        let saved: ModelRecord
        do {
            let store = try Store.open(path: path)
            try store.upsertStream(name: "s1", dimension: 38)
            saved = try store.promoteModel(candidate, threshold: Fixture.threshold())
            try store.close()
        }
        #expect(saved.version == 1)
        #expect(saved.isActive)
        let store = try Store.openReadOnly(path: path)
        let loaded = try #require(try store.model(id: saved.id))
        #expect(loaded == saved)
        #expect(loaded.weights == candidate.weights)
        #expect(loaded.scaler == candidate.scaler)
        #expect(loaded.configuration == candidate.configuration)
        #expect(loaded.seed == candidate.seed)
        #expect(loaded.trainLoss == 0.125 && loaded.validationLoss == 0.25)
        let active = try store.activeModels()
        #expect(active.count == 1)
        #expect(active.first?.model == saved)
        #expect(active.first?.threshold.value == 3.5)
        #expect(active.first?.threshold.targetFalsePositiveRate == 0.001)
        #expect(active.first?.threshold.calibrationSamples == 2000)
        #expect(try store.model(id: saved.id + 100) == nil)
        try store.close()
    }

    @Test("versions count up per stream and detector; the newest promoted is the only active one")
    func versioning() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        try store.upsertStream(name: "s2", dimension: 38)
        let a1 = try store.promoteModel(Fixture.model(detector: "ae"), threshold: Fixture.threshold())
        let a2 = try store.promoteModel(Fixture.model(detector: "ae", seed: 2), threshold: Fixture.threshold())
        let v1 = try store.promoteModel(Fixture.model(detector: "vae"), threshold: Fixture.threshold())
        let b1 = try store.promoteModel(Fixture.model(stream: "s2"), threshold: Fixture.threshold())
        let versions: [Int] = [a1.version, a2.version, v1.version, b1.version]
        #expect(versions == [1, 2, 1, 1])
        let active = try store.activeModels(stream: "s1")
        #expect(active.map(\.model.id) == [a2.id, v1.id])
        #expect(try store.model(id: a1.id)?.isActive == false)
        #expect(try store.models(stream: "s1", detector: "ae").map(\.version) == [2, 1])
        #expect(try store.activeModels().count == 3)

        // Rollback to version 1.
        try store.activateModel(id: a1.id)
        #expect(try store.activeModels(stream: "s1").map(\.model.id) == [a1.id, v1.id])
        #expect(throws: StoreError.unknownModel(id: 999)) { try store.activateModel(id: 999) }
        try store.close()
    }

    @Test("the schema itself refuses a second active model per stream and detector")
    func oneActiveEnforcedBySchema() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let first = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold())
        _ = try store.promoteModel(Fixture.model(seed: 2), threshold: Fixture.threshold())
        #expect(throws: DatabaseError.self) {
            try store.rawWrite("UPDATE models SET active = 1 WHERE id = ?", arguments: [first.id])
        }
        #expect(try store.rawInt("SELECT COUNT(*) FROM models WHERE active = 1") == 1)
        try store.close()
    }

    @Test("a failure at any step of a promotion leaves the old model active and nothing new stored",
          arguments: Store.PromotionStep.allCases)
    func promotionIsAllOrNothing(_ failingStep: Store.PromotionStep) throws {
        struct InjectedFailure: Error {}
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let old = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold(value: 1))
        let modelsBefore = try store.rawInt("SELECT COUNT(*) FROM models")
        let thresholdsBefore = try store.rawInt("SELECT COUNT(*) FROM thresholds")

        #expect(throws: InjectedFailure.self) {
            try store.promoteModel(Fixture.model(seed: 9), threshold: Fixture.threshold(value: 2)) { step in
                if step == failingStep { throw InjectedFailure() }
            }
        }
        let active = try store.activeModels(stream: "s1")
        #expect(active.map(\.model.id) == [old.id])
        #expect(active.first?.threshold.value == 1)
        #expect(try store.rawInt("SELECT COUNT(*) FROM models") == modelsBefore)
        #expect(try store.rawInt("SELECT COUNT(*) FROM thresholds") == thresholdsBefore)

        // The next promotion still gets version 2.
        let next = try store.promoteModel(Fixture.model(seed: 3), threshold: Fixture.threshold())
        #expect(next.version == 2)
        try store.close()
    }

    @Test("a failure inside SQLite mid-promotion (a trigger aborting the threshold insert) rolls back")
    func promotionRollsBackOnSQLiteError() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let old = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold())
        try store.rawWrite("""
            CREATE TEMP TRIGGER fail_threshold BEFORE INSERT ON thresholds
            BEGIN SELECT RAISE(ABORT, 'injected'); END
            """)
        #expect(throws: DatabaseError.self) {
            try store.promoteModel(Fixture.model(seed: 2), threshold: Fixture.threshold())
        }
        #expect(try store.activeModels(stream: "s1").map(\.model.id) == [old.id])
        #expect(try store.rawInt("SELECT COUNT(*) FROM models") == 1)
        try store.close()
    }

    @Test("corrupt weights are detected by the checksum on load")
    func checksumDetectsCorruption() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let saved = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold())
        try store.rawWrite(
            "UPDATE models SET weights = substr(weights, 1, length(weights) - 1) || x'00' WHERE id = ?",
            arguments: [saved.id])
        #expect {
            try store.model(id: saved.id)
        } throws: { error in
            guard case StoreError.checksumMismatch(let id, _, _) = error else { return false }
            return id == saved.id
        }
        #expect(throws: StoreError.self) { try store.activeModels() }
        try store.close()
    }

    @Test("a recalibrated threshold becomes the active model's threshold")
    func recalibration() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let saved = try store.promoteModel(Fixture.model(), threshold: Fixture.threshold(value: 3))
        let recalibrated = try store.recordThreshold(Fixture.threshold(value: 4), modelID: saved.id)
        #expect(try store.activeModels(stream: "s1").first?.threshold == recalibrated)
        #expect(try store.threshold(modelID: saved.id)?.value == 4)
        #expect(throws: StoreError.unknownModel(id: 77)) {
            try store.recordThreshold(Fixture.threshold(), modelID: 77)
        }
        try store.close()
    }

    @Test("bad promotions throw clear errors and store nothing")
    func badInput() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        #expect(throws: StoreError.unknownStream("nope")) {
            try store.promoteModel(Fixture.model(stream: "nope"), threshold: Fixture.threshold())
        }
        var nanLoss = Fixture.model()
        nanLoss.validationLoss = .nan
        #expect(throws: StoreError.self) { try store.promoteModel(nanLoss, threshold: Fixture.threshold()) }
        #expect(throws: StoreError.self) {
            try store.promoteModel(Fixture.model(), threshold: Fixture.threshold(value: .infinity))
        }
        var badRate = Fixture.threshold()
        badRate.targetFalsePositiveRate = 1
        #expect(throws: StoreError.self) { try store.promoteModel(Fixture.model(), threshold: badRate) }
        #expect(throws: StoreError.self) {
            try store.promoteModel(Fixture.model(detector: ""), threshold: Fixture.threshold())
        }
        #expect(try store.rawInt("SELECT COUNT(*) FROM models") == 0)
        try store.close()
    }
}
