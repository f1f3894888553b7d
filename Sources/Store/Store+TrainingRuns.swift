import Detectors
import GRDB

extension Store {
    /// Records a finished training run, whatever its outcome.
    ///
    /// - Throws: `StoreError.unknownStream`, `StoreError.unknownModel` (a `modelID` that does
    ///   not exist), `StoreError.invalidArgument` (finished before started, negative counts,
    ///   non-finite loss), `StoreError.readOnly`.
    @discardableResult
    public func recordTrainingRun(_ run: NewTrainingRun) throws -> TrainingRunRecord {
        try Self.validateDetector(run.detector)
        guard run.started.isFinite, run.finished.isFinite, run.finished >= run.started else {
            throw StoreError.invalidArgument(
                "training run must finish (\(run.finished)) at or after it started (\(run.started))")
        }
        guard run.samples >= 0, run.epochs >= 0 else {
            throw StoreError.invalidArgument(
                "samples (\(run.samples)) and epochs (\(run.epochs)) must be >= 0")
        }
        if let document = run.latentHealth, document.first != "{" {
            throw StoreError.invalidArgument("a latent health document must be a JSON object")
        }
        for (name, loss) in [("trainLoss", run.trainLoss), ("validationLoss", run.validationLoss)] {
            if let loss, !loss.isFinite {
                throw StoreError.invalidArgument("\(name) must be finite or nil, got \(loss)")
            }
        }
        return try write { db in
            let streamID = try Self.streamID(db, name: run.stream)
            if let modelID = run.modelID,
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM models WHERE id = ?)",
                    arguments: [modelID]) != true
            {
                throw StoreError.unknownModel(id: modelID)
            }
            try db.execute(
                sql: """
                    INSERT INTO training_runs (stream_id, detector, started, finished, outcome,
                        reason, samples, epochs, train_loss, validation_loss, model_id, latent_health)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    streamID, run.detector, run.started, run.finished, run.outcome.rawValue,
                    run.reason, run.samples, run.epochs, run.trainLoss, run.validationLoss,
                    run.modelID, run.latentHealth,
                ])
            return TrainingRunRecord(id: db.lastInsertedRowID, run: run)
        }
    }

    /// The most recent training run (latest `started`) of every stream and detector, by stream
    /// and detector.
    ///
    /// - Throws: `StoreError.corruptRecord`.
    public func lastTrainingRuns() throws -> [TrainingRunRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.runColumns) FROM training_runs r JOIN streams s ON s.id = r.stream_id
                    WHERE r.id = (
                        SELECT id FROM training_runs l
                        WHERE l.stream_id = r.stream_id AND l.detector = r.detector
                        ORDER BY l.started DESC, l.id DESC LIMIT 1)
                    ORDER BY s.name, r.detector
                    """
            ).map(Self.decodeRun)
        }
    }

    /// The training runs of `stream`, newest first, at most `limit`.
    ///
    /// - Throws: `StoreError.invalidArgument` for a negative limit, `StoreError.corruptRecord`.
    public func trainingRuns(stream: String, limit: Int = 100) throws -> [TrainingRunRecord] {
        guard limit >= 0 else { throw StoreError.invalidArgument("limit must be >= 0, got \(limit)") }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.runColumns) FROM training_runs r JOIN streams s ON s.id = r.stream_id
                    WHERE s.name = ? ORDER BY r.started DESC, r.id DESC LIMIT ?
                    """,
                arguments: [stream, limit]
            ).map(Self.decodeRun)
        }
    }

    static let runColumns = """
        r.id, s.name, r.detector, r.started, r.finished, r.outcome, r.reason, r.samples, \
        r.epochs, r.train_loss, r.validation_loss, r.model_id, r.latent_health
        """

    static func decodeRun(_ row: Row) throws -> TrainingRunRecord {
        let outcomeText: String = try row.decode(atIndex: 5)
        guard let outcome = TrainingOutcome(rawValue: outcomeText) else {
            throw StoreError.corruptRecord("training_runs.outcome \"\(outcomeText)\"")
        }
        let run = NewTrainingRun(
            stream: try row.decode(atIndex: 1), detector: try row.decode(atIndex: 2),
            started: try row.decode(atIndex: 3), finished: try row.decode(atIndex: 4),
            outcome: outcome, reason: try row.decode(atIndex: 6),
            samples: try row.decode(atIndex: 7), epochs: try row.decode(atIndex: 8),
            trainLoss: try row.decode(atIndex: 9), validationLoss: try row.decode(atIndex: 10),
            modelID: try row.decode(atIndex: 11), latentHealth: try row.decode(atIndex: 12))
        return TrainingRunRecord(id: try row.decode(atIndex: 0), run: run)
    }
}
