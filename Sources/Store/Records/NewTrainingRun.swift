import Detectors

/// A finished training run to record, whatever its outcome.
public struct NewTrainingRun: Sendable, Equatable {
    /// The stream trained on; it must be registered.
    public var stream: String
    /// The detector kind (`ae`, `vae`, ...).
    public var detector: String
    /// Start time, seconds since the Unix epoch.
    public var started: Double
    /// End time, seconds since the Unix epoch (not before `started`).
    public var finished: Double
    /// How the run ended (stored as `ok`, `failed` or `skipped`).
    public var outcome: TrainingOutcome
    /// Why it failed or was skipped (or a note), for operators.
    public var reason: String?
    /// Training samples used (or available, when skipped).
    public var samples: Int
    /// Epochs run.
    public var epochs: Int
    /// Final training loss, if any.
    public var trainLoss: Double?
    /// Final validation loss, if any.
    public var validationLoss: Double?
    /// The model promoted by this run, if any.
    public var modelID: Int64?
    /// A VAE's latent health after the fit, as a JSON object (the daemon stores the Detectors'
    /// `LatentHealth`); nil for other detectors.
    public var latentHealth: String?

    /// Creates a training run to record.
    public init(
        stream: String, detector: String, started: Double, finished: Double,
        outcome: TrainingOutcome, reason: String? = nil, samples: Int, epochs: Int,
        trainLoss: Double? = nil, validationLoss: Double? = nil, modelID: Int64? = nil,
        latentHealth: String? = nil
    ) {
        self.stream = stream
        self.detector = detector
        self.started = started
        self.finished = finished
        self.outcome = outcome
        self.reason = reason
        self.samples = samples
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.modelID = modelID
        self.latentHealth = latentHealth
    }
}
