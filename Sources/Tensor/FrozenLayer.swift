#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            var x = input
            for layer in layers {
                if case .activation(let function) = layer, x.scalars.count > 0 {
                    function.applyInPlace(&x)  // x is this loop's own buffer: no allocation
                } else {
                    x = layer(x)
                }
            }
            return x
        }
    }
}

extension Activation.Function {
    /// Applies the function element-wise in place.
    public func applyInPlace(_ tensor: inout Tensor) {
        switch self {
        case .relu: tensor.updateEach { $0 > 0 ? $0 : 0 }
        case .leakyReLU(let slope): tensor.updateEach { $0 > 0 ? $0 : slope * $0 }
        case .sigmoid: tensor.updateEach(Tensor.sigmoid)
        case .tanh: tensor = tensor.tanh()
        case .softplus: tensor.updateEach(Tensor.softplus)
        case .identity: break
        }
    }

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
