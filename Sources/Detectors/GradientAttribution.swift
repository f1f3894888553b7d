import Tensor

/// Feature attributions by gradient × input (Shrikumar et al., "Learning Important Features Through
/// Propagating Activation Differences", ICML 2017, the gradient × input baseline; Simonyan et al., 2014).
enum GradientAttribution {
    /// `|g_f · z_f|` normalized to sum to 1 per row, `[samples, features]`; a row whose products are all 0
    /// (or not finite) gets equal shares `1/D`.
    /// - Precondition: equal rank-2 shapes.
    static func shares(gradient: Tensor, input: Tensor) -> Tensor {
        precondition(gradient.shape == input.shape && input.rank == 2, "GradientAttribution: gradient \(gradient.shape) vs input \(input.shape)")
        let n = input.shape[0], d = input.shape[1]
        var out = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            var total: Float = 0
            for j in (r * d)..<((r + 1) * d) {
                out[j] = abs(gradient.scalars[j] * input.scalars[j])
                total += out[j]
            }
            for j in (r * d)..<((r + 1) * d) { out[j] = total > 0 && total.isFinite ? out[j] / total : 1 / Float(d) }
        }
        return Tensor(shape: [n, d], scalars: out)
    }
}
