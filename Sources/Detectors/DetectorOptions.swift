import Foundation

/// How a denoising autoencoder corrupts its training input.
public enum CorruptionKind: String, Sendable, Codable, CaseIterable {
    /// Adds `corruptionLevel * N(0, 1)` to every standardized feature.
    case gaussian
    /// Sets each standardized feature to 0 (its training mean) with probability `corruptionLevel`.
    case masking
}

/// The nonlinearity between layers.
public enum ActivationKind: String, Sendable, Codable, CaseIterable {
    /// `max(x, 0)`.
    case relu
    /// `x` for `x > 0`, else `0.01 x`.
    case leakyReLU = "leaky-relu"
    /// `tanh(x)`.
    case tanh
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// `x` (a linear layer).
    case identity
}

/// Architecture and training options shared by all detectors; the defaults work on every dataset
/// without per-dataset tuning (they are the daemon's defaults too).
///
/// When decoding, missing keys take their default (so stored options survive new fields).
public struct DetectorOptions: Sendable, Codable, Equatable {
    /// Widths of the hidden layers between input and code, e.g. `[64]` for `D -> 64 -> 16 -> 64 -> D`.
    public var hiddenDimensions: [Int] = [64]
    /// The code (bottleneck) width; for the VAE the dimension of the latent Gaussian. Models use
    /// `effectiveLatentDimensions(featureCount:kind:)`, so the code stays a bottleneck on narrow streams.
    public var latentDimensions: Int = 16
    /// The nonlinearity of the hidden layers (the code layer is linear, except the sparse AE's sigmoid).
    public var activation: ActivationKind = .relu
    /// The maximum number of passes over the training split; raised on small data so that training
    /// may take at least `minimumSteps` optimizer steps (early stopping still ends it sooner).
    public var epochs: Int = 40
    /// The fewest optimizer steps the epoch limit allows: `max(epochs, ceil(minimumSteps / stepsPerEpoch))` epochs.
    public var minimumSteps: Int = 3000
    /// Samples per mini-batch.
    public var batchSize: Int = 64
    /// Adam's step size.
    public var learningRate: Double = 1e-3
    /// The fraction of the data held out for validation (early stopping, threshold calibration).
    public var validationFraction: Double = 0.2
    /// Epochs without a validation improvement before training stops.
    public var patience: Int = 5
    /// The seed of shuffling, initialization, corruption and sampling.
    public var seed: UInt64 = 42
    /// Gradient norm above which a step is scaled down (`nil` = no clipping).
    public var maxGradientNorm: Double? = 10
    /// VAE: importance samples `K` of the scoring likelihood (Burda et al., 2016). 4, chosen by
    /// measurement (docs/QUALITY.md, *The VAE's importance samples*): on the public sets K = 4
    /// scored within 0.003 AUROC of K = 16 or above it on all eight, at a quarter of the cost.
    public var importanceSamples: Int = 4
    /// VAE: the weight `beta` of the KL term in the training loss.
    public var beta: Double = 1
    /// Sparse AE: the target mean activation `rho` of each code unit, in (0, 1).
    public var sparsityTarget: Double = 0.05
    /// Sparse AE: the weight `beta` of the penalty `beta * sum_j KL(rho || rho_hat_j)`.
    public var sparsityWeight: Double = 0.1
    /// Denoising AE: how the training input is corrupted.
    public var corruption: CorruptionKind = .gaussian
    /// Denoising AE: the noise standard deviation (standardized units) or the masking probability.
    public var corruptionLevel: Double = 0.2
    /// PCA: the number of components kept (`nil` = by `pcaVarianceFraction`).
    public var pcaComponents: Int? = nil
    /// PCA: the fraction of the standardized variance the kept components explain.
    public var pcaVarianceFraction: Double = 0.95
    /// Contrastive (NeuTraL-AD): the number of learned transformations `K`.
    public var contrastiveTransformations: Int = 11
    /// Contrastive (NeuTraL-AD): residual (the default) or mask transformations.
    public var learnedTransformation: LearnedTransformation = .residual
    /// Contrastive (NeuTraL-AD): the temperature `τ` of the deterministic contrastive loss.
    public var temperature: Double = 0.1
    /// Triplet (GOAD): the number of random affine transformations `M`.
    public var affineTransformations: Int = 32
    /// Triplet (GOAD): the width `r` of each transformed view.
    public var affineDimensions: Int = 32
    /// Triplet (GOAD): the margin `s` of the triplet-center loss, in squared embedding units.
    public var margin: Double = 1
    /// Triplet (GOAD): the weight `λ` of the triplet-center loss beside the cross-entropy.
    public var tripletCenterWeight: Double = 0.1
    /// Triplet (GOAD): the optimizer steps GOAD trains for, rounded up to whole epochs and capped by `epochs`
    /// (`minimumSteps` does not apply). GOAD trains briefly by design (its authors use 1-25 epochs): longer
    /// training teaches the network to classify the transformations of anything, anomalies included, and
    /// AUROC falls (thyroid 0.97 at 27 steps, 0.67 at 550; cardio 0.95 at 62, 0.78 at 500; docs/QUALITY.md).
    public var tripletTrainingSteps: Int = 64

