extension Tensor {
    /// The sum of all elements, accumulated in `Double` and rounded to `Float`.
    public func sum() -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            var total: Double = 0
            for x in buffer { total += Double(x) }
            return Float(total)
        }
    }

    /// The mean of all elements (NaN for an empty tensor).
    public func mean() -> Float { sum() / Float(count) }

    /// Sums over one axis: `[..., n, ...] -> [..., 1, ...]` with `keepingAxis`, else the axis
    /// is removed (e.g. `[batch, features]` over axis 1 gives `[batch]`).
    /// - Precondition: `0 <= axis < rank` (negative counts from the end, `-1` is the last).
    public func sum(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let outer = shape[..<axis].reduce(1, *)
        let extent = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    let sourceBase = o * extent * inner
                    let outBase = o * inner
                    if inner == 1 {
                        var total: Float = 0
                        for e in 0..<extent { total += source[sourceBase + e] }
                        out[outBase] = total
                    } else {
                        for e in 0..<extent {
                            let row = sourceBase + e * inner
                            for i in 0..<inner { out[outBase + i] += source[row + i] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: reducedShape(axis, keepingAxis: keepingAxis), scalars: result)
    }

    /// The mean over one axis; shape as in `sum(alongAxis:keepingAxis:)`.
    public func mean(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let extent = shape[normalizedAxis(axis)]
        return sum(alongAxis: axis, keepingAxis: keepingAxis) * (1 / Float(extent))
    }

    /// The largest element's value over one axis; shape as in `sum(alongAxis:keepingAxis:)`.
    public func max(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let outer = shape[..<axis].reduce(1, *)
        let extent = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Float](repeating: -.infinity, count: outer * inner)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    for e in 0..<extent {
                        let row = (o * extent + e) * inner
                        for i in 0..<inner where source[row + i] > out[o * inner + i] || source[row + i].isNaN {
                            out[o * inner + i] = source[row + i]
                        }
                    }
                }
            }
        }
        return Tensor(shape: reducedShape(axis, keepingAxis: keepingAxis), scalars: result)
    }

    func normalizedAxis(_ axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) out of range for shape \(shape)")
        return resolved
    }

    func reducedShape(_ axis: Int, keepingAxis: Bool) -> [Int] {
        var reduced = shape
        if keepingAxis { reduced[axis] = 1 } else { reduced.remove(at: axis) }
        return reduced
    }
}

extension Tensor {
    /// `ln Σ_axis e^x`, computed stably as `m + ln Σ e^(x - m)` with `m` the axis maximum;
    /// shape as in `sum(alongAxis:keepingAxis:)`. An all `-inf` slice gives `-inf`.
    ///
    /// Used by importance-weighted scores (Burda et al., "Importance Weighted Autoencoders",
    /// ICLR 2016): `-ln p(x) ≈ -(logSumExp_k log w_k - ln K)`.
    public func logSumExp(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let resolved = normalizedAxis(axis)
        let maximum = max(alongAxis: resolved, keepingAxis: true)
        let safeMaximum = maximum.map { $0.isFinite ? $0 : 0 }
        let shifted = (self - safeMaximum).exp().sum(alongAxis: resolved, keepingAxis: true)
        let result = shifted.log() + safeMaximum
        return keepingAxis ? result : result.reshaped(reducedShape(resolved, keepingAxis: false))
    }
}

extension Tensor {
    /// The mean squared difference of each row, fused: `result[b] = (1/f) Σ_j (a[b, j] - c[b, j])²`,
    /// `[batch, features] × [batch, features] -> [batch]`. An autoencoder's per-vector
    /// reconstruction error (higher is more anomalous).
    /// - Precondition: equal rank-2 shapes.
    public static func rowMeanSquaredError(_ a: Tensor, _ c: Tensor) -> Tensor {
        precondition(
            a.shape == c.shape && a.rank == 2,
            "rowMeanSquaredError: shapes \(a.shape) and \(c.shape) must be equal [batch, features]")
        let rows = a.shape[0]
        let width = a.shape[1]
        let scale = 1 / Float(width)
        let result = [Float](unsafeUninitializedCapacity: rows) { out, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                c.scalars.withUnsafeBufferPointer { pc in
                    for r in 0..<rows {
                        var total: Float = 0
                        for j in 0..<width {
                            let d = pa[r * width + j] - pc[r * width + j]
                            total += d * d
                        }
                        out[r] = total * scale
                    }
                }
            }
            initialized = rows
        }
        return Tensor(shape: [rows], scalars: result)
    }
}
