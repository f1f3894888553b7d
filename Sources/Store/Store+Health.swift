import Foundation

extension Store {
    /// The write-ahead log's size now, the last checkpoint and the last failed write.
    ///
    /// Reads the size of `<path>-wal` from the file system (no database access), so it is cheap
    /// enough for every status request and never waits for the writer.
    public func storageHealth() -> StorageHealth {
        let recorded = health.snapshot
        return StorageHealth(
            walBytes: Self.fileSize(path + "-wal"), lastCheckpoint: recorded.lastCheckpoint,
            lastWriteError: recorded.lastWriteError, writesFailing: recorded.failing)
    }

    /// The size of the file at `path` in bytes, 0 when it does not exist.
    static func fileSize(_ path: String) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Int(info.st_size)
    }
}
