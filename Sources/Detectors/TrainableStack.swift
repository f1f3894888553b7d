import Tensor

/// The training-time twin of a `DenseStack`: the same layers as graph variables with gradients.
///
/// Lives on one training thread only; `snapshot()` turns it back into a `Sendable` `DenseStack`.
final class TrainableStack {
    let template: DenseStack
    let weights: [Variable]
    let biases: [Variable]

    init(_ stack: DenseStack) {
        template = stack
        weights = stack.weights.map { Variable($0, requiresGradient: true) }
        biases = stack.biases.map { Variable($0, requiresGradient: true) }
    }

    /// The stack applied to a graph node, `[batch, in]` -> `[batch, out]`.
    func callAsFunction(_ input: Variable) -> Variable {
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

    var parameters: [NamedParameter] {
        var out: [NamedParameter] = []
        for l in 0..<weights.count {
            out.append(NamedParameter(name: "\(template.name).\(l).weight", variable: weights[l]))
            out.append(NamedParameter(name: "\(template.name).\(l).bias", variable: biases[l]))
        }
        return out
    }

    /// The current values as a fitted stack.
    func snapshot() -> DenseStack {
        DenseStack(
            name: template.name, sizes: template.sizes, activations: template.activations,
            weights: weights.map(\.value), biases: biases.map(\.value))
    }
}
