import Foundation
import Tensor

/// Which features made a vector anomalous: one share per feature, for an alert's top features.
///
/// **Replacement** (the default, `replacement(detector:batch:reference:)`): each feature in turn is
/// set back to its training mean and the vector rescored; a feature's attribution is how much
/// the anomaly score falls, `max(0, s(x) - s(x with x_j = mean_j))`, as a share of the sum over
/// features. It asks the model the question an operator asks ("would this vector still be
/// anomalous without this feature?"), so it names a feature the model passes through: an
/// autoencoder reconstructs a feature moved by 100 σ almost exactly and smears the error over
/// the others, and the per-feature reconstruction error then names the wrong feature (measured:
/// `aectl eval --attribution`, docs/QUALITY.md). It is occlusion with the expected value as the
/// baseline (Zeiler and Fergus, ECCV 2014; the one-feature case of Shapley values with a mean
/// baseline, Lundberg and Lee, NeurIPS 2017).
///
/// Cost: `features + 1` scores per row (at most `1 + 2 × candidateLimit` for wide vectors, where
/// only the features with the largest standardized deviation or the largest per-feature
/// contribution are tried). The daemon computes it only for alerts it stores (the first vector of
/// an episode), never for vectors under the threshold.
public enum FeatureAttribution {
    /// The attribution methods, by the name `aectl eval --attribution-method` takes.
    public enum Method: String, Sendable, CaseIterable, Codable {
        /// Score drop when the feature is set to its training mean (the default).
        case replacement
        /// The detector's own per-feature split of its score (`featureContributions`): the
        /// reconstruction error per feature for the autoencoders and PCA.
        case contribution
    }

    /// Features tried per row beyond which only candidates are rescored: the `candidateLimit`
    /// largest standardized deviations and the `candidateLimit` largest contributions.
    public static let candidateLimit = 32

    /// Attributions of each row of `batch` (`[samples, features]`, raw units) by `method`:
    /// `[samples, features]`, non-negative, each row summing to 1 (a row with no measurable
    /// attribution, e.g. a vector at the mean, gets its contributions' shares, or uniform shares).
    public static func attributions(
        of detector: any AnomalyDetector, _ batch: Tensor, method: Method = .replacement
    ) -> Tensor {
        let contributions = shares(detector.featureContributions(batch), features: detector.featureCount)
        guard method == .replacement else { return contributions }
        return replacement(detector: detector, batch: batch, scaler: detector.scaler, fallback: contributions)
    }

    /// Rows of `values` (`[samples, features]`) as shares of their positive sum.
    static func shares(_ values: Tensor, features d: Int) -> Tensor {
        let rows = values.shape.first ?? 0
        var result = values.scalars
        for r in 0..<rows {
            var total: Double = 0
            for j in 0..<d { total += Double(max(result[r * d + j], 0)) }
            for j in 0..<d {
                result[r * d + j] = total > 0 && total.isFinite ? Float(Double(max(result[r * d + j], 0)) / total) : 1 / Float(d)
            }
        }
        return Tensor(shape: [rows, d], scalars: result)
    }

    /// Replacement attributions; rows without a positive score drop take `fallback`'s.
    static func replacement(detector: any AnomalyDetector, batch: Tensor, scaler: StandardScaler, fallback: Tensor) -> Tensor {
        let d = detector.featureCount
        let rows = batch.shape.first ?? 0
        guard rows > 0, d > 0, scaler.featureCount == d else { return fallback }
        var result = [Float](repeating: 0, count: rows * d)
        for r in 0..<rows {
            let x = Array(batch.scalars[(r * d)..<((r + 1) * d)])
            let candidates = Self.candidates(x, scaler: scaler, contributions: Array(fallback.scalars[(r * d)..<((r + 1) * d)]))
            // Row 0: the vector itself; row 1 + i: candidate i set to its mean.
            var probes = x
            probes.reserveCapacity((candidates.count + 1) * d)
            for j in candidates {
                var probe = x
                probe[j] = scaler.mean[j]
                probes.append(contentsOf: probe)
            }
            let scores = detector.anomalyScores(Tensor(shape: [candidates.count + 1, d], scalars: probes))
            var drops = [Double](repeating: 0, count: d)
            var total: Double = 0
            for (i, j) in candidates.enumerated() {
                let drop = Double(scores[0]) - Double(scores[i + 1])
                if drop.isFinite, drop > 0 {
                    drops[j] = drop
                    total += drop
                }
            }
            for j in 0..<d {
                result[r * d + j] = total > 0 && total.isFinite ? Float(drops[j] / total) : fallback.scalars[r * d + j]
            }
        }
        return Tensor(shape: [rows, d], scalars: result)
    }

