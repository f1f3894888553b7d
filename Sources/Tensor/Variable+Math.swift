extension Variable {
    /// `e^x`; `∂/∂x = g ⊙ e^x`.
    public func exp() -> Variable {
        let y = value.exp()
        return Variable(y, parents: [self]) { [self] g in accumulate(g * y) }
    }

    /// `ln x`; `∂/∂x = g / x`.
    public func log() -> Variable {
        let x = value
        return Variable(x.log(), parents: [self]) { [self] g in accumulate(g / x) }
    }

    /// `x²`; `∂/∂x = 2 g ⊙ x`.
    public func squared() -> Variable {
        let x = value
        return Variable(x.squared(), parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, x) { gi, xi in 2 * gi * xi })
        }
    }

    /// `√x`; `∂/∂x = g / (2 √x)`.
    public func squareRoot() -> Variable {
        let y = value.squareRoot()
        return Variable(y, parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, y) { gi, yi in gi / (2 * yi) })
        }
    }

    /// `max(x, 0)`; `∂/∂x = g` where `x > 0`, else 0.
    public func relu() -> Variable {
        let y = value.relu()
        return Variable(y, parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, y) { gi, yi in yi > 0 ? gi : 0 })
        }
    }

    /// `x` for `x > 0`, else `negativeSlope · x`; `∂/∂x = g` or `negativeSlope · g`.
    public func leakyReLU(negativeSlope: Float = 0.01) -> Variable {
        let x = value
        return Variable(x.leakyReLU(negativeSlope: negativeSlope), parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, x) { gi, xi in xi > 0 ? gi : negativeSlope * gi })
        }
    }

    /// `σ(x) = 1 / (1 + e^-x)`; `∂/∂x = g ⊙ σ(x)(1 - σ(x))`.
    public func sigmoid() -> Variable {
        let y = value.sigmoid()
        return Variable(y, parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, y) { gi, yi in gi * yi * (1 - yi) })
        }
    }

    /// `tanh x`; `∂/∂x = g ⊙ (1 - tanh² x)`.
    public func tanh() -> Variable {
        let y = value.tanh()
        return Variable(y, parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, y) { gi, yi in gi * (1 - yi * yi) })
        }
    }

    /// `softplus(x) = ln(1 + e^x)` (stable form); `∂/∂x = g ⊙ σ(x)`.
    public func softplus() -> Variable {
        let x = value
        return Variable(x.softplus(), parents: [self]) { [self] g in
            accumulate(Tensor.broadcasting(g, x) { gi, xi in gi * Tensor.sigmoid(xi) })
        }
    }
}
