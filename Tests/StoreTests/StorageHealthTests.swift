import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Storage health")
struct StorageHealthTests {
    @Test("a fresh store reports its WAL, and a checkpoint empties it and is noted")
    func walSizeAndCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        defer { try? store.close() }
        try store.upsertStream(name: "s1", dimension: 38)
        try store.recordAlerts((0..<200).map { Fixture.alert(time: Double($0)) })

        let before = try #require(FileManager.default.attributesOfItem(atPath: directory.path("aed.db-wal"))[.size] as? Int)
        let health = store.storageHealth()
        #expect(health.walBytes == before)
        #expect(health.walBytes > 0)
        #expect(health.lastCheckpoint == nil)
        #expect(health.lastWriteError == nil)

        let started = Date().timeIntervalSince1970
        #expect(try store.checkpoint() == 0)
        let after = store.storageHealth()
        #expect(after.walBytes == 0)
        #expect(try #require(after.lastCheckpoint) >= started)
        #expect(after.lastWriteError == nil)
    }

    @Test("a write SQLite refuses (disk full) is kept as the last write error, with its time")
    func diskFullIsTheLastWriteError() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        defer { try? store.close() }
        try store.upsertStream(name: "s1", dimension: 38)
        // SQLite's own limit on the file's pages stands in for a full disk: the next write that
        // needs a new page fails with SQLITE_FULL.
        let pages = try store.rawInt("PRAGMA page_count")
        try store.rawWrite("PRAGMA max_page_count = \(pages)")
        let started = Date().timeIntervalSince1970
        #expect(throws: DatabaseError.self) {
            try store.recordAlerts((0..<2_000).map { Fixture.alert(time: Double($0)) })
        }
        let error = try #require(store.storageHealth().lastWriteError)
        #expect(error.message == "database or disk is full (SQLite error 13)")
        #expect(error.time >= started)

        // Space returns: writes succeed again, and the last error stays on record.
        try store.rawWrite("PRAGMA max_page_count = 1073741823")
        try store.recordAlerts([Fixture.alert(time: 1)])
        #expect(store.storageHealth().lastWriteError == error)
        // A refused request (bad input) is not a storage error.
        #expect(throws: StoreError.dimensionMismatch(stream: "s1", stored: 38, given: 12)) {
            try store.upsertStream(name: "s1", dimension: 12)
        }
        #expect(store.storageHealth().lastWriteError == error)
    }
}
