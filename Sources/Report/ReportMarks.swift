import Detectors

/// One training run of a detector during the replay, drawn as a small marker on its chart.
public struct RetrainMark: Sendable, Codable, Equatable {
    /// The vector time (seconds) at which the run happened.
    public var time: Double
    /// The detector trained (`ae`, `vae`, ...).
    public var detector: String
    /// How it ended, labelled `promoted` (a new model and threshold took over), `failed` or
    /// `skipped` (`TrainingOutcome.markLabel`).
    public var outcome: TrainingOutcome
    /// What started it: `initial`, `interval`, `samples`, `request` or `shift`.
    public var trigger: String
    /// Why it failed or was skipped, or a note; nil when there is nothing to say.
    public var reason: String?

    /// Creates a retrain mark.
    public init(time: Double, detector: String, outcome: TrainingOutcome, trigger: String, reason: String? = nil) {
        self.time = time
        self.detector = detector
        self.outcome = outcome
        self.trigger = trigger
        self.reason = reason
    }
}

/// A level shift the stream recorded, drawn as a vertical marker on every chart.
public struct ShiftMark: Sendable, Codable, Equatable {
    /// The vector time (seconds) at which the shift was recorded.
    public var time: Double
    /// The features that moved, largest move first.
    public var features: [FeatureShift]
    /// True for a return to the level before the previous adopted shift (a reversion).
    public var reversion: Bool?

    /// Creates a shift mark.
    public init(time: Double, features: [FeatureShift], reversion: Bool? = nil) {
        self.time = time
        self.features = features
        self.reversion = reversion
    }
}

/// How far one feature's level moved in a shift.
public struct FeatureShift: Sendable, Codable, Equatable {
    /// The feature's name (its CSV column, or `f12` for index 12).
    public var name: String
    /// The move of its recent mean from its training mean, in training standard deviations
    /// (signed: negative for a drop).
    public var sigmas: Double

    /// Creates a feature's move.
    public init(name: String, sigmas: Double) {
        self.name = name
        self.sigmas = sigmas
    }
}