    /// The defaults.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case hiddenDimensions, latentDimensions, activation, epochs, minimumSteps, batchSize, learningRate
        case validationFraction, patience, seed, maxGradientNorm, importanceSamples, beta
        case sparsityTarget, sparsityWeight, corruption, corruptionLevel, pcaComponents, pcaVarianceFraction
        case contrastiveTransformations, learnedTransformation, temperature, affineTransformations, affineDimensions
        case margin, tripletCenterWeight, tripletTrainingSteps
    }

    /// Decodes options; a missing key takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DetectorOptions()
        hiddenDimensions = try c.decodeIfPresent([Int].self, forKey: .hiddenDimensions) ?? d.hiddenDimensions
        latentDimensions = try c.decodeIfPresent(Int.self, forKey: .latentDimensions) ?? d.latentDimensions
        activation = try c.decodeIfPresent(ActivationKind.self, forKey: .activation) ?? d.activation
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        minimumSteps = try c.decodeIfPresent(Int.self, forKey: .minimumSteps) ?? d.minimumSteps
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction) ?? d.validationFraction
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? d.patience
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        maxGradientNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradientNorm) ?? d.maxGradientNorm
        importanceSamples = try c.decodeIfPresent(Int.self, forKey: .importanceSamples) ?? d.importanceSamples
        beta = try c.decodeIfPresent(Double.self, forKey: .beta) ?? d.beta
        sparsityTarget = try c.decodeIfPresent(Double.self, forKey: .sparsityTarget) ?? d.sparsityTarget
        sparsityWeight = try c.decodeIfPresent(Double.self, forKey: .sparsityWeight) ?? d.sparsityWeight
        corruption = try c.decodeIfPresent(CorruptionKind.self, forKey: .corruption) ?? d.corruption
        corruptionLevel = try c.decodeIfPresent(Double.self, forKey: .corruptionLevel) ?? d.corruptionLevel
        pcaComponents = try c.decodeIfPresent(Int.self, forKey: .pcaComponents) ?? d.pcaComponents
        pcaVarianceFraction = try c.decodeIfPresent(Double.self, forKey: .pcaVarianceFraction) ?? d.pcaVarianceFraction
        contrastiveTransformations = try c.decodeIfPresent(Int.self, forKey: .contrastiveTransformations) ?? d.contrastiveTransformations
        learnedTransformation = try c.decodeIfPresent(LearnedTransformation.self, forKey: .learnedTransformation) ?? d.learnedTransformation
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? d.temperature
        affineTransformations = try c.decodeIfPresent(Int.self, forKey: .affineTransformations) ?? d.affineTransformations
        affineDimensions = try c.decodeIfPresent(Int.self, forKey: .affineDimensions) ?? d.affineDimensions
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? d.margin
        tripletCenterWeight = try c.decodeIfPresent(Double.self, forKey: .tripletCenterWeight) ?? d.tripletCenterWeight
        tripletTrainingSteps = try c.decodeIfPresent(Int.self, forKey: .tripletTrainingSteps) ?? d.tripletTrainingSteps
    }

    /// The code width a model of `featureCount` inputs uses.
    ///
    /// Autoencoders: `min(latentDimensions, max(1, D - 1))`, an undercomplete code. The VAE:
    /// `min(latentDimensions, max(1, D / 2))`, a tighter bottleneck, because its learned decoder variance
    /// pays up to `0.5 log(1 / minimumVariance)` nats per well-reconstructed feature, which makes
    /// encoding every input direction worth its KL cost when the code is nearly as wide as the input
    /// (then off-manifold vectors are reconstructed too and stop standing out).
    public func effectiveLatentDimensions(featureCount: Int, kind: DetectorKind) -> Int {
        switch kind {
        case .variationalAutoencoder: min(latentDimensions, max(1, featureCount / 2))
        default: min(latentDimensions, max(1, featureCount - 1))
        }
    }

    /// Checks every option's range.
    /// - Throws: `DetectorError.invalidOption` naming the first bad option.
    public func validate() throws {
        func bad(_ name: String, _ value: Any, _ reason: String) -> DetectorError {
            .invalidOption(name: name, value: "\(value)", reason: reason)
        }
        guard !hiddenDimensions.isEmpty, hiddenDimensions.allSatisfy({ $0 > 0 }) else {
            throw bad("hiddenDimensions", hiddenDimensions, "needs at least one positive width")
        }
        guard latentDimensions > 0 else { throw bad("latentDimensions", latentDimensions, "must be positive") }
        guard epochs > 0 else { throw bad("epochs", epochs, "must be positive") }
        guard minimumSteps >= 0 else { throw bad("minimumSteps", minimumSteps, "must be non-negative") }
        guard batchSize > 0 else { throw bad("batchSize", batchSize, "must be positive") }
        guard learningRate > 0, learningRate.isFinite else { throw bad("learningRate", learningRate, "must be positive") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw bad("validationFraction", validationFraction, "must be in [0, 1)")
        }
        guard patience > 0 else { throw bad("patience", patience, "must be positive") }
        if let norm = maxGradientNorm, !(norm > 0) { throw bad("maxGradientNorm", norm, "must be positive") }
        guard importanceSamples > 0 else { throw bad("importanceSamples", importanceSamples, "must be positive") }
        guard beta >= 0, beta.isFinite else { throw bad("beta", beta, "must be non-negative") }
        guard sparsityTarget > 0, sparsityTarget < 1 else { throw bad("sparsityTarget", sparsityTarget, "must be in (0, 1)") }
        guard sparsityWeight >= 0, sparsityWeight.isFinite else { throw bad("sparsityWeight", sparsityWeight, "must be non-negative") }
        switch corruption {
        case .gaussian:
            guard corruptionLevel >= 0, corruptionLevel.isFinite else { throw bad("corruptionLevel", corruptionLevel, "must be non-negative") }
        case .masking:
            guard corruptionLevel >= 0, corruptionLevel < 1 else { throw bad("corruptionLevel", corruptionLevel, "must be in [0, 1)") }
        }
        if let k = pcaComponents, k <= 0 { throw bad("pcaComponents", k, "must be positive") }
        guard pcaVarianceFraction > 0, pcaVarianceFraction <= 1 else {
            throw bad("pcaVarianceFraction", pcaVarianceFraction, "must be in (0, 1]")
        }
        guard contrastiveTransformations >= 2 else {
            throw bad("contrastiveTransformations", contrastiveTransformations, "needs at least 2 transformations")
        }
        guard temperature > 0, temperature.isFinite else { throw bad("temperature", temperature, "must be positive") }
        guard affineTransformations >= 2 else { throw bad("affineTransformations", affineTransformations, "needs at least 2 transformations") }
        guard affineDimensions > 0 else { throw bad("affineDimensions", affineDimensions, "must be positive") }
        guard margin >= 0, margin.isFinite else { throw bad("margin", margin, "must be non-negative") }
        guard tripletCenterWeight >= 0, tripletCenterWeight.isFinite else {
            throw bad("tripletCenterWeight", tripletCenterWeight, "must be non-negative")
        }
        guard tripletTrainingSteps > 0 else { throw bad("tripletTrainingSteps", tripletTrainingSteps, "must be positive") }
    }
}
