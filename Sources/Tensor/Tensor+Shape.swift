extension Tensor {
    /// The transpose of a matrix: `[rows, columns] -> [columns, rows]`.
    ///
    /// Matmuls never need this (they take transpose flags); it is for inspection and tests.
    /// - Precondition: rank 2.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed: rank 2 needed, got shape \(shape)")
        let rows = shape[0]
        let columns = shape[1]
        let result = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { source in
                for r in 0..<rows {
                    for c in 0..<columns { out[c * rows + r] = source[r * columns + c] }
                }
            }
            initialized = count
        }
        return Tensor(shape: [columns, rows], scalars: result)
    }

    /// The columns `range` of the last (feature) axis: `[..., features] -> [..., range.count]`.
    ///
    /// A VAE splits its encoder head `[batch, 2 * latent]` into mean and log-variance this way.
    /// - Precondition: rank >= 1 and `range` lies within the last axis.
    public func slice(features range: Range<Int>) -> Tensor {
        precondition(rank >= 1, "slice(features:): rank >= 1 needed, got shape \(shape)")
        let width = shape[rank - 1]
        precondition(
            range.lowerBound >= 0 && range.upperBound <= width,
            "slice(features:): \(range) out of bounds for shape \(shape)")
        let rows = width == 0 ? 0 : count / width
        let part = range.count
        let result = [Float](unsafeUninitializedCapacity: rows * part) { out, initialized in
            scalars.withUnsafeBufferPointer { source in
                for r in 0..<rows {
                    for j in 0..<part { out[r * part + j] = source[r * width + range.lowerBound + j] }
                }
            }
            initialized = rows * part
        }
        var newShape = shape
        newShape[rank - 1] = part
        return Tensor(shape: newShape, scalars: result)
    }

    /// Joins tensors along the last (feature) axis: `[..., f1] ++ [..., f2] -> [..., f1 + f2]`.
    /// - Precondition: `parts` is non-empty and all leading extents agree (shapes in message).
    public init(concatenatingFeatures parts: [Tensor]) {
        guard let first = parts.first else {
            preconditionFailure("Tensor(concatenatingFeatures:): no parts")
        }
        precondition(first.rank >= 1, "concatenatingFeatures: rank >= 1 needed, got \(first.shape)")
        let leading = Array(first.shape.dropLast())
        for part in parts {
            precondition(
                Array(part.shape.dropLast()) == leading && part.rank == first.rank,
                "concatenatingFeatures: shapes \(parts.map(\.shape)) differ before the last axis")
        }
        let rows = leading.reduce(1, *)
        let widths = parts.map { $0.shape[$0.rank - 1] }
        let total = widths.reduce(0, +)
        var result = [Float](repeating: 0, count: rows * total)
        result.withUnsafeMutableBufferPointer { out in
            var offset = 0
            for (part, width) in zip(parts, widths) {
                part.scalars.withUnsafeBufferPointer { source in
                    for r in 0..<rows {
                        for j in 0..<width { out[r * total + offset + j] = source[r * width + j] }
                    }
                }
                offset += width
            }
        }
        self.init(shape: leading + [total], scalars: result)
    }
}

extension Tensor {
    /// The rows `indices` of the first axis, in that order: `[n, ...] -> [indices.count, ...]`.
    ///
    /// Gathers a shuffled minibatch `[batch, features]` from a dataset `[samples, features]`.
    /// - Precondition: rank >= 1 and every index is within the first axis.
    public func gatheringRows(_ indices: ArraySlice<Int>) -> Tensor {
        precondition(rank >= 1, "gatheringRows: rank >= 1 needed, got shape \(shape)")
        let rows = shape[0]
        let width = rows == 0 ? 0 : count / rows
        let total = indices.count * width
        let result = [Float](unsafeUninitializedCapacity: total) { out, initialized in
            scalars.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress, let target = out.baseAddress else { return }
                var offset = 0
                for row in indices {
                    precondition(row >= 0 && row < rows, "gatheringRows: row \(row) outside shape \(shape)")
                    (target + offset).initialize(from: base + row * width, count: width)
                    offset += width
                }
            }
            initialized = total
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape, scalars: result)
    }
}

extension Tensor {
    /// The rows `indices` of the first axis, in that order; see `gatheringRows(_:)`.
    public func gatheringRows(_ indices: [Int]) -> Tensor { gatheringRows(indices[...]) }

    /// The rows `range` of the first axis.
    public func gatheringRows(_ range: Range<Int>) -> Tensor { gatheringRows(Array(range)[...]) }
}
