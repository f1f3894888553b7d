import Tensor

extension ActivationKind {
    /// Applies the nonlinearity to a plain tensor (scoring, no graph).
    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .leakyReLU: x.leakyReLU(negativeSlope: 0.01)
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .identity: x
        }
    }

    /// Applies the nonlinearity to a plain tensor in place (scoring): ReLU without a new array,
    /// the same values as `apply(_:)`.
    func applyInPlace(_ x: inout Tensor) {
        guard self == .relu else {
            if self != .identity { x = apply(x) }
            return
        }
        x.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = p[i] > 0 ? p[i] : 0 }
        }
    }

    /// Applies the nonlinearity to a graph node (training).
    func apply(_ x: Variable) -> Variable {
        switch self {
        case .relu: x.relu()
        case .leakyReLU: x.leakyReLU(negativeSlope: 0.01)
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .identity: x
        }
    }

    /// Whether He initialization suits a layer followed by this nonlinearity (else Glorot).
    var prefersHeInitialization: Bool { self == .relu || self == .leakyReLU }
}
