import Foundation
import Tensor

/// A fitted stack of affine layers, `x_(l+1) = activation_l(x_l · weight_l + bias_l)`, as plain tensors.
///
/// Weights are `[in, out]` (the engine's layout), biases `[out]`. Parameter names are
/// `<name>.<layer>.weight` and `<name>.<layer>.bias`, the checkpoint keys. A value type, so a fitted
/// detector holding it is `Sendable` and immutable.
public struct DenseStack: Sendable, Equatable {
    /// The prefix of this stack's parameter names, e.g. `"encoder"`.
    public let name: String
    /// The layer widths, input first: `[D, 64, 16]` has two layers.
    public let sizes: [Int]
    /// The nonlinearity after each layer.
    public let activations: [ActivationKind]
    /// Each layer's weight `[in, out]`.
    public let weights: [Tensor]
    /// Each layer's bias `[out]`.
    public let biases: [Tensor]

    /// Creates a stack from its tensors.
    /// - Precondition: shapes agree with `sizes`, one activation per layer.
    public init(name: String, sizes: [Int], activations: [ActivationKind], weights: [Tensor], biases: [Tensor]) {
        precondition(sizes.count >= 2 && activations.count == sizes.count - 1, "DenseStack \(name): sizes \(sizes), \(activations.count) activations")
        precondition(weights.count == activations.count && biases.count == activations.count, "DenseStack \(name): \(weights.count) weights, \(biases.count) biases for \(activations.count) layers")
        for l in 0..<activations.count {
            precondition(weights[l].shape == [sizes[l], sizes[l + 1]], "DenseStack \(name).\(l): weight \(weights[l].shape) vs [\(sizes[l]), \(sizes[l + 1])]")
            precondition(biases[l].shape == [sizes[l + 1]], "DenseStack \(name).\(l): bias \(biases[l].shape) vs [\(sizes[l + 1])]")
        }
        self.name = name
        self.sizes = sizes
        self.activations = activations
        self.weights = weights
        self.biases = biases
    }

    /// A freshly initialized stack: He initialization before ReLU-like activations, Glorot otherwise; zero biases.
    public static func initialized(
        name: String, sizes: [Int], activations: [ActivationKind], using generator: inout Xoshiro256StarStar
    ) -> DenseStack {
        var weights: [Tensor] = []
        for l in 0..<activations.count {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            if activations[l].prefersHeInitialization {
                weights.append(.randomNormal([fanIn, fanOut], standardDeviation: (2 / Float(fanIn)).squareRoot(), using: &generator))
            } else {
                let a = (6 / Float(fanIn + fanOut)).squareRoot()
                weights.append(.randomUniform([fanIn, fanOut], lowerBound: -a, upperBound: a, using: &generator))
            }
        }
        return DenseStack(name: name, sizes: sizes, activations: activations, weights: weights, biases: sizes.dropFirst().map { Tensor.zeros([$0]) })
    }

    /// The stack's output for `input`, `[batch, sizes.first]` -> `[batch, sizes.last]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        for l in 0..<weights.count {
            // ReLU is applied with the bias, in the same pass.
            let rectified = activations[l] == .relu
            x = Tensor.affine(x, weight: weights[l], bias: biases[l], rectified: rectified)
            if !rectified { activations[l].applyInPlace(&x) }
        }
        return x
    }

    /// The named parameters, checkpoint keys first: `<name>.<layer>.weight`, `<name>.<layer>.bias`.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for l in 0..<weights.count {
            out.append(("\(name).\(l).weight", weights[l]))
            out.append(("\(name).\(l).bias", biases[l]))
        }
        return out
    }

    /// Rebuilds a stack of this architecture from checkpoint tensors.
    /// - Throws: `DetectorError.corruptModel` when a tensor is missing or has the wrong shape.
    public func loading(_ tensors: [String: Tensor]) throws -> DenseStack {
        var weights: [Tensor] = [], biases: [Tensor] = []
        for l in 0..<activations.count {
            guard let w = tensors["\(name).\(l).weight"], w.shape == [sizes[l], sizes[l + 1]],
                  let b = tensors["\(name).\(l).bias"], b.shape == [sizes[l + 1]]
            else { throw DetectorError.corruptModel("\(name).\(l): missing or misshaped parameters") }
            weights.append(w)
            biases.append(b)
        }
        return DenseStack(name: name, sizes: sizes, activations: activations, weights: weights, biases: biases)
    }

    /// Whether every parameter is finite.
    public var isFinite: Bool { weights.allSatisfy(\.isFinite) && biases.allSatisfy(\.isFinite) }
}
