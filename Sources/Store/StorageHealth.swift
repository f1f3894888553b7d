import Foundation

/// How the database file is doing: the size of its write-ahead log, when aed last copied that
/// log into the database file, and the last write that failed.
public struct StorageHealth: Sendable, Equatable {
    /// Bytes in `<database>-wal` now (0 when the file is absent or empty).
    public var walBytes: Int
    /// When the last checkpoint by this process completed, seconds since the Unix epoch (nil
    /// before the first). SQLite's own automatic checkpoints are not counted.
    public var lastCheckpoint: Double?
    /// The last write (or checkpoint) that SQLite refused, nil when none failed since the store
    /// was opened.
    public var lastWriteError: StorageWriteError?
    /// True while writes fail: the last write transaction or checkpoint failed and none
    /// succeeded after it.
    public var writesFailing: Bool

    /// Creates a health report.
    public init(
        walBytes: Int, lastCheckpoint: Double? = nil, lastWriteError: StorageWriteError? = nil, writesFailing: Bool = false
    ) {
        self.walBytes = walBytes
        self.lastCheckpoint = lastCheckpoint
        self.lastWriteError = lastWriteError
        self.writesFailing = writesFailing
    }
}

/// A write that failed in SQLite itself (disk full, read-only file system, I/O error, lock
/// timeout), as an operator reads it.
public struct StorageWriteError: Sendable, Equatable {
    /// SQLite's message with its result code, e.g. `database or disk is full (SQLite error 13)`.
    public var message: String
    /// When it happened, seconds since the Unix epoch.
    public var time: Double
    /// Why, in plain words: "disk full", "read-only filesystem", "I/O error", ...
    public var cause: StorageFailureCause

    /// Creates a write error.
    public init(message: String, time: Double, cause: StorageFailureCause = .other) {
        self.message = message
        self.time = time
        self.cause = cause
    }
}

/// The mutable part of `StorageHealth`, shared by every thread that uses one `Store`.
final class StorageHealthRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lastCheckpoint: Double?
    private var lastWriteError: StorageWriteError?
    private var failing = false

    /// Notes a completed checkpoint at `time` (seconds since the Unix epoch).
    func checkpointed(at time: Double) {
        lock.lock()
        defer { lock.unlock() }
        lastCheckpoint = time
        failing = false
    }

    /// Notes a failed write.
    func failed(_ error: StorageWriteError) {
        lock.lock()
        defer { lock.unlock() }
        lastWriteError = error
        failing = true
    }

    /// Notes a write transaction that committed.
    func succeeded() {
        lock.lock()
        defer { lock.unlock() }
        failing = false
    }

    /// The recorded times and error, and whether writes fail now.
    var snapshot: (lastCheckpoint: Double?, lastWriteError: StorageWriteError?, failing: Bool) {
        lock.lock()
        defer { lock.unlock() }
        return (lastCheckpoint, lastWriteError, failing)
    }
}
