import Foundation
import GRDB

extension Store {
    /// The steps of a promotion, in order; tests inject failures between them.
    enum PromotionStep: CaseIterable, Sendable {
        case oldModelDeactivated, newModelInserted, thresholdInserted
    }

    /// Stores `candidate` as the next version of its stream and detector, stores its threshold,
    /// and makes it the active model, all in one transaction: after a failure nothing changed
    /// and the previous model is still active.
    ///
    /// The version is one more than the highest stored for the stream and detector (1 for the
    /// first). The partial unique index `models_one_active` guarantees at most one active model
    /// per stream and detector.
    ///
    /// - Returns: the stored, active model with its checksum.
    /// - Throws: `StoreError.unknownStream`, `StoreError.invalidArgument` (bad detector kind,
    ///   non-finite loss or threshold, false-positive rate outside (0, 1), negative sample
    ///   count), `StoreError.readOnly`, or GRDB's `DatabaseError` (disk full, I/O).
    @discardableResult
    public func promoteModel(_ candidate: NewModel, threshold: NewThreshold) throws -> ModelRecord {
        try promoteModel(candidate, threshold: threshold, after: { _ in })
    }

    /// `promoteModel(_:threshold:)` with a hook run after each step inside the transaction; a
    /// throwing hook rolls everything back.
    func promoteModel(
        _ candidate: NewModel, threshold: NewThreshold,
        after step: (PromotionStep) throws -> Void
    ) throws -> ModelRecord {
        try Self.validate(candidate)
        try Self.validate(threshold)
        let checksum = Checksum.model(
            configuration: candidate.configuration, scaler: candidate.scaler,
            weights: candidate.weights)
        return try write { db in
            let streamID = try Self.streamID(db, name: candidate.stream)
            let version = 1 + (try Int.fetchOne(
                db,
                sql: "SELECT COALESCE(MAX(version), 0) FROM models WHERE stream_id = ? AND detector = ?",
                arguments: [streamID, candidate.detector]) ?? 0)
            try db.execute(
                sql: "UPDATE models SET active = 0 WHERE stream_id = ? AND detector = ? AND active = 1",
                arguments: [streamID, candidate.detector])
            try step(.oldModelDeactivated)
            try db.execute(
                sql: """
                    INSERT INTO models (stream_id, detector, version, created, configuration, scaler,
                        weights, checksum, seed, train_loss, validation_loss, active)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [
                    streamID, candidate.detector, version, candidate.created,
                    candidate.configuration, candidate.scaler, candidate.weights, checksum,
                    Int64(bitPattern: candidate.seed), candidate.trainLoss,
                    candidate.validationLoss,
                ])
            let modelID = db.lastInsertedRowID
            try step(.newModelInserted)
            try Self.insertThreshold(db, modelID: modelID, threshold)
            try step(.thresholdInserted)
            return ModelRecord(
                id: modelID, stream: candidate.stream, detector: candidate.detector,
                version: version, created: candidate.created,
                configuration: candidate.configuration, scaler: candidate.scaler,
                weights: candidate.weights, checksum: checksum, seed: candidate.seed,
                trainLoss: candidate.trainLoss, validationLoss: candidate.validationLoss,
                isActive: true)
        }
    }

    /// Makes a stored model version the active one of its stream and detector (a rollback),
    /// deactivating the current one in the same transaction.
    ///
    /// The model keeps its latest threshold; it must have one.
    ///
    /// - Throws: `StoreError.unknownModel`, `StoreError.invalidArgument` (the model has no
    ///   threshold), `StoreError.readOnly`.
    public func activateModel(id: Int64) throws {
        try write { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT stream_id, detector,
                        EXISTS (SELECT 1 FROM thresholds WHERE model_id = models.id)
                    FROM models WHERE id = ?
                    """,
                arguments: [id])
            else { throw StoreError.unknownModel(id: id) }
            let streamID: Int64 = try row.decode(atIndex: 0)
            let detector: String = try row.decode(atIndex: 1)
            guard try row.decode(Bool.self, atIndex: 2) else {
                throw StoreError.invalidArgument("model \(id) has no threshold and cannot be active")
            }
            try db.execute(
                sql: "UPDATE models SET active = 0 WHERE stream_id = ? AND detector = ? AND active = 1",
                arguments: [streamID, detector])
            try db.execute(sql: "UPDATE models SET active = 1 WHERE id = ?", arguments: [id])
        }
    }

