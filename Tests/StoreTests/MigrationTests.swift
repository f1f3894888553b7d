import Alerts
import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Migrations")
struct MigrationTests {
    /// The schema as SQLite prints it, to compare databases.
    static func schema(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
        }
    }

    @Test("an empty file migrates to the latest version")
    func fromEmpty() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        #expect(try store.schemaVersion() == Store.latestSchemaVersion)
        #expect(Store.latestSchemaVersion == Schema.migrations.count)
        #expect(try store.rawInt("PRAGMA application_id") == Int(Schema.applicationID))
        #expect(try store.rawInt("PRAGMA foreign_keys") == 1)
        let journal = try store.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        // synchronous = FULL is 2 on the writer connection.
        let synchronous = try store.database.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(synchronous == 2)
        let tables = try store.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["alerts", "buffer_snapshots", "models", "shifts", "streams", "thresholds", "training_runs"])
        try store.close()
        // Reopening is a no-op.
        let again = try Store.open(path: directory.path("aed.db"))
        #expect(try again.schemaVersion() == Store.latestSchemaVersion)
        try again.close()
    }

    /// Stored models keep their checksums: the value of fixed blobs, computed independently
    /// (64-bit FNV-1a over each blob preceded by its little-endian UInt64 length).
    @Test func modelChecksumIsUnchanged() {
        let checksum = Checksum.model(
            configuration: Data(#"{"a":1}"#.utf8), scaler: Data("scaler".utf8), weights: Data(0..<10))
        #expect(checksum == "db222c6a5c315ab7")
    }

    @Test("migration versions are 1, 2, ... without gaps")
    func versionsAreDense() {
        #expect(Schema.migrations.map(\.version) == Array(1...Schema.migrations.count))
    }

    @Test("every earlier version migrates to the latest, keeping its data", arguments: 0..<Schema.latestVersion)
    func fromEarlierVersion(_ version: Int) throws {
        let directory = try TemporaryDirectory()
        let fresh = directory.path("fresh.db")
        try Store.open(path: fresh).close()

        let path = directory.path("old.db")
        let old = try Store.open(path: path, migratingUpTo: version)
        #expect(try old.schemaVersion() == version)
        if version >= 1 {
            // Data a version-1 database can hold, written with raw SQL as that version would.
            try old.rawWrite("INSERT INTO streams (name, dimension, created) VALUES ('s1', 4, 10)")
            try old.rawWrite("""
                INSERT INTO models (stream_id, detector, version, created, configuration, scaler,
                    weights, checksum, seed, train_loss, validation_loss, active)
                VALUES (1, 'ae', 1, 11, x'7B7D', x'0102', x'030405', ?, -1, 0.5, 0.75, 1)
                """,
                arguments: [Checksum.model(configuration: Data([0x7B, 0x7D]), scaler: Data([1, 2]), weights: Data([3, 4, 5]))])
            try old.rawWrite("""
                INSERT INTO thresholds (model_id, method, target_false_positive_rate, value,
                    calibration_samples, created) VALUES (1, 'quantile', 0.01, 2.5, 100, 12)
                """)
            try old.rawWrite("""
                INSERT INTO alerts (stream_id, vector_time, receive_time, detector, score, threshold,
                    severity, model_version, top_features)
                VALUES (1, 13, 14, 'ae', 5, 2.5, 2, 1, '[{"feature": 1, "share": 1.0}]')
                """)
        }
        try old.close()

        let store = try Store.open(path: path)
        #expect(try store.schemaVersion() == Store.latestSchemaVersion)
        #expect(try Self.schema(path) == Self.schema(fresh))
        if version >= 1 {
            let active = try store.activeModels(stream: "s1")
            #expect(active.count == 1)
            #expect(active.first?.model.weights == Data([3, 4, 5]))
            #expect(active.first?.model.seed == UInt64.max)
            #expect(active.first?.threshold.value == 2.5)
            let alerts = try store.alerts(stream: "s1")
            #expect(alerts.map(\.alert.topFeatures) == [[FeatureContribution(feature: 1, share: 1)]])
            // An alert from before version 3 is an episode of one.
            #expect(alerts.map(\.alert.episodeCount) == [1])
            #expect(alerts.first?.alert.episode == nil)
        }
        try store.close()
    }

    @Test("version 2 to 3: alerts become episodes of one, with their own times and peaks filled in")
    func alertEpisodesFromVersion2() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let old = try Store.open(path: path, migratingUpTo: 2)
        try old.rawWrite("INSERT INTO streams (name, dimension, created) VALUES ('s1', 4, 10)")
        for (index, time) in [14.0, 15.0, 16.0].enumerated() {
            let score = 5.0 + Double(index)
            try old.rawWrite("""
                INSERT INTO alerts (stream_id, vector_time, receive_time, detector, score, threshold,
                    severity, model_version, top_features)
                VALUES (1, ?, ?, 'ae', ?, 2.5, ?, 1, '[]')
                """,
                arguments: [time - 1, time, score, score / 2.5])
        }
        try old.rawWrite("INSERT INTO buffer_snapshots VALUES (1, 1, 1, x'0000803F', 17)")
        try old.close()

        let store = try Store.open(path: path)
        #expect(try store.schemaVersion() == Store.latestSchemaVersion)
        let rows = try store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT episode_count, last_vector_time, last_receive_time, max_score, max_severity,
                    vector_time, receive_time, score, severity
                FROM alerts ORDER BY id
                """)
        }
        #expect(rows.count == 3)
        for row in rows {
            #expect(row[0] as Int == 1)
            #expect(row[1] as Double == row[5] as Double)
            #expect(row[2] as Double == row[6] as Double)
            #expect(row[3] as Double == row[7] as Double)
            #expect(row[4] as Double == row[8] as Double)
        }
        #expect(try store.alerts(stream: "s1").map(\.alert.anomalyScore) == [7, 6, 5])
        #expect(try store.alerts(stream: "s1").allSatisfy { $0.alert.episodeCount == 1 })
        #expect(try store.bufferSnapshot(stream: "s1")?.count == 1)
        // A migrated row extends like a new one.
        let newest = try #require(try store.alerts(stream: "s1", limit: 1).first)
        #expect(try store.extendAlertEpisode(
            id: newest.id, count: 4, lastVectorTime: 19, lastReceiveTime: 20, maxScore: 9, maxSeverity: 3.6))
        #expect(try store.alerts(stream: "s1", limit: 1).first?.alert.episode
            == AlertEpisode(count: 4, lastVectorTime: 19, lastReceiveTime: 20, maxScore: 9, maxSeverity: 3.6))
        try store.close()
    }

    @Test("a database from a newer aed is refused and left byte-for-byte unchanged")
    func newerSchemaRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let store = try Store.open(path: path)
        try store.upsertStream(name: "s1", dimension: 3)
        try store.rawWrite("PRAGMA user_version = \(Store.latestSchemaVersion + 1)")
        try store.checkpoint()
        try store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect(throws: StoreError.newerSchema(
            path: path, found: Store.latestSchemaVersion + 1, supported: Store.latestSchemaVersion)
        ) {
            try Store.open(path: path)
        }
        #expect(throws: StoreError.self) { try Store.openReadOnly(path: path) }
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(before == after)
        let message = StoreError.newerSchema(path: "x.db", found: 9, supported: 2).description
        #expect(message.contains("newer aed"))
    }

    @Test("another application's SQLite file is refused")
    func foreignDatabaseRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        try queue.close()
        #expect {
            try Store.open(path: path)
        } throws: { error in
            guard case StoreError.foreignDatabase = error else { return false }
            return true
        }
    }

    @Test("a failing migration leaves the earlier version in place")
    func failedMigrationRollsBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let old = try Store.open(path: path, migratingUpTo: 1)
        // A table in the way of version 2 makes its CREATE TABLE fail.
        try old.rawWrite("CREATE TABLE buffer_snapshots (x INTEGER)")
        try old.close()
        #expect(throws: DatabaseError.self) { try Store.open(path: path) }
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 1)
        try queue.close()
    }

    @Test("a failing version 3 leaves version 2 and its alerts in place")
    func failedEpisodeMigrationRollsBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let old = try Store.open(path: path, migratingUpTo: 2)
        try old.rawWrite("INSERT INTO streams (name, dimension, created) VALUES ('s1', 4, 10)")
        try old.rawWrite("""
            INSERT INTO alerts (stream_id, vector_time, receive_time, detector, score, threshold,
                severity, model_version, top_features)
            VALUES (1, 13, 14, 'ae', 5, 2.5, 2, 1, '[]')
            """)
        // A column in the way of version 3 makes its ALTER TABLE fail after the first columns.
        try old.rawWrite("ALTER TABLE alerts ADD COLUMN max_score TEXT")
        try old.close()
        #expect(throws: DatabaseError.self) { try Store.open(path: path) }
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 2)
        let columns = try queue.read { db in try db.columns(in: "alerts").map(\.name) }
        #expect(!columns.contains("episode_count"))
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts") } == 1)
        try queue.close()
    }
}
