/// Stochastic gradient descent with momentum and L2 weight decay (PyTorch's formulation).
///
/// Per parameter `p` with gradient `g`: `g ← g + weightDecay · p`;
/// `v ← momentum · v + g` (`v = g` on the first step); `p ← p - learningRate · v`.
/// Reference: Sutskever et al., "On the importance of initialization and momentum in deep
/// learning", ICML 2013.
public struct SGD: Optimizer, Sendable {
    /// The step size.
    public var learningRate: Float
    /// The velocity decay; 0 is plain SGD.
    public var momentum: Float
    /// The L2 penalty coefficient added to the gradient.
    public var weightDecay: Float
    /// Clip gradients to this global L2 norm; `nil` never clips.
    public var maxGradientNorm: Float?
    /// Velocities by parameter name.
    public private(set) var velocity: [String: Tensor] = [:]

    /// Creates the optimizer.
    public init(
        learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
        maxGradientNorm: Float? = nil
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
    }

    /// See `Optimizer.step(_:)`.
    @discardableResult
    public mutating func step(_ parameters: [NamedParameter]) throws -> OptimizerStepReport {
        let prepared = try PreparedGradients(parameters, maxGradientNorm: maxGradientNorm)
        for (parameter, gradient) in prepared.entries {
            let p = parameter.variable
            var direction = gradient
            if weightDecay != 0 { direction = direction + p.value * weightDecay }
            if momentum != 0 {
                if var v = velocity.removeValue(forKey: parameter.name) {
                    precondition(
                        v.shape == direction.shape,
                        "SGD: \(parameter.name) has shape \(direction.shape) but its velocity \(v.shape); use a new optimizer for a new model")
                    v.scalars.withUnsafeMutableBufferPointer { vb in
                        direction.scalars.withUnsafeBufferPointer { gb in
                            for i in 0..<vb.count { vb[i] = momentum * vb[i] + gb[i] }
                        }
                    }
                    direction = v
                }
                velocity[parameter.name] = direction
            }
            let rate = learningRate
            p.updateValue { values in
                direction.scalars.withUnsafeBufferPointer { d in
                    values.withUnsafeMutableBufferPointer { w in
                        for i in 0..<w.count { w[i] -= rate * d[i] }
                    }
                }
            }
        }
        return prepared.report
    }
}
