import Foundation

/// Why SQLite refused a write, in an operator's words ("disk full", not "SQLite error 13").
///
/// Read from SQLite's result code, refined by the operating system's `errno` of the failed
/// call (SQLite reports a write that failed with `EROFS` or `EFBIG` as a generic I/O error)
/// and by the state of the file system that holds the database (`statvfs`: mounted read-only,
/// no space left).
public enum StorageFailureCause: String, Sendable, Equatable, CaseIterable {
    /// No space left on the file system (`SQLITE_FULL`, `ENOSPC`), or the database reached
    /// `PRAGMA max_page_count`.
    case diskFull = "disk full"
    /// The user's disk quota is used up (`EDQUOT`).
    case quotaExceeded = "disk quota exceeded"
    /// A file reached the process's file-size limit (`EFBIG`: `LimitFSIZE=`, `ulimit -f`).
    case fileTooLarge = "file size limit reached"
    /// The file system is mounted read-only (`EROFS`, or a read-only remount after errors).
    case readOnlyFileSystem = "read-only filesystem"
    /// The database refuses writes on a writable file system (permissions, `query_only`).
    case readOnlyDatabase = "database is read-only"
    /// The disk or the file system failed a read, write or sync (`SQLITE_IOERR`).
    case ioError = "I/O error"
    /// A file SQLite needs (the WAL, its index) cannot be opened or created.
    case cannotOpen = "cannot open a database file"
    /// Another connection held a lock longer than the busy timeout.
    case locked = "database locked"
    /// The database file is damaged.
    case corrupt = "database corrupt"
    /// SQLite could not allocate memory.
    case outOfMemory = "out of memory"
    /// Any other refusal of SQLite itself.
    case other = "SQLite error"

    /// The cause of a failure with SQLite primary result code `primaryCode` (e.g. 13 for
    /// `SQLITE_FULL`), the `errno` of the failed system call (0 when unknown), and what the
    /// database's file system reports now.
    ///
    /// - Parameters:
    ///   - primaryCode: SQLite's primary result code (the low 8 bits of an extended one).
    ///   - systemErrno: `sqlite3_system_errno` after the failure, 0 when none was recorded.
    ///   - fileSystemReadOnly: the file system holding the database is mounted read-only.
    ///   - fileSystemFull: that file system has no block left for unprivileged writers.
    public init(primaryCode: Int32, systemErrno: Int32, fileSystemReadOnly: Bool, fileSystemFull: Bool) {
        switch primaryCode {
        case 13:  // SQLITE_FULL
            self = systemErrno == EDQUOT ? .quotaExceeded : .diskFull
        case 8:  // SQLITE_READONLY
            self = fileSystemReadOnly || systemErrno == EROFS ? .readOnlyFileSystem : .readOnlyDatabase
        case 10, 14:  // SQLITE_IOERR, SQLITE_CANTOPEN
            switch systemErrno {
            case ENOSPC: self = .diskFull
            case EDQUOT: self = .quotaExceeded
            case EFBIG: self = .fileTooLarge
            case EROFS: self = .readOnlyFileSystem
            default:
                if fileSystemReadOnly {
                    self = .readOnlyFileSystem
                } else if fileSystemFull {
                    self = .diskFull
                } else {
                    self = primaryCode == 10 ? .ioError : .cannotOpen
                }
            }
        case 5, 6:  // SQLITE_BUSY, SQLITE_LOCKED
            self = .locked
        case 11, 26:  // SQLITE_CORRUPT, SQLITE_NOTADB
            self = .corrupt
        case 7:  // SQLITE_NOMEM
            self = .outOfMemory
        default:
            self = .other
        }
    }

    /// Whether a write refused for this reason may succeed later unchanged (space returns, the
    /// file system is remounted writable, the lock is released), so it is worth keeping and
    /// retrying; false for `other`, which means a statement SQLite will always refuse.
    public var isTransient: Bool { self != .other }
}
