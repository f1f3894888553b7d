import Foundation
import Tensor

/// The detectors aed knows, by the name used in configuration, the wire, the store and `aectl`.
public enum DetectorKind: String, Sendable, Codable, CaseIterable {
    /// Undercomplete autoencoder; score = mean squared reconstruction error.
    case autoencoder = "ae"
    /// Variational autoencoder; score = importance-sampled negative log-likelihood.
    case variationalAutoencoder = "vae"
    /// Sparse autoencoder (Bernoulli KL penalty on mean activations).
    case sparseAutoencoder = "sparse-ae"
    /// Denoising autoencoder (trained on corrupted input, scores clean input).
    case denoisingAutoencoder = "denoising-ae"
    /// Principal component analysis; score = reconstruction error in the top-k subspace.
    case pca = "pca"
    /// NeuTraL-AD (Qiu et al., ICML 2021): learned transformations and a shared encoder trained with the
    /// deterministic contrastive loss; score = that loss of the sample.
    case contrastive = "contrastive"
    /// GOAD (Bergman and Hoshen, ICLR 2020): random affine transformations, a network trained with a
    /// triplet-center loss; score = -log P(transformation | distances to the centers), summed.
    case triplet = "triplet"
}

/// What one `fit` did: losses per epoch, the final validation loss, time and seed.
public struct FitReport: Sendable, Codable, Equatable {
    /// Mean training loss of each epoch, in the detector's loss units (nats for the VAE).
    public var trainLosses: [Double]
    /// Mean validation loss of each epoch (empty when there was no validation split).
    public var validationLosses: [Double]
    /// The number of epochs run (early stopping may end before the configured maximum).
    public var epochs: Int
    /// The number of training samples used (after the validation split).
    public var samples: Int
    /// Wall-clock time of the fit, in seconds.
    public var seconds: Double
    /// The seed that made this fit reproducible.
    public var seed: UInt64
    /// Extra diagnostics by name, e.g. `"kl.latent.3"` for a VAE's KL per latent dimension (nats).
    public var diagnostics: [String: Double]
    /// A VAE's use of its latent space on the training data (posterior collapse); nil for the
    /// other detectors.
    public var latentHealth: LatentHealth?

    public init(
        trainLosses: [Double], validationLosses: [Double], epochs: Int, samples: Int,
        seconds: Double, seed: UInt64, diagnostics: [String: Double] = [:], latentHealth: LatentHealth? = nil
    ) {
        self.trainLosses = trainLosses
        self.validationLosses = validationLosses
        self.epochs = epochs
        self.samples = samples
        self.seconds = seconds
        self.seed = seed
        self.diagnostics = diagnostics
        self.latentHealth = latentHealth
    }

    /// The last training loss, or `nil` before any epoch ran.
    public var finalTrainLoss: Double? { trainLosses.last }
    /// The last validation loss, or `nil` without a validation split.
    public var finalValidationLoss: Double? { validationLosses.last }
}

/// A fitted detector serialized for the store: enough to score bit-identically after a load.
public struct SavedDetector: Sendable, Equatable {
    /// Which detector this is.
    public var kind: DetectorKind
    /// The architecture and training configuration, JSON.
    public var configuration: Data
    /// The fitted `StandardScaler`, JSON.
    public var scaler: Data
    /// The parameters in the tensor engine's checkpoint format (versioned, checksummed).
    public var weights: Data

    public init(kind: DetectorKind, configuration: Data, scaler: Data, weights: Data) {
        self.kind = kind
        self.configuration = configuration
        self.scaler = scaler
        self.weights = weights
    }
}

/// A model that fits on normal data and scores new vectors; higher scores are more anomalous.
///
/// A fitted detector is immutable, so one instance can score on one thread while a
/// candidate is trained on another and swapped in afterwards.
public protocol AnomalyDetector: Sendable {
    /// Which detector this is.
    var kind: DetectorKind { get }
    /// The dimension of the vectors this detector scores.
    var featureCount: Int { get }
    /// The standardization fitted on the training data (its means are the baseline of
    /// `FeatureAttribution`'s replacement).
    var scaler: StandardScaler { get }

    /// The anomaly score of each row of `batch` (`[samples, features]`) -> `[samples]`;
    /// higher is more anomalous, always finite for finite input.
    func anomalyScores(_ batch: Tensor) -> [Float]

    /// How much each feature contributed to each row's score: `[samples, features]`,
    /// non-negative, each row summing to that row's score (or to 1 where documented).
    func featureContributions(_ batch: Tensor) -> Tensor

    /// The detector in its stored form.
    /// - Throws: when the parameters cannot be encoded.
    func saved() throws -> SavedDetector
}
