import Foundation
import Tensor

/// How a NeuTraL-AD transformation `T_k` changes its input `z`, `[batch, features]` -> `[batch, features]`.
public enum LearnedTransformation: String, Sendable, Codable, CaseIterable {
    /// `T_k(z) = sigmoid(M_k(z)) ⊙ z`: a feature-wise multiplicative mask (the paper, section 3.1).
    case mask
    /// `T_k(z) = M_k(z) + z`: a residual transformation, what the authors' tabular configurations and DeepOD
    /// use; the default (mean AUROC over cardio, thyroid, satimage-2: 0.854 against the mask's 0.842).
    case residual
}

/// NeuTraL-AD, the `contrastive` detector: `anomalyScore` = the deterministic contrastive loss (DCL) of the sample.
///
/// K learnable transformations `T_k` (small MLPs `M_k`: `D -> hidden... -> D`, applied as a mask or a
/// residual, `LearnedTransformation`) and a shared encoder `f` (`D -> hidden... -> latentDimensions`) are
/// trained together on normal data to minimize the DCL of `z_0 = f(z)`, `z_k = f(T_k(z))`:
///
///     L(z) = -Σ_{k=1..K} log [ h(z_k, z_0) / (h(z_k, z_0) + Σ_{l≠k} h(z_k, z_l)) ],  h(a, b) = exp(cos(a, b) / τ)
///
/// so each view stays similar to the sample and distinguishable from the other views. On anomalies the
/// learned transformations no longer keep both properties and the loss is high. `z` is the standardized
/// input (`StandardScaler`); scores are in nats, higher is more anomalous. The score is bounded, at most
/// `K (log K + 2/τ)`, and blind to scale: cosine similarity compares directions, and with ReLU networks a
/// huge input's embeddings point where those of a moderate input in the same direction do, so a huge
/// excursion is not guaranteed to score above a small one. Reference: Qiu, Pfrommer, Kloft, Mandt and
/// Rudolph, "Neural Transformation Learning for Deep Anomaly Detection Beyond Images", ICML 2021 (eq. 2-3;
/// the tabular setting of section 4.2).
public struct NeuTraLDetector: AnomalyDetector {
    /// The stored configuration.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The number of input features `D`.
        public var featureCount: Int
        /// The number of learned transformations `K`.
        public var transformationCount: Int
        /// Mask or residual transformations.
        public var transformation: LearnedTransformation
        /// The DCL temperature `τ`.
        public var temperature: Double
        /// The options the model was trained with (hidden widths, embedding width, activation).
        public var options: DetectorOptions
    }

    /// Always `.contrastive`.
    public let kind = DetectorKind.contrastive
    /// The configuration.
    public let configuration: Configuration
    /// The fitted scaler; scoring happens in its standardized space.
    public let scaler: StandardScaler
    /// The K transformation networks `M_k`, `D -> hidden... -> D`, named `transformation.<k>`.
    public let transformations: [DenseStack]
    /// The shared encoder `f`, `D -> hidden... -> latentDimensions`, named `encoder`.
    public let encoder: DenseStack

    /// The number of features `D`.
    public var featureCount: Int { configuration.featureCount }

    /// Creates a detector from fitted parts.
    /// - Precondition: one network per transformation.
    public init(configuration: Configuration, scaler: StandardScaler, transformations: [DenseStack], encoder: DenseStack) {
        precondition(transformations.count == configuration.transformationCount, "NeuTraLDetector: \(transformations.count) transformations vs \(configuration.transformationCount)")
        self.configuration = configuration
        self.scaler = scaler
        self.transformations = transformations
        self.encoder = encoder
    }

    /// An untrained detector (seeded initialization, identity scaler).
    /// - Throws: `DetectorError.invalidOption` for bad options or `featureCount <= 0`.
    public static func initialized(featureCount: Int, options: DetectorOptions) throws -> NeuTraLDetector {
        try options.validate()
        guard featureCount > 0 else { throw DetectorError.invalidOption(name: "featureCount", value: "\(featureCount)", reason: "must be positive") }
        let configuration = Configuration(
            featureCount: featureCount, transformationCount: options.contrastiveTransformations,
            transformation: options.learnedTransformation, temperature: options.temperature, options: options)
        var generator = Xoshiro256StarStar(seed: options.seed)
        let hidden = options.hiddenDimensions
        let hiddenActivations = Array(repeating: options.activation, count: hidden.count)
        let last: ActivationKind = options.learnedTransformation == .mask ? .sigmoid : .identity
        let transformations = (0..<options.contrastiveTransformations).map { k in
            DenseStack.initialized(
                name: "transformation.\(k)", sizes: [featureCount] + hidden + [featureCount],
                activations: hiddenActivations + [last], using: &generator)
        }
        let encoder = DenseStack.initialized(
            name: "encoder", sizes: [featureCount] + hidden + [options.latentDimensions],
            activations: hiddenActivations + [.identity], using: &generator)
        let scaler = StandardScaler(
            mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount),
            degenerate: Array(repeating: false, count: featureCount))
        return NeuTraLDetector(configuration: configuration, scaler: scaler, transformations: transformations, encoder: encoder)
    }

    /// The K + 1 views `[z, T_1(z), ..., T_K(z)]` of standardized rows, `[batch, features]` ->
    /// `[batch · (K + 1), features]`, row `b · (K + 1) + k` the view k of sample b.
    func views(standardized z: Tensor) -> Tensor {
        let outputs = transformations.map { network -> Tensor in
            let m = network(z)
            return configuration.transformation == .mask ? m * z : m + z
        }
        return Tensor(concatenatingFeatures: [z] + outputs).reshaped([z.shape[0] * (transformations.count + 1), featureCount])
    }

    /// The DCL of each standardized row, `[batch, features]` -> `[batch]`, in nats.
    func contrastiveLoss(standardized z: Tensor) -> [Float] {
        let n = z.shape[0]
        guard n > 0 else { return [] }
        let embeddings = encoder(views(standardized: z))
        return SelfSupervisedKernels.dcl(
            embeddings.scalars, batch: n, views: transformations.count + 1, width: encoder.sizes.last ?? 1,
            temperature: Float(configuration.temperature)).losses
    }

    /// The DCL of each row of `batch` (`[samples, features]` -> `[samples]`), in nats; higher is more anomalous.
    /// - Precondition: `batch` is `[samples, featureCount]`.
    public func anomalyScores(_ batch: Tensor) -> [Float] {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "NeuTraLDetector: batch \(batch.shape) vs [samples, \(featureCount)]")
        var scores: [Float] = []
        scores.reserveCapacity(batch.shape[0])
        // Chunks bound the (K + 1)-fold view tensor on large batches.
        let chunk = 1024
        var start = 0
        while start < batch.shape[0] {
            let end = min(start + chunk, batch.shape[0])
            scores += contrastiveLoss(standardized: scaler.transform(batch.gatheringRows(start..<end)))
            start = end
        }
        return scores
    }

    /// Each feature's share of the score by gradient × input: `|∂L/∂z_f · z_f|` normalized to sum to 1 per
    /// row, `[samples, features]`, with `z` the standardized input (its deviation from the training mean).
    /// The DCL is not a sum over features, so shares rather than parts of the score; a row whose
    /// attributions are all 0 gets equal shares. One backward pass per call: only for alerting rows.
    public func featureContributions(_ batch: Tensor) -> Tensor {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "NeuTraLDetector: batch \(batch.shape) vs [samples, \(featureCount)]")
        let z = scaler.transform(batch)
        let n = z.shape[0], d = featureCount, k = transformations.count
        guard n > 0 else { return Tensor.zeros([0, d]) }
        let input = Variable(z, requiresGradient: true)
        let outputs = transformations.map { network -> Variable in
            let m = network(input)
            return configuration.transformation == .mask ? m * input : m + input
        }
        let embeddings = encoder(Variable.concatenatingFeatures([input] + outputs).reshaped([n * (k + 1), d]))
        let width = encoder.sizes.last ?? 1
        deterministicContrastiveLoss(embeddings.reshaped([n, k + 1, width]), temperature: Float(configuration.temperature))
            .sum().backward()
        return GradientAttribution.shares(gradient: input.gradient ?? Tensor.zeros(z.shape), input: z)
    }

    /// The stored form: configuration and scaler as JSON, the networks in the engine's checkpoint format.
    /// - Throws: when the configuration cannot be encoded.
    public func saved() throws -> SavedDetector {
        try SavedDetector(
            kind: kind, configuration: configuration, scaler: scaler,
            parameters: transformations.flatMap(\.namedTensors) + encoder.namedTensors)
    }

    /// Restores a detector saved by `saved()`.
    /// - Throws: `DetectorError.corruptModel` when a part cannot be decoded or shapes disagree.
    public static func load(_ saved: SavedDetector) throws -> NeuTraLDetector {
        let (configuration, scaler, byName) = try saved.unpacked(Configuration.self)
        let template: NeuTraLDetector
        do {
            template = try initialized(featureCount: configuration.featureCount, options: configuration.options)
        } catch {
            throw DetectorError.corruptModel("contrastive: \(error)")
        }
        guard scaler.featureCount == configuration.featureCount, template.configuration == configuration else {
            throw DetectorError.corruptModel("contrastive: scaler or configuration do not match the options")
        }
        return NeuTraLDetector(
            configuration: configuration, scaler: scaler,
            transformations: try template.transformations.map { try $0.loading(byName) },
            encoder: try template.encoder.loading(byName))
    }
}
