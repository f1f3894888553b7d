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
