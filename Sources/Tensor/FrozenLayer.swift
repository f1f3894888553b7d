/// An immutable copy of a layer for scoring: plain tensors, no graph, `Sendable`.
///
/// The training thread owns the `Variable`-based model; `layer.frozen()` copies its current
/// weights into a value that the scoring thread can hold and swap atomically. Later training
/// steps do not change a frozen copy.
public indirect enum FrozenLayer: Sendable, Equatable {
    /// `input · weight + bias`, `weight` `[in, out]`, `bias` `[out]`.
    case affine(weight: Tensor, bias: Tensor)
    /// An element-wise function.
    case activation(Activation.Function)
    /// Layers applied in order.
    case sequence([FrozenLayer])

    /// Runs the layer on `input` `[batch, features]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        switch self {
        case .affine(let weight, let bias):
            return Tensor.affine(input, weight: weight, bias: bias)
        case .activation(let function):
            return function.apply(input)
        case .sequence(let layers):
            return layers.reduce(input) { x, layer in layer(x) }
        }
    }
}

extension Activation.Function {
    /// Applies the function element-wise to a plain tensor.
    public func apply(_ input: Tensor) -> Tensor {
        switch self {
        case .relu: return input.relu()
        case .leakyReLU(let slope): return input.leakyReLU(negativeSlope: slope)
        case .sigmoid: return input.sigmoid()
        case .tanh: return input.tanh()
        case .softplus: return input.softplus()
        case .identity: return input
        }
    }
}
