extension Variable {
    /// The sum of all elements, shape `[]`; `∂/∂x_i = g`.
    public func sum() -> Variable {
        let shape = value.shape
        return Variable(Tensor(scalar: value.sum()), parents: [self]) { [self] g in
            accumulate(Tensor(repeating: g.scalar, shape: shape))
        }
    }

    /// The mean of all elements, shape `[]`; `∂/∂x_i = g / count`.
    public func mean() -> Variable {
        let shape = value.shape
        let scale = 1 / Float(value.count)
        return Variable(Tensor(scalar: value.mean()), parents: [self]) { [self] g in
            accumulate(Tensor(repeating: g.scalar * scale, shape: shape))
        }
    }

    /// Sums over one axis (`[batch, features]` over axis 1 gives `[batch]`, or `[batch, 1]`
    /// with `keepingAxis`); the gradient is broadcast back along that axis.
    public func sum(alongAxis axis: Int, keepingAxis: Bool = false) -> Variable {
        let shape = value.shape
        let kept = value.reducedShape(value.normalizedAxis(axis), keepingAxis: true)
        return Variable(value.sum(alongAxis: axis, keepingAxis: keepingAxis), parents: [self]) {
            [self] g in accumulate(g.reshaped(kept).broadcast(to: shape))
        }
    }

    /// The mean over one axis; shape as in `sum(alongAxis:keepingAxis:)`.
    public func mean(alongAxis axis: Int, keepingAxis: Bool = false) -> Variable {
        let extent = value.shape[value.normalizedAxis(axis)]
        return sum(alongAxis: axis, keepingAxis: keepingAxis) * (1 / Float(extent))
    }
}
