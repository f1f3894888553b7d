import Foundation
import GRDB
import GRDBSQLite

/// aed's SQLite database: streams, versioned models with their thresholds, training runs, alerts
/// and retrain-buffer snapshots, on GRDB over the system SQLite.
///
/// Durability and concurrency settings of a writable store:
/// - `journal_mode = WAL`: readers (`aectl alerts`, status) never block the writer, and the
///   writer never blocks them. Readers take a snapshot only for the duration of one query
///   method, never while idle, so checkpoints can always reach the end of the WAL.
/// - `synchronous = FULL`: in WAL mode SQLite then fsyncs the WAL at every commit, so a commit
///   that returned survives both a crash of the process and a crash or power loss of the
///   machine. `NORMAL` would survive a process crash only: the last transactions could roll back
///   after power loss. Alerts are written in batches, so the cost is one fsync per batch.
/// - `busy_timeout` of `busyTimeout` seconds, so a checkpoint or a second writer waits instead of
///   failing with "database is locked".
/// - `foreign_keys = ON`, and `journal_size_limit` so the WAL file is truncated back after
///   checkpoints instead of keeping its high-water size.
/// - `temp_store = MEMORY` on every connection: SQLite never creates temporary files (sorts,
///   statement journals) in `SQLITE_TMPDIR` or `TMPDIR`, so a small or full temporary directory
///   (systemd's `PrivateTmp`) cannot fail a query. The WAL and its index live beside the
///   database, in the state folder.
///
/// A `Store` is `Sendable`: one instance can be shared by the scoring, training and control
/// threads; GRDB serializes writes and runs reads concurrently.
public final class Store: Sendable {
    /// The database file's path.
    public let path: String
    /// True when opened with `openReadOnly(path:)`; every write then throws `StoreError.readOnly`.
    public let isReadOnly: Bool
    /// Seconds a statement waits for a lock before it fails.
    public static let busyTimeout: TimeInterval = 10
    /// Bytes the WAL file is truncated to after a checkpoint (64 MiB).
    public static let walSizeLimit = 64 * 1024 * 1024

    let database: any DatabaseWriter
    /// Checkpoints and failed writes, for `storageHealth()`.
    let health = StorageHealthRecorder()

    private init(path: String, database: any DatabaseWriter, isReadOnly: Bool) {
        self.path = path
        self.database = database
        self.isReadOnly = isReadOnly
    }

    /// Opens the database at `path` for reading and writing, creating the file if missing and
    /// applying pending migrations. The directory must exist: the caller creates it.
    ///
    /// A database from a newer aed or from another application is refused before anything is
    /// written to it.
    ///
    /// - Throws: `StoreError.newerSchema`, `StoreError.foreignDatabase`, or GRDB's
    ///   `DatabaseError` when SQLite cannot open the file (missing directory, permissions).
    public static func open(path: String) throws -> Store {
        try open(path: path, migratingUpTo: Schema.latestVersion)
    }

    /// Opens `path` like `open(path:)`, migrating only up to schema version `target` (tests
    /// build every earlier version with it).
    static func open(path: String, migratingUpTo target: Int) throws -> Store {
        if FileManager.default.fileExists(atPath: path) {
            // Inspect with a read-only connection first, so a refused file stays untouched
            // (opening a pool would switch its journal mode).
            let probe = try DatabaseQueue(path: path, configuration: configuration(readOnly: true))
            try probe.read { db in try Schema.check(db, path: path) }
            try probe.close()
        }
        let pool = try DatabasePool(path: path, configuration: configuration(readOnly: false))
        // GRDB sets synchronous = NORMAL on the writer when it enables WAL, after
        // prepareDatabase ran; the pool keeps this one writer connection, so set FULL here.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Schema.migrate(pool, path: path, upTo: target)
        return Store(path: path, database: pool, isReadOnly: false)
    }

    /// Opens an existing database for reading only (`aectl`), without migrating it.
    ///
    /// Each query method reads in its own short transaction and holds nothing open between
    /// calls, so a reader never stops the daemon's writer or its checkpoints.
    ///
    /// - Throws: `StoreError.missingDatabase`, `StoreError.newerSchema`,
    ///   `StoreError.foreignDatabase`, or GRDB's `DatabaseError`.
    public static func openReadOnly(path: String) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.missingDatabase(path: path)
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration(readOnly: true))
        try queue.read { db in try Schema.check(db, path: path) }
        return Store(path: path, database: queue, isReadOnly: true)
    }

    /// Closes the connections; later calls throw. Closing twice is harmless.
    ///
    /// - Throws: GRDB's `DatabaseError` when a statement is still running.
    public func close() throws {
        if let pool = database as? DatabasePool {
            try pool.close()
        } else if let queue = database as? DatabaseQueue {
            try queue.close()
        }
    }

    /// The schema version recorded in the database (`PRAGMA user_version`).
    public func schemaVersion() throws -> Int {
        try database.read { db in try Schema.version(db) }
    }

    /// The newest schema version this build of aed knows.
    public static var latestSchemaVersion: Int { Schema.latestVersion }

    /// Runs `PRAGMA integrity_check` and returns its messages: `["ok"]` for a sound database.
    public func integrityCheck() throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "aed.store"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !readOnly { try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)") }
        }
        return configuration
    }

    /// Runs `body` in a write transaction, after checking the store is writable; an error of
    /// SQLite itself is noted as the last write error, with its cause, before it is rethrown,
    /// and a commit clears `storageHealth().writesFailing`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw StoreError.readOnly }
        do {
            let result = try database.write(body)
            health.succeeded()
            return result
        } catch let error as DatabaseError {
            noteWriteError(error)
            throw error
        }
    }

    /// Records `error` as the last write error, at the current time, with its cause: SQLite's
    /// result code refined by the connection's last `errno` and the state of the database's
    /// file system.
    func noteWriteError(_ error: DatabaseError) {
        let code = error.resultCode.rawValue
        let text = error.message.map { "\($0) (SQLite error \(code))" } ?? "SQLite error \(code)"
        let cause = failureCause(of: error) ?? .other
        health.failed(StorageWriteError(message: text, time: Date().timeIntervalSince1970, cause: cause))
    }

    /// Why SQLite refused a write, or nil when `error` is not one of SQLite's (bad input:
    /// `StoreError`, which aed's callers handle themselves).
    ///
    /// Reads the writer connection's `sqlite3_system_errno` (waiting for a write in progress,
    /// at most the busy timeout) and `statvfs` of the database's folder.
    public func failureCause(of error: any Error) -> StorageFailureCause? {
        guard let error = error as? DatabaseError else { return nil }
        let code = error.resultCode.rawValue
        var systemErrno: Int32 = 0
        // Only these codes come from a failed system call; for others the errno is stale.
        if [8, 10, 13, 14].contains(code) {
            systemErrno = database.writeWithoutTransaction { db in
                db.sqliteConnection.map { sqlite3_system_errno($0) } ?? 0
            }
        }
        let fileSystem = Self.fileSystemState(folder: (path as NSString).deletingLastPathComponent)
        return StorageFailureCause(
            primaryCode: code, systemErrno: systemErrno, fileSystemReadOnly: fileSystem.readOnly,
            fileSystemFull: fileSystem.full)
    }

    /// Whether the file system holding `folder` is mounted read-only, and whether it has no
    /// block left for unprivileged writers; both false when `statvfs` fails.
    static func fileSystemState(folder: String) -> (readOnly: Bool, full: Bool) {
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return (false, false) }
        return ((info.f_flag & UInt(ST_RDONLY)) != 0, info.f_bavail == 0)
    }

    /// Runs `body` in a short read transaction.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }
}
