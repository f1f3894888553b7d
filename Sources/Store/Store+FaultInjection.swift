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
            if limit {
                // Pages on the freelist would take new rows without growing the file: fill them
                // first, so the next write that needs a page fails at once.
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4_096
                if free > 0 {
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS fault_injection_filler(x BLOB)")
                    try db.execute(
                        sql: "INSERT INTO fault_injection_filler VALUES (zeroblob(?))", arguments: [free * pageSize])
                }
            }
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
