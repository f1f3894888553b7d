import GRDB

extension Store {
    /// Test hook: limits the database to its current size in pages (`PRAGMA max_page_count`
    /// on the writer connection), so a write that needs a new page fails with `SQLITE_FULL`
    /// exactly as on a full disk; `false` lifts the limit again (space returns).
    ///
    /// - Throws: `StoreError.readOnly`, GRDB's `DatabaseError`.
    func limitPageCountToCurrentSize(_ limit: Bool) throws {
        guard !isReadOnly else { throw StoreError.readOnly }
        // SQLite never sets the limit below the current size: 1 means "no more pages".
        let pages = limit ? 1 : Self.unlimitedPageCount
        try database.writeWithoutTransaction { db in
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
        }
    }

    /// `PRAGMA max_page_count` of an unlimited database: 2^30 - 1 pages (4 TiB at 4 KiB).
    static let unlimitedPageCount = 1_073_741_823

    /// Test hook: makes the writer connection refuse every write with `SQLITE_READONLY`
    /// (`PRAGMA query_only`), as a file system remounted read-only does; `false` allows writes
    /// again.
    ///
    /// - Throws: `StoreError.readOnly`, GRDB's `DatabaseError`.
    func refuseWrites(_ refuse: Bool) throws {
        guard !isReadOnly else { throw StoreError.readOnly }
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA query_only = \(refuse ? "ON" : "OFF")")
        }
    }
}
