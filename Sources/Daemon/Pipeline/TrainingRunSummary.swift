import Foundation

/// The outcome of one detector's training run, as status reports it.
public struct TrainingRunSummary: Sendable, Codable, Equatable {
    /// The detector (`ae`, `vae`, ...).
    public var detector: String
    /// `ok`, `failed` or `skipped`.
    public var outcome: String
    /// Why it failed or was skipped (nil when ok).
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
    /// What started the run.
    public var trigger: String
}
