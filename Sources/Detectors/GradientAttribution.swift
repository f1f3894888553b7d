import Tensor

/// Feature attributions by gradient × input (Shrikumar et al., "Learning Important Features Through
/// Propagating Activation Differences", ICML 2017, the gradient × input baseline; Simonyan et al., 2014).
enum GradientAttribution {
    /// `|g_f · z_f|` as shares of each row's sum (`FeatureAttribution.shares`), `[samples, features]`;
    /// a row whose products are all 0 (or not finite) gets equal shares `1/D`.
    /// - Precondition: equal rank-2 shapes.
    static func shares(gradient: Tensor, input: Tensor) -> Tensor {
        precondition(gradient.shape == input.shape && input.rank == 2, "GradientAttribution: gradient \(gradient.shape) vs input \(input.shape)")
        let products = zip(gradient.scalars, input.scalars).map { abs($0 * $1) }
        return FeatureAttribution.shares(Tensor(shape: input.shape, scalars: products), features: input.shape[1])
    }
}
