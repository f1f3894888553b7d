#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean squared error `(1/n) Σ_i (prediction_i - target_i)²` over all `n` elements, fused.
///
/// Shapes: `prediction` and `target` both `[batch, features]` (any equal shapes). The
/// gradient is `2 (prediction - target) / n`. For an autoencoder this is the mean
/// reconstruction error of the batch.
/// - Precondition: equal shapes (both in the message).
public func meanSquaredError(_ prediction: Variable, _ target: Tensor) -> Variable {
    precondition(
        prediction.shape == target.shape,
        "meanSquaredError: prediction \(prediction.shape) != target \(target.shape)")
    let difference = prediction.value - target
    let n = Float(difference.count)
    let loss = difference.scalars.withUnsafeBufferPointer { d in
        var total: Float = 0
        for x in d { total += x * x }
        return total / n
    }
    return Variable(Tensor(scalar: loss), parents: [prediction]) { g in
        prediction.accumulate(difference * (2 * g.scalar / n))
    }
}

/// Binary cross-entropy between targets in `[0, 1]` and `σ(logits)`, averaged over all elements.
///
/// Per element `max(z, 0) - z t + ln(1 + e^-|z|)`, which equals `-t ln σ(z) - (1-t) ln(1-σ(z))`
/// without overflow for any `z`; gradient `(σ(z) - t) / n`. Shapes: `[batch, features]`.
/// - Precondition: equal shapes.
public func binaryCrossEntropy(logits: Variable, targets: Tensor) -> Variable {
    precondition(
        logits.shape == targets.shape,
        "binaryCrossEntropy: logits \(logits.shape) != targets \(targets.shape)")
    let z = logits.value
    let n = Float(z.count)
    let perElement = Tensor.broadcasting(z, targets) { zi, ti in
        max(zi, 0) - zi * ti + log1pf(expf(-abs(zi)))
    }
    return Variable(Tensor(scalar: perElement.sum() / n), parents: [logits]) { g in
        let scale = g.scalar / n
        logits.accumulate(Tensor.broadcasting(z, targets) { zi, ti in (Tensor.sigmoid(zi) - ti) * scale })
    }
}

/// Gaussian negative log-likelihood of `target` under `N(mean, e^logVariance)`, in nats:
/// `½ Σ_features [ln 2π + logVariance + (target - mean)² e^-logVariance]`, averaged over the
/// batch (the first axis).
///
/// Shapes: `target` and `mean` `[batch, features]`; `logVariance` `[batch, features]`, or a
/// learned row `[features]`, or `[]` (broadcasting). With `logVariance = 0` this is
/// `½ Σ (target - mean)² + (features/2) ln 2π`, the VAE decoder term with unit variance.
public func gaussianNegativeLogLikelihood(
    _ target: Tensor, mean: Variable, logVariance: Variable
) -> Variable {
    let batch = Float(Swift.max(target.shape.first ?? 1, 1))
    let logTwoPi = Float(LossConstants.logTwoPi)
    let squaredError = (mean - target).squared()
    let perElement = 0.5 * (logVariance + squaredError * (-logVariance).exp() + logTwoPi)
    // Broadcast a row or scalar log-variance to the full shape before summing.
    return (perElement + Tensor.zeros(target.shape)).sum() / batch
}

/// KL divergence `KL(N(mean, e^logVariance) ‖ N(0, I))` of a diagonal Gaussian, in nats:
/// `½ Σ_latent (mean² + e^logVariance - 1 - logVariance)`, averaged over the batch.
///
/// Shapes: `mean`, `logVariance` `[batch, latentDimensions]`. Exactly 0 when `mean = 0` and
/// `logVariance = 0`. Reference: Kingma and Welling, "Auto-Encoding Variational Bayes",
/// ICLR 2014, appendix B.
public func klDivergence(mean: Variable, logVariance: Variable) -> Variable {
    let batch = Float(Swift.max(mean.shape.first ?? 1, 1))
    let perElement = mean.squared() + logVariance.exp() - logVariance - 1
    return 0.5 * perElement.sum() / batch
}

/// The sparsity penalty `Σ_j KL(ρ ‖ ρ̂_j)` between Bernoulli distributions with means
/// `sparsityTarget` ρ and the mean activations ρ̂_j of hidden unit `j` over the batch, in nats:
/// `ρ ln(ρ/ρ̂_j) + (1-ρ) ln((1-ρ)/(1-ρ̂_j))`.
///
/// Shapes: `activations` `[batch, hiddenDimensions]`, values in `[0, 1]` (sigmoid units).
/// ρ̂ is clamped to `[1e-6, 1 - 1e-6]` so a dead unit gives a large finite penalty; the
/// gradient is 0 where the clamp is active. Reference: Ng, "Sparse autoencoder", CS294A
/// lecture notes, 2011.
/// - Precondition: `0 < sparsityTarget < 1` and rank-2 activations.
public func bernoulliKLDivergence(sparsityTarget rho: Float, activations: Variable) -> Variable {
    precondition(rho > 0 && rho < 1, "bernoulliKLDivergence: sparsityTarget \(rho) not in (0, 1)")
    precondition(activations.shape.count == 2, "bernoulliKLDivergence: activations \(activations.shape) not [batch, hidden]")
    let epsilon: Float = 1e-6
    let batch = Float(activations.shape[0])
    let meanActivation = activations.value.mean(alongAxis: 0)
    let clamped = meanActivation.map { Swift.min(Swift.max($0, epsilon), 1 - epsilon) }
    let perUnit = clamped.map { rhoHat in
        rho * logf(rho / rhoHat) + (1 - rho) * logf((1 - rho) / (1 - rhoHat))
    }
    let shape = activations.shape
    return Variable(Tensor(scalar: perUnit.sum()), parents: [activations]) { g in
        // ∂/∂ρ̂_j = -ρ/ρ̂_j + (1-ρ)/(1-ρ̂_j); ∂ρ̂_j/∂a_bj = 1/batch.
        let row = Tensor.broadcasting(meanActivation, clamped) { raw, rhoHat in
            (raw < epsilon || raw > 1 - epsilon) ? 0 : (-rho / rhoHat + (1 - rho) / (1 - rhoHat))
        }
        activations.accumulate((row * (g.scalar / batch)).broadcast(to: shape))
    }
}

enum LossConstants {
    /// `ln 2π`.
    static let logTwoPi: Double = 1.8378770664093454835606594728112
}
