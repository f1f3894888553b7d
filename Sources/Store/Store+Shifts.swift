import GRDB

extension Store {
    /// Stores one recognised level shift of `stream`.
    ///
    /// - Parameters:
    ///   - stream: the stream's name (it must have a `streams` row).
    ///   - detected: when the shift was recognised, vector time in seconds.
    ///   - document: the shift as a JSON object (the daemon stores the wire's `LevelShift`).
    /// - Returns: the new row's id.
    /// - Throws: `StoreError.unknownStream`, `StoreError.invalidArgument` (a NaN time, text that
    ///   is not a JSON object), `StoreError.readOnly`, or GRDB's `DatabaseError`.
    @discardableResult
    public func recordShift(stream: String, detected: Double, document: String) throws -> Int64 {
        guard !detected.isNaN else { throw StoreError.invalidArgument("shift time of stream \"\(stream)\" is NaN") }
        guard document.first == "{" else { throw StoreError.invalidArgument("a shift document must be a JSON object") }
        return try write { db in
            try db.execute(
                sql: "INSERT INTO shifts (stream_id, detected, document) SELECT id, ?, ? FROM streams WHERE name = ?",
                arguments: [detected, document, stream])
            guard db.changesCount == 1 else { throw StoreError.unknownStream(stream) }
            return db.lastInsertedRowID
        }
    }

    /// Stored level shifts, newest first: of `stream` (nil = all) detected at or after `since`
    /// (vector time, seconds; nil = all), at most `limit`.
    ///
    /// - Returns: each shift's JSON document as stored.
    /// - Throws: `StoreError.invalidArgument` for a negative limit, or GRDB's `DatabaseError`.
    public func shifts(stream: String? = nil, since: Double? = nil, limit: Int = 100) throws -> [String] {
        guard limit >= 0 else { throw StoreError.invalidArgument("limit must be >= 0, got \(limit)") }
        return try read { db in
            var sql = "SELECT shifts.document FROM shifts JOIN streams ON streams.id = shifts.stream_id WHERE 1"
            var arguments: StatementArguments = []
            if let stream {
                sql += " AND streams.name = ?"
                arguments += [stream]
            }
            if let since {
                sql += " AND shifts.detected >= ?"
                arguments += [since]
            }
            sql += " ORDER BY shifts.detected DESC, shifts.id DESC LIMIT ?"
            arguments += [limit]
            return try String.fetchAll(db, sql: sql, arguments: arguments)
        }
    }
}