    /// Stores a new threshold for an existing model (a recalibration without retraining); it
    /// becomes the model's current threshold.
    ///
    /// - Throws: `StoreError.unknownModel`, `StoreError.invalidArgument`, `StoreError.readOnly`.
    @discardableResult
    public func recordThreshold(_ threshold: NewThreshold, modelID: Int64) throws -> ThresholdRecord {
        try Self.validate(threshold)
        return try write { db in
            guard try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM models WHERE id = ?)", arguments: [modelID])
                == true
            else { throw StoreError.unknownModel(id: modelID) }
            return try Self.insertThreshold(db, modelID: modelID, threshold)
        }
    }

    /// The active models of every stream, each with its current threshold, by stream and
    /// detector.
    ///
    /// - Throws: `StoreError.checksumMismatch` when a model's blobs are corrupt,
    ///   `StoreError.corruptRecord`.
    public func activeModels() throws -> [ActiveModel] {
        try read { db in try Self.fetchActive(db, stream: nil) }
    }

    /// The active models of `stream`, each with its current threshold, by detector.
    ///
    /// - Throws: `StoreError.checksumMismatch`, `StoreError.corruptRecord`.
    public func activeModels(stream: String) throws -> [ActiveModel] {
        try read { db in try Self.fetchActive(db, stream: stream) }
    }

    /// The model with row id `id` (active or not), or nil.
    ///
    /// - Throws: `StoreError.checksumMismatch`, `StoreError.corruptRecord`.
    public func model(id: Int64) throws -> ModelRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.modelColumns) FROM models m JOIN streams s ON s.id = m.stream_id WHERE m.id = ?",
                arguments: [id]
            ).map(Self.decodeModel)
        }
    }

    /// Every stored version of a stream's detector, newest first.
    ///
    /// - Throws: `StoreError.checksumMismatch`, `StoreError.corruptRecord`.
    public func models(stream: String, detector: String) throws -> [ModelRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.modelColumns) FROM models m JOIN streams s ON s.id = m.stream_id
                    WHERE s.name = ? AND m.detector = ? ORDER BY m.version DESC
                    """,
                arguments: [stream, detector]
            ).map(Self.decodeModel)
        }
    }

    /// The current (latest) threshold of a model, or nil when it has none.
    public func threshold(modelID: Int64) throws -> ThresholdRecord? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.thresholdColumns) FROM thresholds t WHERE t.model_id = ? ORDER BY t.id DESC LIMIT 1",
                arguments: [modelID]
            ).map { try Self.decodeThreshold($0, offset: 0) }
        }
    }

    // MARK: - Rows

    static let modelColumns = """
        m.id, s.name, m.detector, m.version, m.created, m.configuration, m.scaler, m.weights, \
        m.checksum, m.seed, m.train_loss, m.validation_loss, m.active
        """
    static let modelColumnCount = 13
    static let thresholdColumns = """
        t.id, t.model_id, t.method, t.target_false_positive_rate, t.value, t.calibration_samples, \
        t.created
        """

    static func fetchActive(_ db: Database, stream: String?) throws -> [ActiveModel] {
        var sql = """
            SELECT \(modelColumns), \(thresholdColumns)
            FROM models m
            JOIN streams s ON s.id = m.stream_id
            JOIN thresholds t ON t.id = (SELECT MAX(id) FROM thresholds WHERE model_id = m.id)
            WHERE m.active = 1
            """
        var arguments: StatementArguments = []
        if let stream {
            sql += " AND s.name = ?"
            arguments = [stream]
        }
        sql += " ORDER BY s.name, m.detector"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            ActiveModel(
                model: try decodeModel(row),
                threshold: try decodeThreshold(row, offset: modelColumnCount))
        }
    }

    /// Decodes a row of `modelColumns` and verifies its checksum.
    static func decodeModel(_ row: Row) throws -> ModelRecord {
        let record = ModelRecord(
            id: try row.decode(atIndex: 0), stream: try row.decode(atIndex: 1),
            detector: try row.decode(atIndex: 2), version: try row.decode(atIndex: 3),
            created: try row.decode(atIndex: 4), configuration: try row.decode(atIndex: 5),
            scaler: try row.decode(atIndex: 6), weights: try row.decode(atIndex: 7),
            checksum: try row.decode(atIndex: 8),
            seed: UInt64(bitPattern: try row.decode(Int64.self, atIndex: 9)),
            trainLoss: try row.decode(atIndex: 10), validationLoss: try row.decode(atIndex: 11),
            isActive: try row.decode(atIndex: 12))
        let computed = Checksum.model(
            configuration: record.configuration, scaler: record.scaler, weights: record.weights)
        guard computed == record.checksum else {
            throw StoreError.checksumMismatch(
                modelID: record.id, stored: record.checksum, computed: computed)
        }
        return record
    }

    static func decodeThreshold(_ row: Row, offset: Int) throws -> ThresholdRecord {
        ThresholdRecord(
            id: try row.decode(atIndex: offset), modelID: try row.decode(atIndex: offset + 1),
            method: try row.decode(atIndex: offset + 2),
            targetFalsePositiveRate: try row.decode(atIndex: offset + 3),
            value: try row.decode(atIndex: offset + 4),
            calibrationSamples: try row.decode(atIndex: offset + 5),
            created: try row.decode(atIndex: offset + 6))
    }

    @discardableResult
    static func insertThreshold(_ db: Database, modelID: Int64, _ threshold: NewThreshold) throws
        -> ThresholdRecord
    {
        try db.execute(
            sql: """
                INSERT INTO thresholds (model_id, method, target_false_positive_rate, value,
                    calibration_samples, created)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                modelID, threshold.method, threshold.targetFalsePositiveRate, threshold.value,
                threshold.calibrationSamples, threshold.created,
            ])
        return ThresholdRecord(
            id: db.lastInsertedRowID, modelID: modelID, method: threshold.method,
            targetFalsePositiveRate: threshold.targetFalsePositiveRate, value: threshold.value,
            calibrationSamples: threshold.calibrationSamples, created: threshold.created)
    }

    // MARK: - Validation

    static func validate(_ model: NewModel) throws {
        try validateDetector(model.detector)
        for (name, loss) in [("trainLoss", model.trainLoss), ("validationLoss", model.validationLoss)] {
            if let loss, !loss.isFinite {
                throw StoreError.invalidArgument("\(name) must be finite, got \(loss)")
            }
        }
        guard model.created.isFinite else {
            throw StoreError.invalidArgument("created must be finite, got \(model.created)")
        }
    }

    static func validate(_ threshold: NewThreshold) throws {
        guard (1...64).contains(threshold.method.utf8.count) else {
            throw StoreError.invalidArgument("threshold method \"\(threshold.method)\" must be 1-64 bytes")
        }
        guard threshold.value.isFinite else {
            throw StoreError.invalidArgument("threshold value must be finite, got \(threshold.value)")
        }
        guard threshold.targetFalsePositiveRate > 0, threshold.targetFalsePositiveRate < 1 else {
            throw StoreError.invalidArgument(
                "targetFalsePositiveRate must be in (0, 1), got \(threshold.targetFalsePositiveRate)")
        }
        guard threshold.calibrationSamples >= 0 else {
            throw StoreError.invalidArgument(
                "calibrationSamples must be >= 0, got \(threshold.calibrationSamples)")
        }
        guard threshold.created.isFinite else {
            throw StoreError.invalidArgument("threshold created must be finite, got \(threshold.created)")
        }
    }
}
