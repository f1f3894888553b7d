import Tensor

/// The training-time twin of a `DenseStack`: the same layers as graph variables with gradients,
/// `x_(l+1) = activation_l(x_l · weight_l + bias_l)` recorded for `backward()`.
///
/// Parameters are named like the stack's checkpoint keys (`<name>.<layer>.weight`,
/// `<name>.<layer>.bias`), so an optimizer's state and a checkpoint use the same names. Lives
/// on one training thread only; `snapshot()` turns it back into a `Sendable` `DenseStack`.
public final class TrainableStack {
    /// The architecture (name, sizes, activations) and the initial values.
    public let template: DenseStack
    /// Each layer's weight `[in, out]`, a parameter.
    public let weights: [Variable]
    /// Each layer's bias `[out]`, a parameter.
    public let biases: [Variable]

    /// A trainable copy of `stack`'s weights.
    public init(_ stack: DenseStack) {
        template = stack
        weights = stack.weights.map { Variable($0, requiresGradient: true) }
        biases = stack.biases.map { Variable($0, requiresGradient: true) }
    }

    /// The stack applied to a graph node, `[batch, in]` -> `[batch, out]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        var x = input
        for l in 0..<weights.count {
            x = template.activations[l].apply(Variable.affine(x, weight: weights[l], bias: biases[l]))
        }
        return x
    }

    /// The output of every layer after its activation (for the sparse AE's code).
    func layerOutputs(_ input: Variable) -> [Variable] {
        var outputs: [Variable] = []
        var x = input
        for l in 0..<weights.count {
            x = template.activations[l].apply(Variable.affine(x, weight: weights[l], bias: biases[l]))
            outputs.append(x)
        }
        return outputs
    }

    /// The parameters by checkpoint key, layer by layer: `<name>.<layer>.weight`, `<name>.<layer>.bias`.
    public var parameters: [NamedParameter] {
        var out: [NamedParameter] = []
        for l in 0..<weights.count {
            out.append(NamedParameter(name: "\(template.name).\(l).weight", variable: weights[l]))
            out.append(NamedParameter(name: "\(template.name).\(l).bias", variable: biases[l]))
        }
        return out
    }

    /// The current values as a fitted stack (a copy: later training steps do not change it).
    public func snapshot() -> DenseStack {
        DenseStack(
            name: template.name, sizes: template.sizes, activations: template.activations,
            weights: weights.map(\.value), biases: biases.map(\.value))
    }
}