    /// The features of `x` worth rescoring: all of them up to `2 × candidateLimit` features,
    /// else the union of the largest standardized deviations and the largest contributions.
    static func candidates(_ x: [Float], scaler: StandardScaler, contributions: [Float]) -> [Int] {
        let d = x.count
        guard d > 2 * candidateLimit else { return Array(0..<d) }
        let deviation = (0..<d).map { j -> Float in
            let z = abs((x[j] - scaler.mean[j]) / max(scaler.scale[j], .leastNormalMagnitude))
            return z.isFinite ? z : .greatestFiniteMagnitude
        }
        let byDeviation = (0..<d).sorted { deviation[$0] > deviation[$1] }.prefix(candidateLimit)
        let byContribution = (0..<d).sorted { contributions[$0] > contributions[$1] }.prefix(candidateLimit)
        return Array(Set(byDeviation).union(byContribution)).sorted()
    }
}

/// How often an attribution method names the feature that moved: normal vectors with one
/// feature moved by `shift` training standard deviations, and the share of them whose top-1
/// attribution is that feature.
public struct AttributionAccuracy: Sendable, Codable, Equatable {
    /// The attribution method measured.
    public var method: FeatureAttribution.Method
    /// How far the feature was moved, in training standard deviations (signed at random).
    public var shift: Double
    /// Vectors probed.
    public var vectors: Int
    /// The fraction of them whose top-1 attribution is the moved feature, in [0, 1].
    public var topOneRate: Double

    /// Measures `method` on `detector`: up to `vectors` rows of `normal` (`[samples, features]`,
    /// raw units, drawn with `seed`), each with one random non-constant feature moved by ±`shift`
    /// of its training standard deviation (`detector.scaler`).
    ///
    /// Returns nil when `normal` is empty or every feature is constant in training.
    public static func measure(
        _ detector: any AnomalyDetector, normal: Tensor, shift: Double, method: FeatureAttribution.Method,
        vectors: Int = 500, seed: UInt64 = 1
    ) -> AttributionAccuracy? {
        let d = detector.featureCount
        let rows = normal.shape.first ?? 0
        let movable = (0..<d).filter { !detector.scaler.degenerate[$0] && detector.scaler.scale[$0] > 0 }
        guard rows > 0, !movable.isEmpty, normal.count == rows * d else { return nil }
        var generator = SplitMix64(seed: seed)
        let count = min(vectors, rows)
        var moved = [Int]()
        var probes = [Float]()
        probes.reserveCapacity(count * d)
        for _ in 0..<count {
            let row = Int(generator.next() % UInt64(rows))
            let feature = movable[Int(generator.next() % UInt64(movable.count))]
            let sign: Float = generator.next() & 1 == 0 ? 1 : -1
            var x = Array(normal.scalars[(row * d)..<((row + 1) * d)])
            x[feature] += sign * Float(shift) * detector.scaler.scale[feature]
            probes.append(contentsOf: x)
            moved.append(feature)
        }
        let shares = FeatureAttribution.attributions(
            of: detector, Tensor(shape: [count, d], scalars: probes), method: method)
        var hits = 0
        for (i, feature) in moved.enumerated() {
            let row = shares.scalars[(i * d)..<((i + 1) * d)]
            // Ties (e.g. uniform shares) do not count as naming the feature.
            let best = row.max() ?? 0
            if row[i * d + feature] == best && row.filter({ $0 == best }).count == 1 { hits += 1 }
        }
        return AttributionAccuracy(method: method, shift: shift, vectors: count, topOneRate: Double(hits) / Double(count))
    }
}
