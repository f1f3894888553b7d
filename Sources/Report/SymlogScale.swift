import Foundation

/// A symmetric logarithmic scale: `f(x) = sign(x) · log10(1 + |x| / c)`.
///
/// Linear near zero (|x| ≪ c), logarithmic far from it (|x| ≫ c), defined for zero and negative
/// scores, which a plain log axis is not. Reference: Webber, "A bi-symmetric log transformation
/// for wide-range data", Meas. Sci. Technol. 24 (2013).
struct SymlogScale: Equatable {
    /// The linear-region half-width `c` (> 0), in score units.
    var constant: Double

    /// `f(x)`; finite for every finite x (no overflow for |x| near `Double.greatestFiniteMagnitude`).
    func transform(_ x: Double) -> Double {
        let ratio = abs(x) / constant
        let magnitude = ratio.isFinite ? log1p(ratio) / M_LN10 : log10(abs(x)) - log10(constant)
        return x < 0 ? -magnitude : magnitude
    }

    /// The inverse of `transform`: `sign(y) · c · (10^|y| − 1)`.
    func inverse(_ y: Double) -> Double {
        let magnitude = constant * expm1(abs(y) * M_LN10)
        return y < 0 ? -magnitude : magnitude
    }

    /// The scale for a set of scores and thresholds.
    ///
    /// Scores of one sign (an AE's reconstruction error): `c` is the 5th percentile of the
    /// nonzero |score|, capped at a tenth of the smallest nonzero |threshold|, so the bulk of the
    /// scores and the threshold sit on the logarithmic part. Scores of both signs (5 % or more
    /// negative, a VAE's negative log-likelihood): `c` is the median |score|, so the bulk is
    /// drawn nearly linearly and only the tails are compressed. 1 without usable values.
    static func fitted(scores: [Double], thresholds: [Double]) -> SymlogScale {
        // A strided sample keeps this cheap for very long traces.
        let stride = max(1, scores.count / 20_000)
        var magnitudes: [Double] = []
        magnitudes.reserveCapacity(min(scores.count, 20_001))
        var negatives = 0
        var i = 0
        while i < scores.count {
            let score = scores[i]
            if score.isFinite && score != 0 {
                magnitudes.append(abs(score))
                if score < 0 { negatives += 1 }
            }
            i += stride
        }
        var constant = Double.infinity
        if !magnitudes.isEmpty {
            magnitudes.sort()
            let mixedSigns = negatives * 20 >= magnitudes.count
            constant = magnitudes[Int(Double(magnitudes.count - 1) * (mixedSigns ? 0.5 : 0.05))]
            if !mixedSigns {
                for threshold in thresholds where threshold.isFinite && threshold != 0 {
                    constant = min(constant, abs(threshold) / 10)
                }
            }
        } else {
            for threshold in thresholds where threshold.isFinite && threshold != 0 {
                constant = min(constant, abs(threshold) / 10)
            }
        }
        guard constant.isFinite, constant >= Double.leastNormalMagnitude * 1e10 else {
            return SymlogScale(constant: 1)
        }
        return SymlogScale(constant: constant)
    }

    /// Tick values for the transformed range `low...high` drawn over `pixels`, at least
    /// `spacing` pixels apart: 0, then powers of ten, then 5 and 2 times them, then (only when
    /// fewer than three fit) evenly spaced round numbers, each kept if it is far enough from
    /// those already kept. Sorted ascending.
    func ticks(low: Double, high: Double, pixels: Double, spacing: Double = 18) -> [Double] {
        guard high > low, pixels > 0 else { return [] }
        let perUnit = pixels / (high - low)
        // The ends widened by rounding error, so a range ending exactly at 1000 offers 1000.
        let slack = 1e-9 * max(abs(inverse(low)), abs(inverse(high)))
        let lowValue = inverse(low) - slack, highValue = inverse(high) + slack
        var kept: [Double] = []  // transformed positions
        var values: [Double] = []
        func offer(_ value: Double) {
            guard value >= lowValue, value <= highValue else { return }
            let y = transform(value)
            guard kept.allSatisfy({ abs($0 - y) * perUnit >= spacing }) else { return }
            kept.append(y)
            values.append(value)
        }
        offer(0)
        let largest = max(abs(lowValue), abs(highValue))
        if largest > 0 {
            let top = Int(log10(largest).rounded(.up))
            let bottom = max(top - 40, Int(log10(constant).rounded(.down)) - 1)
            for multiplier in [1.0, 5, 2] {
                for exponent in stride(from: top, through: bottom, by: -1) {
                    let value = multiplier * pow(10, Double(exponent))
                    offer(value)
                    offer(-value)
                }
            }
        }
        if values.count < 3 {
            let step = Self.niceStep((highValue - lowValue) / 4)
            if step > 0 && step.isFinite {
                var value = (lowValue / step).rounded(.up) * step
                var guardCount = 0
                while value <= highValue && guardCount < 20 {
                    offer(abs(value) < step * 1e-9 ? 0 : value)
                    value += step
                    guardCount += 1
                }
            }
        }
        return values.sorted()
    }

    /// The round number (1, 2 or 5 times a power of ten) nearest above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 0 }
        let power = pow(10, log10(rough).rounded(.down))
        for multiplier in [1.0, 2, 5, 10] where multiplier * power >= rough * 0.999 {
            return multiplier * power
        }
        return 10 * power
    }
}
