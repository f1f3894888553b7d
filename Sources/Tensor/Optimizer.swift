/// A gradient-descent method: updates parameters in place from their gradients.
public protocol Optimizer {
    /// Applies one update to every parameter that has a gradient, then clears the gradients.
    ///
    /// A step whose gradients are not all finite is refused: no value or optimizer state
    /// changes, the gradients are cleared, and the step throws.
    /// - Throws: `OptimizerError.nonFiniteGradients` naming the parameters.
    /// - Returns: the global gradient norm and whether it was clipped.
    @discardableResult
    mutating func step(_ parameters: [NamedParameter]) throws -> OptimizerStepReport
}

/// What one optimizer step did.
public struct OptimizerStepReport: Sendable, Equatable {
    /// The global L2 norm `√(Σ_p Σ_i g_pi²)` of all gradients before clipping.
    public let gradientNorm: Float
    /// Whether the gradients were scaled down to the clipping norm.
    public let clipped: Bool
}

/// Why an optimizer refused a step.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// Some gradients hold NaN or infinity; nothing was applied.
    case nonFiniteGradients(parameters: [String])

    public var description: String {
        switch self {
        case .nonFiniteGradients(let names):
            return "optimizer step refused: non-finite gradients in \(names.joined(separator: ", "))"
        }
    }
}

/// The gradients of one step, checked and clipped.
struct PreparedGradients {
    var entries: [(parameter: NamedParameter, gradient: Tensor)]
    var report: OptimizerStepReport

    /// Collects gradients, refuses non-finite ones, and clips by global norm:
    /// `g ← g · maxNorm / (norm + 1e-6)` when `norm > maxNorm` (as PyTorch's `clip_grad_norm_`).
    /// Clears the parameters' gradients in every case.
    init(_ parameters: [NamedParameter], maxGradientNorm: Float?) throws {
        entries = []
        entries.reserveCapacity(parameters.count)
        var bad: [String] = []
        var squaredNorm: Double = 0
        for parameter in parameters {
            guard let gradient = parameter.variable.gradient else { continue }
            parameter.variable.gradient = nil
            var sum: Double = 0
            gradient.scalars.withUnsafeBufferPointer { g in
                for x in g { sum += Double(x) * Double(x) }
            }
            if !sum.isFinite || !gradient.isFinite { bad.append(parameter.name) }
            squaredNorm += sum
            entries.append((parameter, gradient))
        }
        if !bad.isEmpty {
            entries = []
            throw OptimizerError.nonFiniteGradients(parameters: bad)
        }
        let norm = Float(squaredNorm.squareRoot())
        var clipped = false
        if let maxNorm = maxGradientNorm, norm > maxNorm {
            let scale = maxNorm / (norm + 1e-6)
            for index in entries.indices { entries[index].gradient = entries[index].gradient * scale }
            clipped = true
        }
        report = OptimizerStepReport(gradientNorm: norm, clipped: clipped)
    }
}
