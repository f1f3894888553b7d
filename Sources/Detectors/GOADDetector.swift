import Foundation
import Tensor

/// GOAD, the `triplet` detector: classification of random affine transformations with a triplet-center loss.
///
/// M random affine transformations `T_m(z) = z · W_m` (`W_m` `[features, transformationDimensions]`, entries
/// N(0, 1), drawn from the seed at fit time and saved with the model) map each standardized sample `z` to M
/// views; a shared network `f` (`r -> hidden... -> latentDimensions`) embeds each view. Training pulls each
/// embedding toward its transformation's center `c_m` and at least a margin `s` closer to it than to the
/// nearest other center (triplet-center loss), plus a linear head's cross-entropy of which transformation
/// was applied. The score is the negative log-probability of the correct transformation given the
/// distances to the centers, summed over transformations:
///
///     P(m | T_m(z)) = exp(-‖f(T_m z) - c_m‖²) / Σ_m' exp(-‖f(T_m z) - c_m'‖²)
///     anomalyScore(z) = -Σ_m log P(m | T_m(z))                                   (nats)
///
/// with `c_m` the mean embedding of transformation m over the training split. Normal data, whose
/// transformations the network learned to tell apart, scores low; higher is more anomalous. Reference:
/// Bergman and Hoshen, "Classification-Based Anomaly Detection for General Data", ICLR 2020 (eq. 4-7).
public struct GOADDetector: AnomalyDetector {
    /// The stored configuration.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The number of input features `D`.
        public var featureCount: Int
        /// The number of random affine transformations `M`.
        public var transformationCount: Int
        /// The width `r` of each transformed view.
        public var transformationDimensions: Int
        /// The options the model was trained with (hidden widths, embedding width, margin, weights).
        public var options: DetectorOptions
    }

    /// Always `.triplet`.
    public let kind = DetectorKind.triplet
    /// The configuration.
    public let configuration: Configuration
    /// The fitted scaler; scoring happens in its standardized space.
    public let scaler: StandardScaler
    /// All M transformation matrices side by side, `[features, M · r]`: columns `m·r ..< (m+1)·r` are `W_m`.
    public let transformations: Tensor
    /// The shared network `f`, `r -> hidden... -> latentDimensions`, named `network`.
    public let network: DenseStack
    /// The classification head `latentDimensions -> M` used in training only, named `head`.
    public let head: DenseStack
    /// The transformation centers `c_m`, `[M, latentDimensions]`.
    public let centers: Tensor

    /// The number of features `D`.
    public var featureCount: Int { configuration.featureCount }

    /// Creates a detector from fitted parts.
    /// - Precondition: shapes agree with the configuration.
    public init(configuration: Configuration, scaler: StandardScaler, transformations: Tensor, network: DenseStack, head: DenseStack, centers: Tensor) {
        let m = configuration.transformationCount, r = configuration.transformationDimensions
        precondition(transformations.shape == [configuration.featureCount, m * r], "GOADDetector: transformations \(transformations.shape) vs [\(configuration.featureCount), \(m * r)]")
        precondition(centers.shape == [m, network.sizes.last ?? 0], "GOADDetector: centers \(centers.shape) vs [\(m), \(network.sizes.last ?? 0)]")
        self.configuration = configuration
        self.scaler = scaler
        self.transformations = transformations
        self.network = network
        self.head = head
        self.centers = centers
    }

    /// An untrained detector: the seed's transformations and network, zero centers, identity scaler.
    /// - Throws: `DetectorError.invalidOption` for bad options or `featureCount <= 0`.
    public static func initialized(featureCount: Int, options: DetectorOptions) throws -> GOADDetector {
        try options.validate()
        guard featureCount > 0 else { throw DetectorError.invalidOption(name: "featureCount", value: "\(featureCount)", reason: "must be positive") }
        let m = options.affineTransformations, r = options.affineDimensions
        let configuration = Configuration(featureCount: featureCount, transformationCount: m, transformationDimensions: r, options: options)
        var generator = Xoshiro256StarStar(seed: options.seed)
        let transformations = Tensor.randomNormal([featureCount, m * r], using: &generator)
        let hidden = options.hiddenDimensions
        let network = DenseStack.initialized(
            name: "network", sizes: [r] + hidden + [options.latentDimensions],
            activations: Array(repeating: options.activation, count: hidden.count) + [.identity], using: &generator)
        let head = DenseStack.initialized(name: "head", sizes: [options.latentDimensions, m], activations: [.identity], using: &generator)
        let scaler = StandardScaler(
            mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount),
            degenerate: Array(repeating: false, count: featureCount))
        return GOADDetector(
            configuration: configuration, scaler: scaler, transformations: transformations, network: network, head: head,
            centers: Tensor.zeros([m, options.latentDimensions]))
    }

    /// The embeddings `f(T_m z)` of standardized rows, `[batch, features]` -> `[batch · M, latent]`, row
    /// `b · M + m` the view m of sample b.
    func embeddings(standardized z: Tensor) -> Tensor {
        let views = Tensor.matmul(z, transformations).reshaped([z.shape[0] * configuration.transformationCount, configuration.transformationDimensions])
        return network(views)
    }

    /// `-Σ_m log P(m | T_m z)` of each standardized row, `[batch, features]` -> `[batch]`, in nats.
    func negativeLogLikelihood(standardized z: Tensor, centers: Tensor) -> [Float] {
        let n = z.shape[0], m = configuration.transformationCount
        guard n > 0 else { return [] }
        let e = embeddings(standardized: z)
        let width = centers.shape[1]
        var distances = [Float](repeating: 0, count: m)
        var scores = [Float](repeating: 0, count: n)
        e.scalars.withUnsafeBufferPointer { e in
            centers.scalars.withUnsafeBufferPointer { c in
                for b in 0..<n {
                    var total: Float = 0
                    for view in 0..<m {
                        let row = (b * m + view) * width
                        for center in 0..<m {
                            var squared: Float = 0
                            for j in 0..<width {
                                let diff = e[row + j] - c[center * width + j]
                                squared += diff * diff
                            }
                            distances[center] = -squared
                        }
                        total += SelfSupervisedKernels.logSumExp(distances[...]) - distances[view]
                    }
                    scores[b] = total
                }
            }
        }
        return scores
    }

    /// The score of each row of `batch` (`[samples, features]` -> `[samples]`), in nats; higher is more anomalous.
    /// - Precondition: `batch` is `[samples, featureCount]`.
    public func anomalyScores(_ batch: Tensor) -> [Float] {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "GOADDetector: batch \(batch.shape) vs [samples, \(featureCount)]")
        var scores: [Float] = []
        scores.reserveCapacity(batch.shape[0])
        let chunk = 512  // bounds the M-fold view tensor on large batches
        var start = 0
        while start < batch.shape[0] {
            let end = min(start + chunk, batch.shape[0])
            scores += negativeLogLikelihood(standardized: scaler.transform(batch.gatheringRows(start..<end)), centers: centers)
            start = end
        }
        return scores
    }

    /// Each feature's share of the score by gradient × input: `|∂score/∂z_f · z_f|` normalized to sum to 1
    /// per row, `[samples, features]`, `z` the standardized input. Shares, not parts of the score: the score
    /// is not a sum over features. One backward pass per call: only for alerting rows.
    public func featureContributions(_ batch: Tensor) -> Tensor {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "GOADDetector: batch \(batch.shape) vs [samples, \(featureCount)]")
        let z = scaler.transform(batch)
        let n = z.shape[0], m = configuration.transformationCount
        guard n > 0 else { return Tensor.zeros([0, featureCount]) }
        let input = Variable(z, requiresGradient: true)
        let views = Variable.matmul(input, Variable(transformations)).reshaped([n * m, configuration.transformationDimensions])
        let e = network(views)
        // -‖e - c‖² = 2 e·c - ‖e‖² - ‖c‖²; the ‖e‖² term is the same for every class and cancels in the softmax.
        let centerNorms = Tensor(SelfSupervisedKernels.rowNorms(centers).map { -$0 * $0 })
        let logits = 2 * Variable.matmul(e, Variable(centers.transposed())) + Variable(centerNorms)
        softmaxCrossEntropy(logits: logits, labels: (0..<(n * m)).map { $0 % m }).backward()
        return GradientAttribution.shares(gradient: input.gradient ?? Tensor.zeros(z.shape), input: z)
    }

    /// The stored form: configuration and scaler as JSON; the transformations, networks and centers in the
    /// engine's checkpoint format.
    /// - Throws: when the configuration cannot be encoded.
    public func saved() throws -> SavedDetector {
        try SavedDetector(
            kind: kind, configuration: configuration, scaler: scaler,
            parameters: [("transformations", transformations)] + network.namedTensors + head.namedTensors + [("centers", centers)])
    }

    /// Restores a detector saved by `saved()`.
    /// - Throws: `DetectorError.corruptModel` when a part cannot be decoded or shapes disagree.
    public static func load(_ saved: SavedDetector) throws -> GOADDetector {
        let (configuration, scaler, byName) = try saved.unpacked(Configuration.self)
        let template: GOADDetector
        do {
            template = try initialized(featureCount: configuration.featureCount, options: configuration.options)
        } catch {
            throw DetectorError.corruptModel("triplet: \(error)")
        }
        guard scaler.featureCount == configuration.featureCount, template.configuration == configuration else {
            throw DetectorError.corruptModel("triplet: scaler or configuration do not match the options")
        }
        guard let transformations = byName["transformations"], transformations.shape == template.transformations.shape,
              let centers = byName["centers"], centers.shape == template.centers.shape
        else { throw DetectorError.corruptModel("triplet: missing or misshaped transformations or centers") }
        return GOADDetector(
            configuration: configuration, scaler: scaler, transformations: transformations,
            network: try template.network.loading(byName), head: try template.head.loading(byName), centers: centers)
    }
}
