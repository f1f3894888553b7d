/// A differentiable sample of `N(mean, e^logVariance)`: `z = mean + e^(½ logVariance) ⊙ ε`,
/// `ε ~ N(0, I)` drawn from `generator` (the reparameterization trick of Kingma and Welling,
/// "Auto-Encoding Variational Bayes", ICLR 2014).
///
/// Shapes: `mean`, `logVariance` and `z` `[batch, latentDimensions]`. Gradients flow to both
/// `mean` and `logVariance`; ε is a constant.
/// - Precondition: equal shapes.
public func reparameterize(
    mean: Variable, logVariance: Variable, using generator: inout Xoshiro256StarStar
) -> Variable {
    precondition(
        mean.shape == logVariance.shape,
        "reparameterize: mean \(mean.shape) != logVariance \(logVariance.shape)")
    let noise = Tensor.randomNormal(mean.shape, using: &generator)
    return mean + (logVariance * 0.5).exp() * noise
}

/// The same sample on plain tensors, for scoring: `mean + e^(½ logVariance) ⊙ ε`.
/// - Precondition: equal shapes.
public func reparameterize(
    mean: Tensor, logVariance: Tensor, using generator: inout Xoshiro256StarStar
) -> Tensor {
    precondition(
        mean.shape == logVariance.shape,
        "reparameterize: mean \(mean.shape) != logVariance \(logVariance.shape)")
    let noise = Tensor.randomNormal(mean.shape, using: &generator)
    return mean + (logVariance * 0.5).exp() * noise
}
