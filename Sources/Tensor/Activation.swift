/// An element-wise nonlinearity as a layer without parameters.
public final class Activation: Layer {
    /// The element-wise functions available as layers.
    public enum Function: Sendable, Equatable {
        /// `max(x, 0)`.
        case relu
        /// `x` for `x > 0`, else `negativeSlope · x`.
        case leakyReLU(negativeSlope: Float)
        /// `1 / (1 + e^-x)`.
        case sigmoid
        /// `tanh x`.
        case tanh
        /// `ln(1 + e^x)`.
        case softplus
        /// `x`.
        case identity
    }

    /// The function this layer applies.
    public let function: Function

    /// Creates the layer for `function`.
    public init(_ function: Function) { self.function = function }

    /// Applies the function, recorded for `backward()`.
    public func callAsFunction(_ input: Variable) -> Variable {
        switch function {
        case .relu: return input.relu()
        case .leakyReLU(let slope): return input.leakyReLU(negativeSlope: slope)
        case .sigmoid: return input.sigmoid()
        case .tanh: return input.tanh()
        case .softplus: return input.softplus()
        case .identity: return input
        }
    }

    /// Applies the function on a plain tensor (no graph).
    public func callAsFunction(_ input: Tensor) -> Tensor { function.apply(input) }

    /// The function itself.
    public func frozen() -> FrozenLayer { .activation(function) }

    /// None.
    public var parameters: [NamedParameter] { [] }
}
