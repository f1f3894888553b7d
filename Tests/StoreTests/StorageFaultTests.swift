import Foundation
import GRDB
import Testing

@testable import Store

/// Why a write failed, in an operator's words (issue 14, storage): the cause of each SQLite
/// failure, and the store's own notes of it.
@Suite("Storage faults")
struct StorageFaultTests {
    @Test(
        "SQLite's code, the errno and the file system's state name the cause",
        arguments: [
            (13, 0, false, false, StorageFailureCause.diskFull),
            (13, EDQUOT, false, false, .quotaExceeded),
            (10, ENOSPC, false, false, .diskFull),
            (10, EFBIG, false, false, .fileTooLarge),
            (10, EROFS, false, false, .readOnlyFileSystem),
            (10, 0, true, false, .readOnlyFileSystem),
            (10, 0, false, true, .diskFull),
            (10, EIO, false, false, .ioError),
            (8, 0, false, false, .readOnlyDatabase),
            (8, 0, true, false, .readOnlyFileSystem),
            (8, EROFS, false, false, .readOnlyFileSystem),
            (14, 0, false, false, .cannotOpen),
            (14, EROFS, false, false, .readOnlyFileSystem),
            (5, 0, false, false, .locked),
            (11, 0, false, false, .corrupt),
            (7, 0, false, false, .outOfMemory),
            (19, EROFS, true, true, .other),
        ] as [(Int32, Int32, Bool, Bool, StorageFailureCause)])
    func causes(code: Int32, systemErrno: Int32, readOnly: Bool, full: Bool, cause: StorageFailureCause) {
        #expect(
            StorageFailureCause(primaryCode: code, systemErrno: systemErrno, fileSystemReadOnly: readOnly, fileSystemFull: full)
                == cause)
        #expect(cause.isTransient == (cause != .other))
    }

    @Test("a full database is noted as disk full while it lasts, and a later commit ends it")
    func diskFullWhileItLasts() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        defer { try? store.close() }
        try store.upsertStream(name: "s1", dimension: 38)
        try store.limitPageCountToCurrentSize(true)
        var thrown: (any Error)?
        do { try store.recordAlerts((0..<2_000).map { Fixture.alert(time: Double($0)) }) } catch { thrown = error }
        let error = try #require(thrown)
        #expect(store.failureCause(of: error) == .diskFull)
        let health = store.storageHealth()
        #expect(health.writesFailing)
        #expect(health.lastWriteError?.cause == .diskFull)

        try store.limitPageCountToCurrentSize(false)
        try store.recordAlerts([Fixture.alert(time: 1)])
        #expect(!store.storageHealth().writesFailing)
        #expect(store.storageHealth().lastWriteError?.cause == .diskFull)
        // Bad input is no storage failure.
        #expect(store.failureCause(of: StoreError.unknownStream("x")) == nil)
    }

    @Test("a database that refuses writes is named read-only")
    func readOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        defer { try? store.close() }
        try store.refuseWrites(true)
        #expect(throws: DatabaseError.self) { try store.upsertStream(name: "s1", dimension: 3) }
        #expect(store.storageHealth().lastWriteError?.cause == .readOnlyDatabase)
        #expect(store.storageHealth().writesFailing)
        try store.refuseWrites(false)
        try store.upsertStream(name: "s1", dimension: 3)
        #expect(!store.storageHealth().writesFailing)
    }

    @Test("no connection puts temporary files in the temporary directory")
    func temporaryStoreInMemory() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        #expect(try store.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        try store.close()
        let reader = try Store.openReadOnly(path: directory.path("aed.db"))
        defer { try? reader.close() }
        #expect(try reader.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
    }
}
