import GRDB

/// The store's numbered, append-only migrations and the schema version they lead to.
///
/// The schema version is kept in SQLite's `PRAGMA user_version` and advances inside the same
/// transaction as the migration that sets it, so a crash mid-migration leaves the old version and
/// the old schema. `PRAGMA application_id` marks the file as aed's. Never edit a shipped
/// migration: append a new one.
enum Schema {
    /// `PRAGMA application_id` of an aed database: the ASCII bytes "aed1".
    static let applicationID: Int32 = 0x6165_6431

    /// One schema step: `version` is what `user_version` holds after `apply` ran.
    struct Migration: Sendable {
        let version: Int
        let name: String
        let apply: @Sendable (Database) throws -> Void
    }

    /// The newest schema version this build knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// All migrations in order; versions are 1, 2, 3, ... without gaps.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial", apply: v1Initial),
        Migration(version: 2, name: "buffer-snapshots", apply: v2BufferSnapshots),
        Migration(version: 3, name: "alert-episodes", apply: v3AlertEpisodes),
        Migration(version: 4, name: "level-shifts", apply: v4LevelShifts),
        Migration(version: 5, name: "censored-counts", apply: v5CensoredCounts),
        Migration(version: 6, name: "latent-health", apply: v6LatentHealth),
    ]

    /// Version 1: streams, models (one active per stream and detector), thresholds, training
    /// runs and alerts, with the indexes the CLI's queries and retention use.
    private static func v1Initial(_ db: Database) throws {
        try db.execute(sql: """
            PRAGMA application_id = \(applicationID);

            CREATE TABLE streams (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
                dimension INTEGER NOT NULL CHECK (dimension > 0),
                created REAL NOT NULL
            );

            CREATE TABLE models (
                id INTEGER PRIMARY KEY,
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                detector TEXT NOT NULL CHECK (length(detector) BETWEEN 1 AND 64),
                version INTEGER NOT NULL CHECK (version > 0),
                created REAL NOT NULL,
                configuration BLOB NOT NULL,
                scaler BLOB NOT NULL,
                weights BLOB NOT NULL,
                checksum TEXT NOT NULL,
                seed INTEGER NOT NULL,
                train_loss REAL,
                validation_loss REAL,
                active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
                UNIQUE (stream_id, detector, version)
            );
            -- At most one active model per stream and detector, enforced by SQLite.
            CREATE UNIQUE INDEX models_one_active ON models(stream_id, detector) WHERE active = 1;

            CREATE TABLE thresholds (
                id INTEGER PRIMARY KEY,
                model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                method TEXT NOT NULL CHECK (length(method) BETWEEN 1 AND 64),
                target_false_positive_rate REAL NOT NULL
                    CHECK (target_false_positive_rate > 0 AND target_false_positive_rate < 1),
                value REAL NOT NULL,
                calibration_samples INTEGER NOT NULL CHECK (calibration_samples >= 0),
                created REAL NOT NULL
            );
            CREATE INDEX thresholds_by_model ON thresholds(model_id, id);

            CREATE TABLE training_runs (
                id INTEGER PRIMARY KEY,
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                detector TEXT NOT NULL CHECK (length(detector) BETWEEN 1 AND 64),
                started REAL NOT NULL,
                finished REAL NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'skipped')),
                reason TEXT,
                samples INTEGER NOT NULL CHECK (samples >= 0),
                epochs INTEGER NOT NULL CHECK (epochs >= 0),
                train_loss REAL,
                validation_loss REAL,
                model_id INTEGER REFERENCES models(id) ON DELETE SET NULL
            );
            CREATE INDEX training_runs_by_stream ON training_runs(stream_id, detector, started);
            CREATE INDEX training_runs_by_model ON training_runs(model_id);

            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                vector_time REAL NOT NULL,
                receive_time REAL NOT NULL,
                detector TEXT NOT NULL,
                score REAL NOT NULL,
                threshold REAL NOT NULL,
                severity REAL NOT NULL,
                model_version INTEGER NOT NULL,
                top_features TEXT NOT NULL
            );
            CREATE INDEX alerts_by_stream_time ON alerts(stream_id, receive_time);
            CREATE INDEX alerts_by_time ON alerts(receive_time);
            """)
    }

    /// Version 2: one retrain-buffer snapshot per stream, so a restart can retrain without
    /// waiting for new data.
    private static func v2BufferSnapshots(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE buffer_snapshots (
                stream_id INTEGER PRIMARY KEY REFERENCES streams(id) ON DELETE CASCADE,
                dimension INTEGER NOT NULL CHECK (dimension > 0),
                count INTEGER NOT NULL CHECK (count >= 0),
                "values" BLOB NOT NULL CHECK (length("values") = dimension * count * 4),
                saved REAL NOT NULL
            );
            """)
    }

    /// Version 3: an `alerts` row is an episode of consecutive threshold crossings: how many,
    /// the newest crossing's times, and the peak score and severity. Rows of earlier versions
    /// become episodes of one alert.
    ///
    /// The `last_*` and `max_*` columns are nullable only because `ALTER TABLE` cannot add a
    /// NOT NULL column without a constant default; aed writes them on every insert and fills
    /// them here for existing rows.
    private static func v3AlertEpisodes(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE alerts ADD COLUMN episode_count INTEGER NOT NULL DEFAULT 1 CHECK (episode_count >= 1);
            ALTER TABLE alerts ADD COLUMN last_vector_time REAL;
            ALTER TABLE alerts ADD COLUMN last_receive_time REAL;
            ALTER TABLE alerts ADD COLUMN max_score REAL;
            ALTER TABLE alerts ADD COLUMN max_severity REAL;
            UPDATE alerts SET last_vector_time = vector_time, last_receive_time = receive_time,
                max_score = score, max_severity = severity;
            """)
    }

    /// Version 4: level shifts, one row per recognised shift: the stream, its detection time
    /// (vector time, seconds) and the shift as a JSON document (the wire's `LevelShift`).
    private static func v4LevelShifts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE shifts (
                id INTEGER PRIMARY KEY,
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                detected REAL NOT NULL,
                document TEXT NOT NULL CHECK (json_valid(document))
            );
            CREATE INDEX shifts_stream_detected ON shifts(stream_id, detected);
            """)
    }

    /// Version 5: a buffer snapshot keeps, per row, how many vectors were kept out of the buffer
    /// just before it for crossing a threshold strongly (`count` little-endian UInt32; NULL, as
    /// in snapshots of earlier versions, means none). Calibration counts them as exceedances.
    private static func v5CensoredCounts(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE buffer_snapshots ADD COLUMN censored BLOB
                CHECK (censored IS NULL OR length(censored) = count * 4);
            """)
    }

    /// Version 6: a VAE's training run keeps its latent health (KL per latent dimension, each
    /// unit's activity) as a JSON object; NULL for other detectors and for earlier runs.
    private static func v6LatentHealth(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE training_runs ADD COLUMN latent_health TEXT
                CHECK (latent_health IS NULL OR json_valid(latent_health));
            """)
    }

    /// Reads the schema version (`PRAGMA user_version`).
    static func version(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    }

    /// Refuses a database that aed cannot safely open: another application's, or a newer aed's.
    ///
    /// - Throws: `StoreError.newerSchema`, `StoreError.foreignDatabase`.
    static func check(_ db: Database, path: String) throws {
        let version = try version(db)
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if application != 0 && application != applicationID {
            throw StoreError.foreignDatabase(
                path: path, reason: "application_id \(application) is not aed's")
        }
        if version == 0 {
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                ORDER BY name
                """)
            if !tables.isEmpty {
                throw StoreError.foreignDatabase(
                    path: path, reason: "it has tables \(tables.joined(separator: ", "))")
            }
        }
        if version > latestVersion {
            throw StoreError.newerSchema(path: path, found: version, supported: latestVersion)
        }
    }

    /// Applies, each in its own transaction, every migration above the current version up to
    /// and including `target`.
    ///
    /// - Throws: `StoreError.newerSchema` when the database is newer than `target` allows, or
    ///   the SQLite error of a failed migration (its transaction is rolled back).
    static func migrate(_ writer: some DatabaseWriter, path: String, upTo target: Int = latestVersion)
        throws
    {
        for migration in migrations where migration.version <= target {
            try writer.write { db in
                try check(db, path: path)
                guard try version(db) < migration.version else { return }
                try migration.apply(db)
                try db.execute(sql: "PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
