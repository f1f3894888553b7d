import Foundation

/// A generalized Pareto distribution of threshold excesses, `P(Y > y) = (1 + gamma y / sigma)^(-1/gamma)`.
///
/// `gamma = 0` is the exponential tail `exp(-y / sigma)`.
public struct GeneralizedPareto: Sendable, Equatable {
    /// The shape `gamma` (tail index); > 0 heavy tail, 0 exponential, < 0 bounded.
    public var shape: Double
    /// The scale `sigma` > 0, in the units of the excesses.
    public var scale: Double

    /// Creates a distribution from its parameters.
    public init(shape: Double, scale: Double) {
        self.shape = shape
        self.scale = scale
    }

    /// The log-likelihood of `excesses` (all >= 0); `-infinity` outside the support.
    public func logLikelihood(_ excesses: [Double]) -> Double {
        guard scale > 0 else { return -.infinity }
        let n = Double(excesses.count)
        if abs(shape) < 1e-12 {
            return -n * log(scale) - excesses.reduce(0, +) / scale
        }
        var sum = 0.0
        for y in excesses {
            let t = 1 + shape * y / scale
            guard t > 0 else { return -.infinity }
            sum += log(t)
        }
        return -n * log(scale) - (1 + 1 / shape) * sum
    }

    /// Fits `gamma` and `sigma` to `peaks` by maximum likelihood.
    ///
    /// Grimshaw's reduction (Grimshaw, Technometrics 1993; used by Siffer et al., KDD 2017): with
    /// `theta = gamma / sigma`, the likelihood is maximized over `sigma` and `gamma` by
    /// `gamma(theta) = mean_i log(1 + theta Y_i)`, `sigma = gamma / theta`, leaving the one-dimensional
    /// profile `L(theta) = -N log(gamma / theta) - N (1 + gamma)` on `theta > -1 / max Y`. Its stationary
    /// points are Grimshaw's roots; they are bracketed on a log-spaced grid on both sides of 0 and refined
    /// by golden-section search, and compared with the exponential fit (`theta -> 0`). Peaks are divided
    /// by their mean first, so the fit works for scores of any magnitude. Shapes below -1 (where the
    /// likelihood is unbounded) are excluded.
    /// - Throws: `DetectorError.tooFewPeaks` for fewer than 2 peaks, `DetectorError.tailFitFailed` when
    ///   the peaks are not finite and non-negative or all equal.
    public static func fit(peaks: [Double]) throws -> GeneralizedPareto {
        guard peaks.count >= 2 else { throw DetectorError.tooFewPeaks(needed: 2, got: peaks.count) }
        guard peaks.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw DetectorError.tailFitFailed("peaks must be finite and non-negative")
        }
        let meanPeak = peaks.reduce(0, +) / Double(peaks.count)
        guard meanPeak > 0 else { throw DetectorError.tailFitFailed("all peaks are zero") }
        let y = peaks.map { $0 / meanPeak }
        guard let yMax = y.max(), yMax > 0 else { throw DetectorError.tailFitFailed("all peaks are zero") }
        let n = Double(y.count)

        func gammaOf(_ theta: Double) -> Double {
            var sum = 0.0
            for v in y { sum += log1p(theta * v) }
            return sum / n
        }
        /// Profile log-likelihood per peak (divided by N).
        func profile(_ theta: Double) -> Double {
            guard theta > -1 / yMax else { return -.infinity }
            if abs(theta) < 1e-12 { return -log(1.0) - 1 }  // exponential with sigma = mean = 1
            let g = gammaOf(theta)
            guard g >= -1, g.isFinite else { return -.infinity }
            let sigma = g / theta
            guard sigma > 0 else { return -.infinity }
            return -log(sigma) - (1 + g)
        }

        var grid: [Double] = []
        for i in 1...120 {
            // Negative side: theta = -(1 - 10^(-u)) / yMax, u from 0.02 to 8.
            let u = Double(i) / 15
            grid.append(-(1 - pow(10, -u)) / yMax)
        }
        for i in 0...160 {
            // Positive side: theta from 1e-6 to 1e6 (peaks have mean 1).
            grid.append(pow(10, -6 + Double(i) * 0.075))
        }
        grid.sort()
        var bestTheta = 0.0
        var best = profile(0)
        var bestIndex: Int? = nil
        for (i, theta) in grid.enumerated() {
            let l = profile(theta)
            if l > best {
                best = l
                bestTheta = theta
                bestIndex = i
            }
        }
        if let i = bestIndex {
            var lo = i > 0 ? grid[i - 1] : grid[i]
            var hi = i + 1 < grid.count ? grid[i + 1] : grid[i]
            if lo < 0, hi > 0 {
                // The bracket straddles 0, where the profile is continuous; keep the best side.
                if bestTheta < 0 { hi = -1e-12 } else { lo = 1e-12 }
            }
            let ratio = (5.0.squareRoot() - 1) / 2
            var a = lo, b = hi
            for _ in 0..<100 {
                let c = b - ratio * (b - a)
                let d = a + ratio * (b - a)
                if profile(c) > profile(d) { b = d } else { a = c }
            }
            let theta = (a + b) / 2
            if profile(theta) > best {
                best = profile(theta)
                bestTheta = theta
            }
        }
        guard best.isFinite else { throw DetectorError.tailFitFailed("no finite likelihood") }
        if abs(bestTheta) < 1e-12 {
            return GeneralizedPareto(shape: 0, scale: meanPeak)
        }
        let g = gammaOf(bestTheta)
        let sigma = g / bestTheta
        guard sigma > 0, sigma.isFinite, g.isFinite else {
            throw DetectorError.tailFitFailed("degenerate parameters gamma \(g), sigma \(sigma)")
        }
        return GeneralizedPareto(shape: g, scale: sigma * meanPeak)
    }
}
