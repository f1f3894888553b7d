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
            precondition(
                gradient.shape == parameter.variable.shape,
                "\(parameter.name): gradient \(gradient.shape) != value \(parameter.variable.shape)")
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
