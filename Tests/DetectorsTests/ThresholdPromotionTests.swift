import Detectors
import Foundation
import Tensor
import Testing

/// The promotion policy the daemon's retrain and `aectl eval` share.
@Suite struct ThresholdPromotionTests {
    /// `count` exponential scores from `seed`.
    private func scores(_ count: Int, seed: UInt64, scale: Double = 1) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(-scale * log(generator.nextOpenUnit())) }
    }

    @Test func promotesAModelWhoseCheckHalfLooksLikeItsCalibrationHalf() throws {
        let policy = ThresholdPromotion(targetFalsePositiveRate: 0.01, method: .quantile)
        let calibration = scores(4_000, seed: 1), check = scores(4_000, seed: 2)
        guard case .promoted(let threshold, let rate, let samples) = policy.decide(
            calibrationScores: calibration, checkScores: check)
        else {
            Issue.record("refused a model whose halves agree")
            return
        }
        #expect(rate <= ThresholdPromotion.falsePositiveLimit(target: 0.01, samples: 500))
        #expect(samples == 8_000)
        // The threshold in service is calibrated on both halves together.
        let both = try Threshold.calibrate(scores: calibration + check, targetFalsePositiveRate: 0.01, method: .quantile)
        #expect(threshold == both)
        let assessment = try policy.assess(calibrationScores: calibration, checkScores: check)
        #expect(assessment.refusal == nil && assessment.threshold == both && assessment.heldOutFalsePositiveRate == rate)
    }

    @Test func refusesAModelThatFlagsItsCheckHalfFarAboveTheTarget() throws {
        let policy = ThresholdPromotion(targetFalsePositiveRate: 0.01, method: .quantile)
        let calibration = scores(4_000, seed: 3), check = scores(4_000, seed: 4, scale: 3)
        guard case .refused(let reason, let rate) = policy.decide(calibrationScores: calibration, checkScores: check) else {
            Issue.record("promoted a model whose check half alerts far above the target")
            return
        }
        let measured = try #require(rate)
        #expect(measured > ThresholdPromotion.falsePositiveLimit(target: 0.01, samples: 500))
        #expect(reason.contains("held-out false-positive rate"))
        // `aectl eval` still gets a threshold to measure at: the one of both halves.
        let assessment = try policy.assess(calibrationScores: calibration, checkScores: check)
        #expect(assessment.refusal == reason)
        #expect(assessment.threshold == (try Threshold.calibrate(
            scores: calibration + check, targetFalsePositiveRate: 0.01, method: .quantile)))
    }

    @Test func refusesNonFiniteScoresAndCountsCensoredVectors() {
        let policy = ThresholdPromotion(targetFalsePositiveRate: 0.01, method: .quantile)
        var calibration = scores(1_000, seed: 5)
        calibration[10] = .nan
        #expect(policy.decide(calibrationScores: calibration, checkScores: scores(1_000, seed: 6))
            == .refused(reason: "non-finite anomaly scores on held-out data", heldOutFalsePositiveRate: nil))
        // Censored vectors are exceedances: they raise the held-out rate of the check half.
        guard case .promoted(_, let plain, _) = policy.decide(
            calibrationScores: scores(2_000, seed: 7), checkScores: scores(2_000, seed: 8)),
            case .promoted(_, let censored, let samples) = policy.decide(
                calibrationScores: scores(2_000, seed: 7), checkScores: scores(2_000, seed: 8),
                calibrationExceedances: 0, checkExceedances: 9)
        else {
            Issue.record("refused")
            return
        }
        #expect(censored > plain)
        #expect(samples == 4_009)
    }

    @Test func halvesAlternateBlocks() {
        let policy = ThresholdPromotion(targetFalsePositiveRate: 0.01, method: .quantile, blockSize: 2)
        let (calibrate, check) = policy.halves(count: 7)
        #expect(calibrate == [0, 1, 4, 5])
        #expect(check == [2, 3, 6])
        #expect(policy.halves(count: 0) == ([], []))
    }
}
