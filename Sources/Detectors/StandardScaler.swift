import Foundation
import Tensor

/// Per-feature standardization fitted on training data: `z_f = clamp((x_f - mean_f) / scale_f)`.
///
/// The scaler is fitted once, on the training data of a model, stored with that model and never
/// refitted on the data it scores.
///
/// Constant and near-constant features. A feature whose training standard deviation is below
/// `floor_f = max(relativeFloor * median_g(std_g), 1e-6 * max(1, |mean_f|))` (the median taken
/// over the features with a non-zero deviation, i.e. the typical spread of this stream) is
/// *degenerate*: it gets `scale_f = floor_f` instead of a division by (almost) zero, and its
/// standardized value is clamped to `±degenerateClip` (default 3). A model has learnt nothing
/// about how such a feature varies, so when it starts to move (SMD streams do this between train
/// and test) it adds at most a 3-sigma excursion to the score: visible in the contributions,
/// but it cannot turn every vector into an alert on its own. Every other feature is clamped to
/// `±clip` (default 1e4) so that scores stay finite for inputs up to `Float.greatestFiniteMagnitude`.
public struct StandardScaler: Sendable, Codable, Equatable {
    /// Training mean of each feature, `[features]`.
    public let mean: [Float]
    /// The divisor of each feature (its training standard deviation, floored), `[features]`.
    public let scale: [Float]
    /// Whether each feature was constant or nearly constant in training, `[features]`.
    public let degenerate: [Bool]
    /// Bound on the magnitude of a degenerate feature's standardized value.
    public let degenerateClip: Float
    /// Bound on the magnitude of any standardized value (keeps scores finite).
    public let clip: Float

    /// The number of features.
    public var featureCount: Int { mean.count }

    /// Creates a scaler from its parts (used by decoding and tests).
    /// - Precondition: the arrays have equal lengths.
    public init(mean: [Float], scale: [Float], degenerate: [Bool], degenerateClip: Float = 3, clip: Float = 1e4) {
        precondition(
            mean.count == scale.count && mean.count == degenerate.count,
            "StandardScaler: mean \(mean.count), scale \(scale.count), degenerate \(degenerate.count) differ")
        self.mean = mean
        self.scale = scale
        self.degenerate = degenerate
        self.degenerateClip = degenerateClip
        self.clip = clip
    }

    /// Fits the per-feature mean and (population) standard deviation of `data`, `[samples, features]`.
    ///
    /// Statistics are accumulated in `Double`. Non-finite training values are a caller error and
    /// are rejected.
    /// - Parameters:
    ///   - relativeFloor: fraction of the median feature deviation below which a feature is degenerate.
    ///   - degenerateClip: bound on a degenerate feature's standardized magnitude.
    ///   - clip: bound on every standardized magnitude.
    /// - Throws: `DetectorError.emptyTrainingData` without samples or features,
    ///   `DetectorError.nonFiniteInput` when a value is NaN or infinite.
    public static func fit(
        _ data: Tensor, relativeFloor: Double = 0.1, degenerateClip: Float = 3, clip: Float = 1e4
    ) throws -> StandardScaler {
        guard data.rank == 2, data.shape[0] > 0, data.shape[1] > 0 else {
            throw DetectorError.emptyTrainingData(shape: data.shape)
        }
        let rows = data.shape[0]
        let cols = data.shape[1]
        var sum = [Double](repeating: 0, count: cols)
        data.scalars.withUnsafeBufferPointer { x in
            for r in 0..<rows {
                for c in 0..<cols { sum[c] += Double(x[r * cols + c]) }
            }
        }
        if let bad = data.scalars.firstIndex(where: { !$0.isFinite }) {
            throw DetectorError.nonFiniteInput(row: bad / cols, feature: bad % cols)
        }
        let mean = sum.map { $0 / Double(rows) }
        var squares = [Double](repeating: 0, count: cols)
        data.scalars.withUnsafeBufferPointer { x in
            for r in 0..<rows {
                for c in 0..<cols {
                    let d = Double(x[r * cols + c]) - mean[c]
                    squares[c] += d * d
                }
            }
        }
        let std = squares.map { ($0 / Double(rows)).squareRoot() }
        let spread = std.filter { $0 > 0 }.sorted()
        let typical = spread.isEmpty ? 0 : spread[spread.count / 2]
        var scale = [Float](repeating: 1, count: cols)
        var degenerate = [Bool](repeating: false, count: cols)
        for c in 0..<cols {
            let floor = max(relativeFloor * typical, 1e-6 * max(1, abs(mean[c])))
            if std[c] < floor {
                degenerate[c] = true
                scale[c] = Float(floor)
            } else {
                scale[c] = Float(std[c])
            }
        }
        return StandardScaler(
            mean: mean.map { Float($0) }, scale: scale, degenerate: degenerate,
            degenerateClip: degenerateClip, clip: clip)
    }

    /// Standardizes `batch`, `[samples, features]` -> `[samples, features]`.
    ///
    /// Non-finite inputs are mapped to the clip bound with their sign (NaN to `+clip`), so the
    /// result is always finite.
    /// - Precondition: `batch` is `[samples, featureCount]`.
    public func transform(_ batch: Tensor) -> Tensor {
        precondition(
            batch.rank == 2 && batch.shape[1] == featureCount,
            "StandardScaler.transform: batch shape \(batch.shape) vs [samples, \(featureCount)]")
        let cols = featureCount
        // Per column, once: the mean, the reciprocal of the scale (a multiply instead of a
        // divide; a reciprocal beyond Float's range becomes its largest value, so a value at the
        // mean still maps to 0) and the bound. The loop runs in Float over pointers with wrapping
        // index arithmetic and the clamp as selects, so it vectorizes: in Double with a checked
        // `base + c` it was 7% of the daemon's time at 38 features. The result differs from the
        // Double computation in the last bit at most. NaN becomes the bound, as before.
        let inverseScales = scale.map { s -> Float in
            let inverse = Float(1 / Double(s))
            return inverse.isFinite ? inverse : .greatestFiniteMagnitude
        }
        let limits = degenerate.map { $0 ? degenerateClip : clip }
        var out = batch.scalars
        out.withUnsafeMutableBufferPointer { o in
            mean.withUnsafeBufferPointer { mean in
                inverseScales.withUnsafeBufferPointer { inverse in
                    limits.withUnsafeBufferPointer { limit in
                        guard let row0 = o.baseAddress, let mean = mean.baseAddress,
                            let inverse = inverse.baseAddress, let limit = limit.baseAddress
                        else { return }
                        let rows = o.count / max(cols, 1)
                        for r in 0..<rows {
                            let row = row0 + r &* cols
                            for c in 0..<cols {
                                let z = (row[c] - mean[c]) * inverse[c]
                                let l = limit[c]
                                let clamped = z < -l ? -l : (z > l ? l : z)
                                row[c] = z != z ? l : clamped
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: batch.shape, scalars: out)
    }

    /// Maps standardized values back to input units: `x_f = z_f * scale_f + mean_f`, `[samples, features]`.
    /// - Precondition: `batch` is `[samples, featureCount]`.
    public func inverseTransform(_ batch: Tensor) -> Tensor {
        precondition(
            batch.rank == 2 && batch.shape[1] == featureCount,
            "StandardScaler.inverseTransform: batch shape \(batch.shape) vs [samples, \(featureCount)]")
        let cols = featureCount
        var out = batch.scalars
        for i in 0..<out.count {
            let c = i % cols
            out[i] = out[i] * scale[c] + mean[c]
        }
        return Tensor(shape: batch.shape, scalars: out)
    }
}
