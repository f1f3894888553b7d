import Foundation

/// Threshold calibration on held-out normal scores at a target false-positive rate.
public enum Threshold {
    /// Calibrates an alert threshold so that about `targetFalsePositiveRate` of normal scores exceed it.
    ///
    /// - `.quantile`: the order statistic `s_(k)` with `k = ceil((n + 1)(1 - alpha))` (1-based,
    ///   ascending). A fresh normal score exceeds the `k`-th of `n` with probability
    ///   `(n - k + 1) / (n + 1)` on average over calibration samples (for any continuous score
    ///   distribution: the order statistic's coverage is Beta-distributed), so this `k` keeps the
    ///   expected false-positive rate at or below `alpha` at every `n`, where `ceil(n (1 - alpha))`
    ///   exceeded it on small held-out sets (1.98% for a 1% target at `n = 100`). Needs
    ///   `n >= 1 / alpha`.
    /// - `.peaksOverThreshold`: SPOT's initialization (Siffer et al., KDD 2017, section 3-4): an
    ///   initial threshold `t` at the empirical `1 - tailFraction` quantile, the peaks `Y_i = s_i - t`
    ///   of the scores above it fitted by a generalized Pareto distribution (`GeneralizedPareto.fit`),
    ///   and `z = t + sigma / gamma * ((alpha * n / N_t)^(-gamma) - 1)` (`t - sigma * log(alpha n / N_t)`
    ///   when `gamma = 0`). `tailFraction = max(0.02, 2 alpha)`, so it resolves rates far below `1 / n`.
    ///
    /// - Parameters:
    ///   - scores: anomaly scores of held-out normal data (higher = more anomalous); non-finite ones are
    ///     counted as larger than every finite one.
    ///   - targetFalsePositiveRate: `alpha`, in (0, 1); for peaks-over-threshold at most 0.25.
    ///   - minimumPeaks: the fewest peaks a tail fit accepts.
    /// - Throws: `DetectorError.invalidFalsePositiveRate`, `DetectorError.tooFewSamples` (quantile
    ///   with `n < 1 / alpha`, or no finite scores), `DetectorError.tooFewPeaks`,
    ///   `DetectorError.tailFitFailed`.
    public static func calibrate(
        scores: [Float], targetFalsePositiveRate: Double, method: ThresholdMethod, minimumPeaks: Int = 10
    ) throws -> ThresholdValue {
        let alpha = targetFalsePositiveRate
        guard alpha > 0, alpha < 1, alpha.isFinite else { throw DetectorError.invalidFalsePositiveRate(alpha) }
        let finite = scores.filter { $0.isFinite }.map(Double.init)
        let n = scores.count
        guard !finite.isEmpty else { throw DetectorError.tooFewSamples(needed: 1, got: 0, purpose: "threshold calibration (finite scores)") }
        // Non-finite scores sit above every finite one: they only matter by their count.
        let sorted = finite.sorted() + Array(repeating: Double.infinity, count: n - finite.count)
        switch method {
        case .quantile:
            let needed = Int((1 / alpha).rounded(.up))
            guard n >= needed else {
                throw DetectorError.tooFewSamples(needed: needed, got: n, purpose: "a quantile threshold at rate \(alpha)")
            }
            // The 1e-9 keeps an exact product (e.g. 200 x 0.99) from rounding up a whole rank.
            let k = Int((Double(n + 1) * (1 - alpha) - 1e-9).rounded(.up))
            let value = sorted[max(0, min(n - 1, k - 1))]
            guard value.isFinite else {
                throw DetectorError.tooFewSamples(needed: needed, got: finite.count, purpose: "a quantile threshold (finite scores)")
            }
            return ThresholdValue(method: .quantile, value: value, targetFalsePositiveRate: alpha, sampleCount: n)
        case .peaksOverThreshold:
            guard alpha <= 0.25 else {
                throw DetectorError.invalidOption(
                    name: "targetFalsePositiveRate", value: "\(alpha)",
                    reason: "peaks-over-threshold extrapolates rare tails; use the quantile method above 0.25")
            }
            let tailFraction = max(0.02, 2 * alpha)
            let k = Int((Double(n) * (1 - tailFraction)).rounded(.up))
            let initial = sorted[max(0, min(n - 1, k - 1))]
            guard initial.isFinite else {
                throw DetectorError.tooFewPeaks(needed: minimumPeaks, got: 0)
            }
            let peaks = sorted.filter { $0 > initial && $0.isFinite }.map { $0 - initial }
            guard peaks.count >= minimumPeaks else {
                throw DetectorError.tooFewPeaks(needed: minimumPeaks, got: peaks.count)
            }
            let tail = try GeneralizedPareto.fit(peaks: peaks)
            let ratio = alpha * Double(n) / Double(peaks.count)
            let excess: Double
            if abs(tail.shape) < 1e-9 {
                excess = -tail.scale * log(ratio)
            } else {
                excess = tail.scale / tail.shape * (pow(ratio, -tail.shape) - 1)
            }
            let value = initial + excess
            guard value.isFinite else { throw DetectorError.tailFitFailed("extrapolated threshold is not finite") }
            return ThresholdValue(
                method: .peaksOverThreshold, value: value, targetFalsePositiveRate: alpha, sampleCount: n,
                initialThreshold: initial, peakCount: peaks.count, shape: tail.shape, scale: tail.scale)
        }
    }
}
