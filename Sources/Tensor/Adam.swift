/// Adam with bias correction (Kingma and Ba, "Adam: A Method for Stochastic Optimization",
/// ICLR 2015), with L2 or decoupled weight decay (Loshchilov and Hutter, ICLR 2019).
///
/// Per parameter `p` with gradient `g` at its step `t` (1, 2, ...):
/// `g ← g + weightDecay · p` (L2) or `p ← p (1 - learningRate · weightDecay)` (decoupled);
/// `m ← β1 m + (1 - β1) g`; `v ← β2 v + (1 - β2) g²`;
/// `p ← p - (learningRate / (1 - β1^t)) · m / (√v / √(1 - β2^t) + ε)`
/// (the same arithmetic order as PyTorch's `torch.optim.Adam`).
public struct Adam: Optimizer, Sendable {
    /// The step size α.
    public var learningRate: Float
    /// The first-moment decay β1.
    public var beta1: Float
    /// The second-moment decay β2.
    public var beta2: Float
    /// The denominator guard ε.
    public var epsilon: Float
    /// The weight decay coefficient; 0 disables it.
    public var weightDecay: Float
    /// Decoupled (AdamW) weight decay instead of an L2 term in the gradient.
    public var decoupledWeightDecay: Bool
    /// Clip gradients to this global L2 norm; `nil` never clips.
    public var maxGradientNorm: Float?

    /// Moment estimates and step count of one parameter.
    public struct Moments: Sendable, Equatable {
        /// The first moment `m`.
        public var first: Tensor
        /// The second moment `v`.
        public var second: Tensor
        /// The number of steps applied to this parameter.
        public var step: Int
    }

    /// Moments by parameter name.
    public private(set) var moments: [String: Moments] = [:]

    /// Creates the optimizer with Kingma and Ba's defaults.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false,
        maxGradientNorm: Float? = nil
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.maxGradientNorm = maxGradientNorm
    }

    /// See `Optimizer.step(_:)`.
    @discardableResult
    public mutating func step(_ parameters: [NamedParameter]) throws -> OptimizerStepReport {
        let prepared = try PreparedGradients(parameters, maxGradientNorm: maxGradientNorm)
        let (beta1, beta2, epsilon, rate) = (self.beta1, self.beta2, self.epsilon, learningRate)
        let l2 = decoupledWeightDecay ? 0 : weightDecay
        let shrink = decoupledWeightDecay ? 1 - learningRate * weightDecay : 1
        for (parameter, gradient) in prepared.entries {
            let shape = gradient.shape
            var state =
                moments.removeValue(forKey: parameter.name)
                ?? Moments(first: .zeros(shape), second: .zeros(shape), step: 0)
            precondition(
                state.first.shape == shape,
                "Adam: \(parameter.name) has shape \(shape) but its moments \(state.first.shape); use a new optimizer for a new model")
            state.step += 1
            let stepSize = rate / (1 - Float.power(beta1, state.step))
            let correction2 = (1 - Float.power(beta2, state.step)).squareRoot()
            parameter.variable.updateValue { values in
                values.withUnsafeMutableBufferPointer { w in
                    gradient.scalars.withUnsafeBufferPointer { g in
                        state.first.scalars.withUnsafeMutableBufferPointer { m in
                            state.second.scalars.withUnsafeMutableBufferPointer { v in
                                for i in 0..<w.count {
                                    let gi = g[i] + l2 * w[i]
                                    m[i] = beta1 * m[i] + (1 - beta1) * gi
                                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                    let denominator = v[i].squareRoot() / correction2 + epsilon
                                    w[i] = w[i] * shrink - stepSize * (m[i] / denominator)
                                }
                            }
                        }
                    }
                }
            }
            moments[parameter.name] = state
        }
        return prepared.report
    }
}

extension Float {
    /// `base^exponent` for the bias corrections, by repeated squaring in `Double` (no libm,
    /// so the same bits on every machine).
    static func power(_ base: Float, _ exponent: Int) -> Float {
        var result: Double = 1
        var power = Double(base)
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= power }
            power *= power
            remaining >>= 1
        }
        return Float(result)
    }
}
