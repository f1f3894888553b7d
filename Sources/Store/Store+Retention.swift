import Foundation
import GRDB

extension Store {
    /// Deletes alerts (episodes) whose newest crossing was received before `cutoff` and all but the newest `keepModelVersions`
    /// versions of each stream's detector (never an active model), in small transactions, then
    /// checkpoints the WAL and truncates it.
    ///
    /// Each batch of at most `batchSize` rows is its own short write transaction, so the alert
    /// writer waits at most one batch. A deleted model takes its thresholds along; training runs
    /// that promoted it keep their row with `modelID` set to nil.
    ///
    /// - Parameters:
    ///   - cutoff: seconds since the Unix epoch; alerts whose episode's last receive time is
    ///     earlier go, so an episode still growing is kept (the daemon passes now minus the
    ///     configured retention age).
    ///   - keepModelVersions: versions kept per stream and detector, >= 1; the active model is
    ///     kept in addition when it is older than those.
    ///   - batchSize: rows per transaction, >= 1.
    /// - Throws: `StoreError.invalidArgument`, `StoreError.readOnly`, GRDB's `DatabaseError`.
    @discardableResult
    public func prune(alertsReceivedBefore cutoff: Double, keepModelVersions: Int, batchSize: Int = 1000)
        throws -> PruneReport
    {
        guard keepModelVersions >= 1 else {
            throw StoreError.invalidArgument("keepModelVersions must be >= 1, got \(keepModelVersions)")
        }
        guard batchSize >= 1 else {
            throw StoreError.invalidArgument("batchSize must be >= 1, got \(batchSize)")
        }
        guard !cutoff.isNaN else { throw StoreError.invalidArgument("cutoff is NaN") }
        var alertsDeleted = 0
        while true {
            let deleted = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM alerts WHERE id IN (
                            SELECT id FROM alerts
                            WHERE receive_time < ? AND COALESCE(last_receive_time, receive_time) < ?
                            LIMIT ?)
                        """,
                    arguments: [cutoff, cutoff, batchSize])
                return db.changesCount
            }
            alertsDeleted += deleted
            if deleted < batchSize { break }
        }
        var modelsDeleted = 0
        while true {
            let deleted = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM models WHERE id IN (
                            SELECT m.id FROM models m
                            WHERE m.active = 0 AND (
                                SELECT COUNT(*) FROM models n
                                WHERE n.stream_id = m.stream_id AND n.detector = m.detector
                                    AND n.version > m.version) >= ?
                            LIMIT ?)
                        """,
                    arguments: [keepModelVersions, batchSize])
                return db.changesCount
            }
            modelsDeleted += deleted
            if deleted < batchSize { break }
        }
        let walFrames = try checkpoint()
        return PruneReport(
            alertsDeleted: alertsDeleted, modelsDeleted: modelsDeleted,
            walFramesAfterCheckpoint: walFrames)
    }

    /// Copies the WAL into the database file and truncates the WAL to zero bytes; when a
    /// reader holds a snapshot past the busy timeout, falls back to a passive checkpoint.
    ///
    /// Waits for a write in progress (the writer connection is serialized). A checkpoint that
    /// copied every frame is noted as `storageHealth().lastCheckpoint`; a failure of SQLite as
    /// its `lastWriteError`.
    ///
    /// - Returns: the WAL frames not yet copied into the database file (0 when it completed).
    /// - Throws: `StoreError.readOnly`, GRDB's `DatabaseError` (disk full, I/O error).
    @discardableResult
    public func checkpoint() throws -> Int {
        guard !isReadOnly else { throw StoreError.readOnly }
        let remaining: Int
        do {
            remaining = try database.writeWithoutTransaction { db in
                do {
                    let result = try db.checkpoint(.truncate)
                    return max(0, result.walFrameCount - result.checkpointedFrameCount)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    let result = try db.checkpoint(.passive)
                    return max(0, result.walFrameCount - result.checkpointedFrameCount)
                }
            }
        } catch let error as DatabaseError {
            noteWriteError(error)
            throw error
        }
        health.succeeded()
        if remaining == 0 { health.checkpointed(at: Date().timeIntervalSince1970) }
        return remaining
    }
}
