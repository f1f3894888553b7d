import Detectors
import Wire

/// What `aed replay --json` prints: one object (docs/DESIGN.md, "aed replay").
///
/// Counts cover the `--file` rows (the `--train` rows only warm the stream up); times are
/// vector times in seconds.
public struct ReplaySummary: Codable, Sendable, Equatable {
    /// One training run.
    public struct Retrain: Codable, Sendable, Equatable {
        /// Vector time at which it ran.
        public var time: Double
        public var detector: String
        /// How it ended (`ok`, `failed` or `skipped` in JSON).
        public var outcome: TrainingOutcome
        /// Why it failed or was skipped.
        public var reason: String?
        /// What started it (`initial`, `interval`, `samples`, `request` or `shift` in JSON).
        public var trigger: RetrainTrigger
        /// The promoted model's version.
        public var modelVersion: Int?
        /// Whether it ran during the `--train` rows.
        public var duringTrain: Bool
    }

    /// The stream name used.
    public var stream: String
    /// Rows of `--file` replayed.
    public var vectors: Int
    /// Rows of `--train` replayed before them.
    public var trainVectors: Int
    /// `--file` vectors scored (a stream still warming does not score).
    public var scored: Int
    /// Threshold crossings during `--file`, all detectors.
    public var alerts: Int
    /// Alert episodes started during `--file`, all detectors.
    public var episodes: Int
    /// Every training run, in order.
    public var retrains: [Retrain]
    /// Every level shift recognised, in order.
    public var shifts: [LevelShift]
    /// With `--labels`: "any detector alerted" against the labels.
    public var overall: ReplayMetrics?
    /// With `--labels`: each detector's own alerts against the labels.
    public var detectors: [String: ReplayMetrics]?
}
