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
