/// A fully connected layer: `output = input · weight + bias`.
///
/// Shapes: `input` `[batch, inputDimensions]`, `weight` `[inputDimensions, outputDimensions]`
/// (the one layout of this engine: `[in, out]`), `bias` `[outputDimensions]`, `output`
/// `[batch, outputDimensions]`. Parameters are named `weight` and `bias`.
public final class Linear: Layer {
    /// The weight matrix `[inputDimensions, outputDimensions]`.
    public let weight: Variable
    /// The bias row `[outputDimensions]`, initialized to zero (uniform for `.uniformFanIn`).
    public let bias: Variable

    /// How the weight is drawn at creation.
    public enum Initialization: Sendable {
        /// Glorot (Xavier) uniform: `U(-a, a)`, `a = √(6 / (in + out))`, for tanh/sigmoid/linear
        /// layers (Glorot and Bengio, AISTATS 2010).
        case glorot
        /// He (Kaiming) normal: `N(0, 2 / in)`, for ReLU layers (He et al., ICCV 2015).
        case he
        /// PyTorch's `nn.Linear` default: weight and bias both `U(-a, a)`, `a = 1/√in`
        /// (`kaiming_uniform_` with `a = √5`); for parity with models trained by PyTorch.
        case uniformFanIn
        /// Every weight zero (tests, or a layer loaded from a checkpoint right after).
        case zeros
    }

    /// Creates a layer with weights drawn from `generator` by `initialization`.
    /// - Precondition: positive dimensions.
    public init(
        _ inputDimensions: Int, _ outputDimensions: Int, initialization: Initialization = .glorot,
        using generator: inout Xoshiro256StarStar
    ) {
        precondition(
            inputDimensions > 0 && outputDimensions > 0,
            "Linear: dimensions must be positive, got \(inputDimensions) -> \(outputDimensions)")
        let shape = [inputDimensions, outputDimensions]
        let initial: Tensor
        switch initialization {
        case .glorot:
            let a = (6 / Float(inputDimensions + outputDimensions)).squareRoot()
            initial = .randomUniform(shape, lowerBound: -a, upperBound: a, using: &generator)
        case .he:
            let deviation = (2 / Float(inputDimensions)).squareRoot()
            initial = .randomNormal(shape, standardDeviation: deviation, using: &generator)
        case .uniformFanIn:
            let a = 1 / Float(inputDimensions).squareRoot()
            initial = .randomUniform(shape, lowerBound: -a, upperBound: a, using: &generator)
        case .zeros:
            initial = .zeros(shape)
        }
        weight = Variable(initial, requiresGradient: true)
        if initialization == .uniformFanIn {
            let a = 1 / Float(inputDimensions).squareRoot()
            bias = Variable(
                .randomUniform([outputDimensions], lowerBound: -a, upperBound: a, using: &generator),
                requiresGradient: true)
        } else {
            bias = Variable(.zeros([outputDimensions]), requiresGradient: true)
        }
    }

    /// The number of input features.
    public var inputDimensions: Int { weight.shape[0] }
    /// The number of output features.
    public var outputDimensions: Int { weight.shape[1] }

    /// `input · weight + bias`, recorded for `backward()`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.affine(input, weight: weight, bias: bias)
    }

    /// `input · weight + bias` on plain tensors (no graph).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.affine(input, weight: weight.value, bias: bias.value)
    }

    /// The current weights as an immutable affine map.
    public func frozen() -> FrozenLayer { .affine(weight: weight.value, bias: bias.value) }

    /// `weight` and `bias`.
    public var parameters: [NamedParameter] {
        [NamedParameter(name: "weight", variable: weight), NamedParameter(name: "bias", variable: bias)]
    }
}
