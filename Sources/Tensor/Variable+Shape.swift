extension Variable {
    /// The columns `range` of the last (feature) axis; the gradient is scattered back into
    /// those columns (zeros elsewhere). A VAE head `[batch, 2 * latent]` splits into mean and
    /// log-variance with `slice(features: 0..<latent)` and `slice(features: latent..<2 * latent)`.
    public func slice(features range: Range<Int>) -> Variable {
        let shape = value.shape
        return Variable(value.slice(features: range), parents: [self]) { [self] g in
            let width = shape[shape.count - 1]
            let part = range.count
            let rows = part == 0 ? 0 : g.count / part
            var full = [Float](repeating: 0, count: shape.reduce(1, *))
            g.scalars.withUnsafeBufferPointer { source in
                full.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        for j in 0..<part { out[r * width + range.lowerBound + j] = source[r * part + j] }
                    }
                }
            }
            accumulate(Tensor(shape: shape, scalars: full))
        }
    }

    /// Joins variables along the last (feature) axis; each part gets its columns of the
    /// gradient.
    public static func concatenatingFeatures(_ parts: [Variable]) -> Variable {
        let joined = Tensor(concatenatingFeatures: parts.map(\.value))
        return Variable(joined, parents: parts) { g in
            var offset = 0
            for part in parts {
                let width = part.shape[part.shape.count - 1]
                if part.requiresGradient { part.accumulate(g.slice(features: offset..<(offset + width))) }
                offset += width
            }
        }
    }

    /// The same elements with another shape; the gradient is reshaped back.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let shape = value.shape
        return Variable(value.reshaped(newShape), parents: [self]) { [self] g in
            accumulate(g.reshaped(shape))
        }
    }
}
