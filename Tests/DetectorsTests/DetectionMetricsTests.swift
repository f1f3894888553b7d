import Testing
@testable import Detectors

@Suite struct DetectionMetricsTests {
    @Test func perfectAndInvertedRankings() throws {
        let labels = [0, 0, 1, 1]
        #expect(DetectionMetrics.auroc(scores: [0.1, 0.2, 0.8, 0.9], labels: labels) == 1)
        #expect(DetectionMetrics.auroc(scores: [0.9, 0.8, 0.2, 0.1], labels: labels) == 0)
        #expect(DetectionMetrics.averagePrecision(scores: [0.1, 0.2, 0.8, 0.9], labels: labels) == 1)
    }

    @Test func aurocWithTiesUsesMidranks() {
        // Pairs (positive, negative): positives {3, 2}, negatives {2, 1, 2}.
        // 3 beats all 3; 2 beats 1, ties two 2s (0.5 each) -> 3 + 2 = 5 of 6.
        let scores: [Float] = [3, 2, 2, 1, 2]
        let labels = [1, 1, 0, 0, 0]
        #expect(abs(DetectionMetrics.auroc(scores: scores, labels: labels) - 5.0 / 6.0) < 1e-12)
        #expect(DetectionMetrics.auroc(scores: [1, 1, 1, 1], labels: [0, 1, 0, 1]) == 0.5)
    }

    @Test func averagePrecisionWithTies() {
        // Thresholds: 3 -> (tp 1, fp 0): R 0.5, P 1; 2 -> (tp 2, fp 2): R 1, P 0.5.
        // AP = 0.5 * 1 + 0.5 * 0.5 = 0.75.
        let scores: [Float] = [3, 2, 2, 1, 2]
        let labels = [1, 1, 0, 0, 0]
        #expect(abs(DetectionMetrics.averagePrecision(scores: scores, labels: labels) - 0.75) < 1e-12)
        // Hand case without ties: ranks 0.9(1) 0.8(0) 0.7(1) 0.6(0): AP = 0.5*1 + 0.5*(2/3).
        let ap = DetectionMetrics.averagePrecision(scores: [0.9, 0.8, 0.7, 0.6], labels: [1, 0, 1, 0])
        #expect(abs(ap - (0.5 + 1.0 / 3.0)) < 1e-12)
    }

    @Test func bestF1AndF1AtThreshold() throws {
        let scores: [Float] = [3, 2, 2, 1, 2]
        let labels = [1, 1, 0, 0, 0]
        // >= 3: tp 1 fp 0 fn 1 -> 2/3; >= 2: tp 2 fp 2 -> 4/6; >= 1: tp 2 fp 3 -> 4/7.
        let best = DetectionMetrics.bestF1(scores: scores, labels: labels)
        #expect(abs(best.f1 - 2.0 / 3.0) < 1e-12)
        #expect(best.threshold == 3)
        #expect(abs(DetectionMetrics.f1(scores: scores, labels: labels, threshold: 1.5) - 4.0 / 6.0) < 1e-12)
        #expect(DetectionMetrics.f1(scores: scores, labels: labels, threshold: 5) == 0)
        let all = try DetectionMetrics(scores: scores, labels: labels)
        #expect(all.samples == 5 && all.anomalies == 2)
    }

    @Test func rejectsBadLabels() {
        #expect(throws: DetectorError.self) { try DetectionMetrics(scores: [1, 2], labels: [1]) }
        #expect(throws: DetectorError.self) { try DetectionMetrics(scores: [1, 2], labels: [0, 2]) }
        #expect(throws: DetectorError.self) { try DetectionMetrics(scores: [1, 2], labels: [0, 0]) }
    }
}
