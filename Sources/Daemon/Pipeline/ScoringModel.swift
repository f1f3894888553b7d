import Detectors
import Foundation

/// One active, promoted model of a stream: the fitted detector with its calibrated threshold.
///
/// Immutable and `Sendable`: the trainer builds it, the ingest thread swaps it in.
struct ScoringModel: Sendable {
    /// Which detector.
    var kind: DetectorKind
    /// The fitted detector; scores `[samples, features]` -> `[samples]`, higher = more anomalous.
    var detector: any AnomalyDetector
    /// The alert threshold: a vector alerts when `anomalyScore > threshold`.
    var threshold: Double
    /// How the threshold was calibrated.
    var thresholdMethod: ThresholdMethod
    /// The false-positive rate the threshold targets.
    var targetFalsePositiveRate: Double
    /// The model's version for its stream and detector (1, 2, ...).
    var version: Int
    /// The model's row id in the store.
    var modelID: Int64
    /// When the model was trained, seconds since the Unix epoch.
    var created: Double
    /// Final training loss (detector units), if known.
    var trainLoss: Double?
    /// Final validation loss, if known.
    var validationLoss: Double?
    /// A VAE's latent health after its fit, if recorded.
    var latentHealth: LatentHealth? = nil
}
