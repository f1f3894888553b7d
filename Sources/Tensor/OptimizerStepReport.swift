/// What one optimizer step did.
public struct OptimizerStepReport: Sendable, Equatable {
    /// The global L2 norm `√(Σ_p Σ_i g_pi²)` of all gradients before clipping.
    public let gradientNorm: Float
    /// Whether the gradients were scaled down to the clipping norm.
    public let clipped: Bool
}
