import Foundation
import Tensor

/// A variational autoencoder with a Gaussian decoder; `anomalyScore = -log p(x)` in nats, estimated by
/// importance sampling with `K` samples (Burda et al., ICLR 2016).
///
/// Encoder `z_std -> hidden... -> (mean, logVariance)`, each `[batch, latentDimensions]`; the posterior
/// `q(h|x) = N(mean, exp(logVariance))`; prior `N(0, I)`; decoder `h -> hidden reversed... -> D` gives
/// the mean of `p(x|h) = N(decoder(h), diag(v))` in standardized space, with a learned per-feature
/// variance `v_f = minimumVariance + softplus(r_f)` (`minimumVariance = 0.01`, a standard deviation of at
/// least 0.1 training deviations, so a perfectly predictable feature cannot gain unbounded weight);
/// a feature that was constant in training (`StandardScaler.degenerate`) keeps `v_f = 1`. Trained on
/// `-ELBO = 0.5 sum_f [(x_f - x^_f)^2 / v_f + log v_f + log 2 pi] + beta * KL(q || p)` with
/// `h = mean + exp(logVariance / 2) * eps` (Kingma and Welling, ICLR 2014). A learned variance lets the
/// likelihood resolve structure finer than one standard deviation (unit variance cannot: standardized
/// clusters are never more than a few units apart).
///
/// Scoring: `-log p(x) ~ -(logsumexp_k log w_k - log K)`, `log w_k = log p(x|h_k) + log p(h_k) -
/// log q(h_k|x)`, with a fixed matrix of `K` noise vectors drawn once from `scoringSeed`, shared by every
/// row, so a vector's score does not depend on its batch or on time. The posterior log-variance is
/// bounded smoothly, `logVariance = 6 tanh(raw / 6)` (posterior deviations between 0.05 and 20), in
/// training and scoring alike, so heavy-tailed inputs cannot overflow `exp(logVariance)`.
public struct VariationalAutoencoder: AnomalyDetector {
    /// The stored configuration of a VAE.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The number of input features `D`.
        public var featureCount: Int
        /// The hidden layer widths of the encoder (the decoder mirrors them).
        public var hiddenDimensions: [Int]
        /// The code width actually used (`DetectorOptions.effectiveLatentDimensions`).
        public var latentDimensions: Int
        /// The hidden layers' nonlinearity.
        public var activation: ActivationKind
        /// `K`, the importance samples of the score.
        public var importanceSamples: Int
        /// The seed of the fixed scoring noise.
        public var scoringSeed: UInt64
        /// The options the model was trained with.
        public var options: DetectorOptions
    }

    /// Always `.variationalAutoencoder`.
    public let kind = DetectorKind.variationalAutoencoder
    /// The architecture, scoring and training options.
    public let configuration: Configuration
    /// The fitted scaler; the likelihood is that of the standardized vector.
    public let scaler: StandardScaler
    /// `D -> hidden...` with `activation` after every layer.
    public let encoder: DenseStack
    /// `hidden.last -> latentDimensions`, linear: the posterior mean.
    public let meanHead: DenseStack
    /// `hidden.last -> latentDimensions`, linear: the posterior log-variance.
    public let logVarianceHead: DenseStack
    /// `latentDimensions -> hidden reversed... -> D`, linear output: the decoder mean.
    public let decoder: DenseStack
    /// The raw decoder variance parameters `r`, `[features]`: `v_f = minimumVariance + softplus(r_f)`.
    public let rawDecoderVariance: Tensor
    /// The scoring noise `eps`, `[importanceSamples, latentDimensions]`.
    public let scoringNoise: Tensor

    /// The floor of the decoder variance, in squared standardized units.
    public static let minimumVariance: Float = 0.01

    /// The number of features `D` of the vectors this detector scores.
    public var featureCount: Int { configuration.featureCount }
    var latentDimensions: Int { configuration.latentDimensions }

    static let logTwoPi = log(2 * Double.pi)

    /// Creates a detector from fitted parts; draws the scoring noise from `configuration.scoringSeed`.
    public init(
        configuration: Configuration, scaler: StandardScaler, encoder: DenseStack, meanHead: DenseStack,
        logVarianceHead: DenseStack, decoder: DenseStack, rawDecoderVariance: Tensor
    ) {
        precondition(
            rawDecoderVariance.shape == [configuration.featureCount],
            "VAE: decoder variance \(rawDecoderVariance.shape) vs [\(configuration.featureCount)]")
        self.configuration = configuration
        self.rawDecoderVariance = rawDecoderVariance
        self.scaler = scaler
        self.encoder = encoder
        self.meanHead = meanHead
        self.logVarianceHead = logVarianceHead
        self.decoder = decoder
        var generator = Xoshiro256StarStar(seed: configuration.scoringSeed)
        scoringNoise = .randomNormal([configuration.importanceSamples, configuration.latentDimensions], using: &generator)
    }

    /// An untrained VAE (seeded initialization, identity scaler).
    /// - Throws: `DetectorError.invalidOption` for bad options.
    public static func initialized(featureCount: Int, options: DetectorOptions) throws -> VariationalAutoencoder {
        try options.validate()
        guard featureCount > 0 else { throw DetectorError.invalidOption(name: "featureCount", value: "\(featureCount)", reason: "must be positive") }
        let hidden = options.hiddenDimensions
        let latent = options.effectiveLatentDimensions(featureCount: featureCount, kind: .variationalAutoencoder)
        var generator = Xoshiro256StarStar(seed: options.seed)
        let encoder = DenseStack.initialized(
            name: "encoder", sizes: [featureCount] + hidden, activations: Array(repeating: options.activation, count: hidden.count), using: &generator)
        let last = hidden[hidden.count - 1]
        let meanHead = DenseStack.initialized(name: "mean", sizes: [last, latent], activations: [.identity], using: &generator)
        let logVarianceHead = DenseStack.initialized(name: "logVariance", sizes: [last, latent], activations: [.identity], using: &generator)
        let decoder = DenseStack.initialized(
            name: "decoder", sizes: [latent] + hidden.reversed() + [featureCount],
            activations: Array(repeating: options.activation, count: hidden.count) + [.identity], using: &generator)
        let configuration = Configuration(
            featureCount: featureCount, hiddenDimensions: hidden, latentDimensions: latent, activation: options.activation,
            importanceSamples: options.importanceSamples, scoringSeed: options.seed ^ 0x5C0E_5EED, options: options)
        let scaler = StandardScaler(
            mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount),
            degenerate: Array(repeating: false, count: featureCount))
        return VariationalAutoencoder(
            configuration: configuration, scaler: scaler, encoder: encoder, meanHead: meanHead,
            logVarianceHead: logVarianceHead, decoder: decoder,
            rawDecoderVariance: Tensor(repeating: initialRawVariance, shape: [featureCount]))
    }

    /// `r` with `minimumVariance + softplus(r) = 1`.
    static let initialRawVariance = Float(log(exp(1 - Double(minimumVariance)) - 1))

    /// The decoder log-variance `log v_f` of each feature, `[features]` (0 for degenerate features).
    public var decoderLogVariance: [Float] {
        rawDecoderVariance.softplus().scalars.enumerated().map { f, s in
            scaler.degenerate[f] ? 0 : Foundation.log(Self.minimumVariance + s)
        }
    }

    /// The bound `b` of the posterior log-variance, `logVariance = b tanh(raw / b)`.
    public static let logVarianceBound: Float = 6

    /// The posterior parameters of standardized input, each `[samples, latentDimensions]`.
    public func encode(standardized z: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let hidden = encoder(z)
        let bound = Self.logVarianceBound
        return (meanHead(hidden), (logVarianceHead(hidden) / bound).tanh() * bound)
    }

    /// Per-row importance-sampling terms for `rows` of standardized input.
    /// Returns per row: `-log p(x)` (IWAE, K samples), the negative ELBO averaged over the K samples,
    /// and, when `contributions` is true, the per-feature squared errors weighted by the normalized
    /// importance weights `[samples, features]` (empty otherwise).
    ///
    /// `exp(logVariance / 2)` is taken once per row and latent dimension and the noise norms once per
    /// sample; squared errors and latent norms accumulate in `Float` over one vector, the weights and
    /// the log-sum-exp in `Double`.
    func evaluate(
        standardized z: Tensor, samples k: Int? = nil, contributions: Bool = false
    ) -> (nll: [Double], negativeELBO: [Double], weightedErrors: [Float]) {
        let n = z.shape[0], d = featureCount, l = latentDimensions
        let kk = min(k ?? configuration.importanceSamples, configuration.importanceSamples)
        let posterior = encode(standardized: z)
        let mean = posterior.mean.scalars
        let logVariance = posterior.logVariance.scalars
        let eps = scoringNoise.scalars
        let standardDeviation = logVariance.map { Foundation.exp(0.5 * $0) }
        // h[k, r, :] = mean[r] + exp(logVariance[r] / 2) * eps[k]; rows k-major. Written once,
        // through pointers (no zero fill, no bounds checks in the innermost loop).
        let h = [Float](unsafeUninitializedCapacity: kk * n * l) { h, initialized in
            mean.withUnsafeBufferPointer { mean in
                standardDeviation.withUnsafeBufferPointer { sd in
                    eps.withUnsafeBufferPointer { eps in
                        guard let h = h.baseAddress, let mean = mean.baseAddress, let sd = sd.baseAddress,
                            let eps = eps.baseAddress
                        else { return }
                        for sample in 0..<kk {
                            let noise = eps + sample &* l
                            for r in 0..<n {
                                let out = h + (sample &* n &+ r) &* l
                                let m = mean + r &* l, s = sd + r &* l
                                for j in 0..<l { out[j] = m[j] + s[j] * noise[j] }
                            }
                        }
                    }
                }
            }
            initialized = kk * n * l
        }
        let decoded = decoder(Tensor(shape: [kk * n, l], scalars: h)).scalars
        var nll = [Double](repeating: 0, count: n)
        var negativeELBO = [Double](repeating: 0, count: n)
        var weighted = [Float](repeating: 0, count: contributions ? n * d : 0)
        var logWeights = [Double](repeating: 0, count: kk)
        var errors = [Float](repeating: 0, count: contributions ? kk * d : 0)
        let decoderLogVariance = self.decoderLogVariance.map(Double.init)
        let precision = decoderLogVariance.map { Float(exp(-$0)) }
        let constantX = 0.5 * (Double(d) * Self.logTwoPi + decoderLogVariance.reduce(0, +))
        // log q(h|x) = -0.5 |eps|^2 - 0.5 sum logVariance (the (l/2) log 2 pi terms cancel with log p(h)).
        // |h|^2 as the weighted distance from the origin with unit weights (the same eight-lane sum).
        let zeros = [Float](repeating: 0, count: l), ones = [Float](repeating: 1, count: l)
        let epsSquared = (0..<kk).map { sample in
            (0..<l).reduce(0.0) { $0 + Double(eps[sample * l + $1]) * Double(eps[sample * l + $1]) }
        }
        z.scalars.withUnsafeBufferPointer { x in
            decoded.withUnsafeBufferPointer { decoded in
              precision.withUnsafeBufferPointer { precisionBuffer in
                let precisionPointer = precisionBuffer.baseAddress!
                for r in 0..<n {
                    var sumLogVariance = 0.0
                    for j in 0..<l { sumLogVariance += Double(logVariance[r * l + j]) }
                    var reconstruction = 0.0
                    for sample in 0..<kk {
                        let base = (sample * n + r) * d
                        var squared: Float = 0
                        if contributions {
                            for f in 0..<d {
                                let diff = x[r * d + f] - decoded[base + f]
                                let e = diff * diff * precision[f]
                                errors[sample * d + f] = e
                                squared += e
                            }
                        } else {
                            squared = Self.weightedSquaredDistance(
                                x.baseAddress! + r * d, decoded.baseAddress! + base, precisionPointer, count: d)
                        }
                        let logPxGivenH = -0.5 * Double(squared) - constantX
                        let hSquared = h.withUnsafeBufferPointer { h -> Float in
                            guard let row = h.baseAddress else { return 0 }
                            let p = row + (sample * n + r) * l
                            return Self.weightedSquaredDistance(p, zeros, ones, count: l)
                        }
                        let logPrior = -0.5 * Double(hSquared)
                        let logPosterior = -0.5 * epsSquared[sample] - 0.5 * sumLogVariance
                        logWeights[sample] = logPxGivenH + logPrior - logPosterior
                        reconstruction -= logWeights[sample]
                    }
                    let top = logWeights.prefix(kk).max() ?? 0
                    var total = 0.0
                    for sample in 0..<kk { total += exp(logWeights[sample] - top) }
                    nll[r] = -(top + log(total) - log(Double(kk)))
                    negativeELBO[r] = reconstruction / Double(kk)
                    if contributions {
                        for sample in 0..<kk {
                            let w = Float(exp(logWeights[sample] - top) / total)
                            for f in 0..<d { weighted[r * d + f] += w * errors[sample * d + f] }
                        }
                    }
                }
              }
            }
        }
        return (nll, negativeELBO, weighted)
    }

    /// `Σ_f (x_f - y_f)^2 w_f` over `count` features, eight lanes at a time (the one loop of
    /// the score that runs per sample, row and feature).
    @inline(__always)
    static func weightedSquaredDistance(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ w: UnsafePointer<Float>, count: Int
    ) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var f = 0
        while f + 8 <= count {
            let a = UnsafeRawPointer(x + f).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(y + f).loadUnaligned(as: SIMD8<Float>.self)
            let c = UnsafeRawPointer(w + f).loadUnaligned(as: SIMD8<Float>.self)
            let diff = a - b
            lanes += diff * diff * c
            f += 8
        }
        var sum = lanes.sum()
        while f < count {
            let diff = x[f] - y[f]
            sum += diff * diff * w[f]
            f += 1
        }
        return sum
    }

    /// Applies `body` to chunks of at most 512 rows of the standardized batch and concatenates.
    func chunked<T>(_ batch: Tensor, _ body: (Tensor) -> [T]) -> [T] {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "VAE: batch \(batch.shape) vs [samples, \(featureCount)]")
        let z = scaler.transform(batch)
        let n = z.shape[0], d = featureCount
        var out: [T] = []
        out.reserveCapacity(n)
        var start = 0
        while start < n {
            let end = min(n, start + 512)
            body(Tensor(shape: [end - start, d], scalars: Array(z.scalars[(start * d)..<(end * d)]))).forEach { out.append($0) }
            start = end
        }
        return out
    }

    /// `-log p(x)` per row in nats, importance-sampled with `K` samples, `[samples, features]` -> `[samples]`.
    public func anomalyScores(_ batch: Tensor) -> [Float] {
        chunked(batch) { evaluate(standardized: $0).nll.map { Float($0) } }
    }

    /// The importance-sampled `-log p(x)` with the first `k <= importanceSamples` noise vectors (the
    /// bound tightens as `k` grows), in nats.
    public func negativeLogLikelihood(_ batch: Tensor, importanceSamples k: Int) -> [Float] {
        chunked(batch) { evaluate(standardized: $0, samples: k).nll.map { Float($0) } }
    }

    /// The negative ELBO per row in nats, `E_q[-log p(x|h) - log p(h) + log q(h|x)]`, averaged over the
    /// `K` fixed noise vectors; never below `anomalyScores` (Jensen's inequality on the same samples).
    public func negativeELBO(_ batch: Tensor) -> [Float] {
        chunked(batch) { evaluate(standardized: $0).negativeELBO.map { Float($0) } }
    }

    /// The analytic KL per latent dimension averaged over the rows, `0.5 (mean^2 + exp(logVariance) - 1 - logVariance)`,
    /// `[latentDimensions]`, in nats; dimensions near 0 have collapsed to the prior.
    public func klDivergencePerDimension(_ batch: Tensor) -> [Double] {
        latentHealth(batch).klPerDimension
    }

    /// The latent space's use on `batch` (`[samples, features]`, raw units): the KL divergence
    /// per latent dimension and the variance over samples of each posterior mean (Burda et al.,
    /// 2016: a unit with variance above 0.01 is active). Empty `batch`: every value 0.
    public func latentHealth(_ batch: Tensor) -> LatentHealth {
        let posterior = encode(standardized: scaler.transform(batch))
        let n = batch.shape[0], l = latentDimensions
        var kl = [Double](repeating: 0, count: l)
        var sum = [Double](repeating: 0, count: l)
        var sumOfSquares = [Double](repeating: 0, count: l)
        for r in 0..<n {
            for j in 0..<l {
                let m = Double(posterior.mean.scalars[r * l + j]), lv = Double(posterior.logVariance.scalars[r * l + j])
                kl[j] += 0.5 * (m * m + exp(lv) - 1 - lv)
                sum[j] += m
                sumOfSquares[j] += m * m
            }
        }
        let count = Double(max(n, 1))
        let activity = (0..<l).map { j in max(0, sumOfSquares[j] / count - (sum[j] / count) * (sum[j] / count)) }
        return LatentHealth(klPerDimension: kl.map { $0 / count }, activity: activity)
    }

    /// Each feature's share of the importance-weighted squared reconstruction error (divided by the
    /// decoder variance): `[samples, features]`, non-negative, each row summing to 1 (a likelihood in nats
    /// can be negative, so shares rather than parts of the score).
    public func featureContributions(_ batch: Tensor) -> Tensor {
        let d = featureCount
        let rows: [[Float]] = chunked(batch) { z in
            let result = evaluate(standardized: z, contributions: true)
            return (0..<z.shape[0]).map { r in
                let errors = Array(result.weightedErrors[(r * d)..<((r + 1) * d)])
                let total = errors.reduce(0, +)
                return total > 0 && total.isFinite ? errors.map { $0 / total } : Array(repeating: 1 / Float(d), count: d)
            }
        }
        return Tensor(shape: [rows.count, d], scalars: rows.flatMap { $0 })
    }

    /// The stored form: configuration and scaler as JSON, weights (with `likelihood.rawVariance`) in the
    /// engine's checkpoint format. The scoring noise is re-drawn from `scoringSeed` on load.
    /// - Throws: when the configuration cannot be encoded.
    public func saved() throws -> SavedDetector {
        let tensors = encoder.namedTensors + meanHead.namedTensors + logVarianceHead.namedTensors + decoder.namedTensors
            + [(name: "likelihood.rawVariance", tensor: rawDecoderVariance)]
        return try SavedDetector(kind: kind, configuration: configuration, scaler: scaler, parameters: tensors)
    }

    /// Restores a VAE saved by `saved()`.
    /// - Throws: `DetectorError.corruptModel` when a part cannot be decoded or shapes disagree.
    public static func load(_ saved: SavedDetector) throws -> VariationalAutoencoder {
        let (configuration, scaler, byName) = try saved.unpacked(Configuration.self)
        let template: VariationalAutoencoder
        do {
            template = try initialized(featureCount: configuration.featureCount, options: configuration.options)
        } catch {
            throw DetectorError.corruptModel("vae: \(error)")
        }
        guard scaler.featureCount == configuration.featureCount, configuration.importanceSamples > 0 else {
            throw DetectorError.corruptModel("vae: scaler or importance samples do not match the configuration")
        }
        guard let raw = byName["likelihood.rawVariance"], raw.shape == [configuration.featureCount] else {
            throw DetectorError.corruptModel("vae: missing or misshaped likelihood.rawVariance")
        }
        return VariationalAutoencoder(
            configuration: configuration, scaler: scaler, encoder: try template.encoder.loading(byName),
            meanHead: try template.meanHead.loading(byName), logVarianceHead: try template.logVarianceHead.loading(byName),
            decoder: try template.decoder.loading(byName), rawDecoderVariance: raw)
    }
}
