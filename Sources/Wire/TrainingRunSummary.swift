import Detectors
import Foundation

/// The outcome of one detector's training run, as aed's status reply carries it (each stream's
/// `runs`) and `aectl status` shows it.
public struct TrainingRunSummary: Sendable, Codable, Equatable {
    /// The detector (`ae`, `vae`, ...).
    public var detector: String
    /// How it ended (`ok`, `failed` or `skipped` in JSON).
    public var outcome: TrainingOutcome
    /// Why it failed or was skipped (nil when trained).
    public var reason: String?
    /// When the run started, seconds since the Unix epoch.
    public var started: Double
    /// When it ended, seconds since the Unix epoch.
    public var finished: Double
    /// Vectors in the buffer snapshot.
    public var samples: Int
    /// Epochs run.
    public var epochs: Int
    /// Final training loss (detector units; nats for the VAE), if any.
    public var trainLoss: Double?
    /// Final validation loss, if any.
    public var validationLoss: Double?
    /// The threshold calibrated on all held-out data.
    public var threshold: Double?
    /// The false-positive rate, on the check half of the held-out data, of a threshold
    /// calibrated on the other half.
    public var heldOutFalsePositiveRate: Double?
    /// The promoted model's version, when promoted.
    public var modelVersion: Int?
    /// What started the run (`initial`, `interval`, `samples`, `request`, `shift`, `restored`);
    /// nil from a daemon that did not report it.
    public var trigger: RetrainTrigger?
    /// A VAE's use of its latent space after this run's fit (KL per latent dimension, active
    /// units); nil for other detectors, runs that did not fit, and older daemons.
    public var latentHealth: LatentHealth?

    /// Creates a summary; see the properties.
    public init(
        detector: String, outcome: TrainingOutcome, reason: String?, started: Double, finished: Double,
        samples: Int, epochs: Int, trainLoss: Double?, validationLoss: Double?, threshold: Double?,
        heldOutFalsePositiveRate: Double?, modelVersion: Int?, trigger: RetrainTrigger?
    ) {
        self.detector = detector
        self.outcome = outcome
        self.reason = reason
        self.started = started
        self.finished = finished
        self.samples = samples
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.threshold = threshold
        self.heldOutFalsePositiveRate = heldOutFalsePositiveRate
        self.modelVersion = modelVersion
        self.trigger = trigger
    }
}
