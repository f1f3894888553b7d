import Foundation
import Tensor
import Testing
@testable import Detectors

@Suite struct ThresholdTests {
    static func exponential(_ n: Int, rate: Double, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Float(-log(rng.nextOpenUnit()) / rate) }
    }

    /// Pareto with minimum `xm` and index `a`: P(X > x) = (xm / x)^a.
    static func pareto(_ n: Int, xm: Double, a: Double, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Float(xm * pow(rng.nextOpenUnit(), -1 / a)) }
    }

    @Test func quantileOfSmallHandCase() throws {
        let scores: [Float] = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
        let t = try Threshold.calibrate(scores: scores, targetFalsePositiveRate: 0.2, method: .quantile)
        // k = ceil(11 x 0.8) = 9: one of 10 lies above, and a fresh score exceeds the 9th of 10
        // with probability 2/11 <= 0.2 (the 8th: 3/11).
        #expect(t.value == 9)
        #expect(t.sampleCount == 10)
        #expect(t.isAnomalous(10) && !t.isAnomalous(9))
    }

    /// The calibrated rate meets the target on average at every held-out size the daemon may
    /// have: over many seeds, the true exceedance probability of the threshold (exponential
    /// scores, so `P(X > t) = e^-t`) averages at most the target plus three standard errors.
    @Test(arguments: [100, 150, 250, 1_000])
    func quantileMeetsItsTargetOnSmallHeldOutSets(n: Int) throws {
        let alpha = 0.01
        let seeds = 3_000
        var rates: [Double] = []
        for seed in 0..<seeds {
            let scores = Self.exponential(n, rate: 1, seed: UInt64(1_000 + seed))
            let t = try Threshold.calibrate(scores: scores, targetFalsePositiveRate: alpha, method: .quantile)
            rates.append(exp(-t.value))
        }
        let mean = rates.reduce(0, +) / Double(seeds)
        let deviation = (rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(seeds - 1)).squareRoot()
        let standardError = deviation / Double(seeds).squareRoot()
        #expect(mean <= alpha + 3 * standardError, "n \(n): mean false-positive rate \(mean)")
        // Not needlessly strict either: the expected rate (n - k + 1)/(n + 1) is within 0.5 alpha of it.
        #expect(mean >= 0.5 * alpha, "n \(n): mean false-positive rate \(mean)")
    }

    @Test(arguments: [0.05, 0.01])
    func quantileMatchesExponential(rate: Double) throws {
        let scores = Self.exponential(200_000, rate: 2, seed: 3)
        let t = try Threshold.calibrate(scores: scores, targetFalsePositiveRate: rate, method: .quantile)
        let exact = -log(rate) / 2
        #expect(abs(t.value - exact) / exact < 0.03)
    }

    @Test func quantileNeedsEnoughSamples() {
        #expect(throws: DetectorError.tooFewSamples(needed: 1000, got: 100, purpose: "a quantile threshold at rate 0.001")) {
            try Threshold.calibrate(scores: Array(repeating: 1, count: 100), targetFalsePositiveRate: 0.001, method: .quantile)
        }
        #expect(throws: DetectorError.invalidFalsePositiveRate(0)) {
            try Threshold.calibrate(scores: [1, 2], targetFalsePositiveRate: 0, method: .quantile)
        }
    }

    @Test(arguments: [1e-4, 1e-5])
    func peaksOverThresholdMatchesExponentialBeyondTheSample(rate: Double) throws {
        // 50,000 scores cannot resolve 1e-5 empirically; the tail fit extrapolates.
        let scores = Self.exponential(50_000, rate: 1, seed: 4)
        let t = try Threshold.calibrate(scores: scores, targetFalsePositiveRate: rate, method: .peaksOverThreshold)
        let exact = -log(rate)
        #expect(abs(t.value - exact) / exact < 0.15, "POT \(t.value) vs exact \(exact), shape \(t.shape ?? .nan)")
        #expect(abs(t.shape ?? 1) < 0.15)
        #expect(t.peakCount == 1000)
    }

    @Test func peaksOverThresholdMatchesParetoTail() throws {
        // Pareto index 3: gamma = 1/3; quantile at rate q is xm * q^(-1/3).
        let scores = Self.pareto(20_000, xm: 1, a: 3, seed: 5)
        let rate = 1e-4
        let t = try Threshold.calibrate(scores: scores, targetFalsePositiveRate: rate, method: .peaksOverThreshold)
        let exact = pow(rate, -1.0 / 3)
        #expect(abs(t.value - exact) / exact < 0.2, "POT \(t.value) vs exact \(exact)")
        #expect(abs((t.shape ?? 0) - 1.0 / 3) < 0.12)
    }

    @Test func peaksOverThresholdIsScaleEquivariant() throws {
        let base = Self.exponential(10_000, rate: 1, seed: 6)
        let small = try Threshold.calibrate(scores: base, targetFalsePositiveRate: 1e-4, method: .peaksOverThreshold)
        let large = try Threshold.calibrate(scores: base.map { $0 * 1e30 }, targetFalsePositiveRate: 1e-4, method: .peaksOverThreshold)
        #expect(large.value.isFinite)
        #expect(abs(large.value / 1e30 - small.value) / small.value < 1e-3)
    }

    @Test func peaksOverThresholdFailsCleanlyWithFewPeaks() {
        let scores = Self.exponential(200, rate: 1, seed: 7)  // 2% of 200 = 4 peaks
        #expect(throws: DetectorError.tooFewPeaks(needed: 10, got: 4)) {
            try Threshold.calibrate(scores: scores, targetFalsePositiveRate: 1e-4, method: .peaksOverThreshold)
        }
        #expect(throws: DetectorError.self) {
            try Threshold.calibrate(scores: Array(repeating: 2, count: 5000), targetFalsePositiveRate: 1e-4, method: .peaksOverThreshold)
        }
    }

    @Test func thresholdValueIsCodable() throws {
        let t = try Threshold.calibrate(scores: Self.exponential(5000, rate: 1, seed: 8), targetFalsePositiveRate: 1e-3, method: .peaksOverThreshold)
        let back = try JSONDecoder().decode(ThresholdValue.self, from: JSONEncoder().encode(t))
        #expect(back == t)
    }
}
