import Foundation
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
        #expect(t.value == 8)  // 2 of 10 (9, 10) lie above
        #expect(t.sampleCount == 10)
        #expect(t.isAnomalous(9) && !t.isAnomalous(8))
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
