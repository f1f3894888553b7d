import Foundation
import Tensor

/// Principal component analysis as a detector: `anomalyScore = (1/D) ||z - z W W^T||^2`.
///
/// `z` is the standardized input (`StandardScaler`), `W` `[features, components]` the top-k
/// eigenvectors of the covariance of the standardized training data. The score is the mean squared
/// reconstruction error of the projection onto the top-k principal subspace (the same units as the
/// autoencoder's score); contributions are the per-feature squared residuals divided by `D`, so a
/// row sums to its score.
public struct PCADetector: AnomalyDetector {
    /// The stored configuration of a PCA detector.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The number of features `D`.
        public var featureCount: Int
        /// The number of principal components kept, `k`.
        public var components: Int
        /// The variance of the standardized training data along each kept component, largest first.
        public var explainedVariance: [Double]
        /// The fraction of the total variance the kept components explain.
        public var explainedVarianceRatio: Double
    }

    /// Always `.pca`.
    public let kind = DetectorKind.pca
    /// The configuration (sizes and explained variance).
    public let configuration: Configuration
    /// The fitted scaler.
    public let scaler: StandardScaler
    /// The principal axes, `[features, components]`, orthonormal columns.
    public let components: Tensor

    /// The number of features `D`.
    public var featureCount: Int { configuration.featureCount }

    /// Creates a detector from fitted parts.
    /// - Precondition: `components` is `[featureCount, configuration.components]`.
    public init(configuration: Configuration, scaler: StandardScaler, components: Tensor) {
        precondition(
            components.shape == [configuration.featureCount, configuration.components],
            "PCADetector: components \(components.shape) vs [\(configuration.featureCount), \(configuration.components)]")
        self.configuration = configuration
        self.scaler = scaler
        self.components = components
    }

    /// Fits the scaler and the principal axes on `data`, `[samples, features]`.
    ///
    /// `k` is `componentCount` when given (clamped to `[1, D]`), otherwise the smallest `k` whose
    /// components explain at least `varianceFraction` of the standardized variance, and at most
    /// `D - 1` so the residual is never identically zero.
    /// - Throws: the scaler's errors, `DetectorError.tooFewSamples` with fewer than 2 samples,
    ///   `DetectorError.invalidOption` for a fraction outside (0, 1].
    public static func fit(
        _ data: Tensor, componentCount: Int? = nil, varianceFraction: Double = 0.95
    ) throws -> PCADetector {
        guard varianceFraction > 0, varianceFraction <= 1 else {
            throw DetectorError.invalidOption(name: "pcaVarianceFraction", value: "\(varianceFraction)", reason: "must be in (0, 1]")
        }
        let scaler = try StandardScaler.fit(data)
        guard data.shape[0] >= 2 else { throw DetectorError.tooFewSamples(needed: 2, got: data.shape[0], purpose: "PCA") }
        let z = scaler.transform(data)
        let n = z.shape[0], d = z.shape[1]
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for c in 0..<d { mean[c] += Double(z.scalars[r * d + c]) } }
        mean = mean.map { $0 / Double(n) }
        var covariance = [Double](repeating: 0, count: d * d)
        var row = [Double](repeating: 0, count: d)
        for r in 0..<n {
            for c in 0..<d { row[c] = Double(z.scalars[r * d + c]) - mean[c] }
            for i in 0..<d {
                let ri = row[i]
                if ri == 0 { continue }
                for j in i..<d { covariance[i * d + j] += ri * row[j] }
            }
        }
        for i in 0..<d {
            for j in i..<d {
                covariance[i * d + j] /= Double(n - 1)
                covariance[j * d + i] = covariance[i * d + j]
            }
        }
        let eigen = try SymmetricEigen(symmetric: covariance, order: d)
        let variances = eigen.eigenvalues.map { max($0, 0) }
        let total = variances.reduce(0, +)
        var k: Int
        if let count = componentCount {
            k = min(max(count, 1), d)
        } else {
            k = d
            var cumulative = 0.0
            for (i, v) in variances.enumerated() {
                cumulative += v
                if total > 0, cumulative / total >= varianceFraction - 1e-12 {
                    k = i + 1
                    break
                }
            }
            k = max(1, min(k, d - 1))
        }
        var axes = [Float](repeating: 0, count: d * k)
        for i in 0..<d { for j in 0..<k { axes[i * k + j] = Float(eigen.vectors[i * d + j]) } }
        let kept = Array(variances.prefix(k))
        let configuration = Configuration(
            featureCount: d, components: k, explainedVariance: kept,
            explainedVarianceRatio: total > 0 ? kept.reduce(0, +) / total : 1)
        return PCADetector(configuration: configuration, scaler: scaler, components: Tensor(shape: [d, k], scalars: axes))
    }

    /// The squared residual of each standardized feature, `[samples, features]`.
    func squaredResiduals(_ batch: Tensor) -> Tensor {
        let z = scaler.transform(batch)
        let projected = Tensor.matmul(z, components)
        let reconstructed = Tensor.matmul(projected, components, transposeB: true)
        return (z - reconstructed).squared()
    }

    /// `(1/D) ||z - z W W^T||^2` of each row, `[samples, features]` -> `[samples]`.
    public func anomalyScores(_ batch: Tensor) -> [Float] {
        squaredResiduals(batch).mean(alongAxis: 1).scalars
    }

    /// Per-feature squared residuals divided by `D`, `[samples, features]`; rows sum to the score.
    public func featureContributions(_ batch: Tensor) -> Tensor {
        squaredResiduals(batch) / Float(featureCount)
    }

    /// The stored form: configuration and scaler as JSON, the axes as checkpoint tensor `components`.
    /// - Throws: when the configuration cannot be encoded.
    public func saved() throws -> SavedDetector {
        try SavedDetector(
            kind: .pca, configuration: configuration, scaler: scaler,
            parameters: [(name: "components", tensor: components)])
    }

    /// Restores a detector saved by `saved()`.
    /// - Throws: `DetectorError.corruptModel` when a part cannot be decoded or shapes disagree.
    public static func load(_ saved: SavedDetector) throws -> PCADetector {
        let configuration: Configuration
        let scaler: StandardScaler
        let tensors: [(name: String, tensor: Tensor)]
        do {
            configuration = try JSONDecoder().decode(Configuration.self, from: saved.configuration)
            scaler = try JSONDecoder().decode(StandardScaler.self, from: saved.scaler)
            tensors = try Checkpoint.decode([UInt8](saved.weights))
        } catch {
            throw DetectorError.corruptModel("PCA: \(error)")
        }
        guard let axes = tensors.first(where: { $0.name == "components" })?.tensor,
              axes.shape == [configuration.featureCount, configuration.components],
              scaler.featureCount == configuration.featureCount
        else { throw DetectorError.corruptModel("PCA: components or scaler do not match the configuration") }
        return PCADetector(configuration: configuration, scaler: scaler, components: axes)
    }
}
