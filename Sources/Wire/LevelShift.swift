/// What aed does when a stream's alert rate stays far above its target for a whole shift window.
///
/// - `adapt` (the default): record the shift once, then adopt the new level: the storm's
///   vectors join the retrain buffer, the buffered history of the features that moved is moved
///   to their new level, and the stream retrains at once.
/// - `alert`: record the shift once and keep alerting until an operator accepts it
///   (`aectl retrain --accept-shift STREAM`).
public enum ShiftPolicy: String, Codable, Sendable, CaseIterable {
    case adapt
    case alert
}

/// One feature that moved in a level shift: its index and how far its median over the shift
/// window lies from its median in the retrain buffer, in the buffer's standard deviations.
public struct MovedFeature: Codable, Sendable, Equatable {
    /// The feature's index in the vector, from 0.
    public var index: Int
    /// Signed distance of the new level from the old, in training standard deviations.
    public var sigmas: Double

    /// Creates a moved feature.
    public init(index: Int, sigmas: Double) {
        self.index = index
        self.sigmas = sigmas
    }
}

/// A level shift: a stream whose alert rate stayed far above its target for longer than an
/// anomaly episode should last (the shift window), recorded once.
///
/// Stored in the `shifts` table, published on the alert PUB socket as `[shifts.<stream>][JSON]`,
/// listed by `aectl alerts` and counted by `aectl status`. Times are vector times, seconds (since
/// the Unix epoch for live streams; the series' own time in a replay).
public struct LevelShift: Codable, Sendable, Equatable {
    /// The stream.
    public var stream: String
    /// When the shift was recognised (the end of the shift window).
    public var detected: Double
    /// When the window of sustained alerts began: the shift happened at or shortly before it.
    public var started: Double
    /// Share of the window's vectors that alerted (any detector), in [0, 1].
    public var alertRate: Double
    /// Vectors in the window.
    public var vectors: Int
    /// The features whose level moved most (largest |sigmas| first); empty when no single
    /// feature moved (a change in how features relate, not in their levels).
    public var features: [MovedFeature]
    /// The policy in force when it was recognised.
    public var policy: ShiftPolicy
    /// Whether the new level was adopted (at once under `adapt`, later by `--accept-shift`).
    public var adopted: Bool
    /// True when the stream went back to the level it had before the previous adopted shift
    /// (the moved features returned by that shift's offsets): recognised after one stormy sixth
    /// of a shift window instead of a whole window. Nil otherwise (and in records written
    /// before it existed).
    public var reversion: Bool?

    /// Creates a shift record.
    public init(
        stream: String, detected: Double, started: Double, alertRate: Double, vectors: Int, features: [MovedFeature],
        policy: ShiftPolicy, adopted: Bool, reversion: Bool? = nil
    ) {
        self.stream = stream
        self.detected = detected
        self.started = started
        self.alertRate = alertRate
        self.vectors = vectors
        self.features = features
        self.policy = policy
        self.adopted = adopted
        self.reversion = reversion
    }
}
