import Detectors
import Testing

@testable import Daemon

/// `ThresholdPromotion.censoredExceedances`: vectors kept out of the retrain buffer for crossing a
/// threshold strongly count as exceedances of the held-out half their next row fell into.
@Suite struct CensoredCalibrationTests {
    @Test("censored counts of the half's rows are summed; other rows do not count")
    func sumsTheRowsOfTheHalf() {
        let censored: [UInt32] = [0, 2, 0, 1, 5, 0, 0, 0]
        // 200 rows at alpha 0.05 cap at floor(0.05 * 200 / 1.95) = 5.
        let rows = [1, 3] + Array(10..<208)
        #expect(ThresholdPromotion.censoredExceedances(censored, rows: rows, target: 0.05) == 3)
        #expect(ThresholdPromotion.censoredExceedances(censored, rows: [4], target: 0.05) == 0)  // cap 0 for one row
        #expect(ThresholdPromotion.censoredExceedances([], rows: rows, target: 0.05) == 0)
    }

    @Test("at most half the target rate is taken by censored vectors, so the threshold stays a finite score")
    func capsAtHalfTheTarget() {
        let rows = Array(0..<1000)
        let censored = [UInt32](repeating: 1, count: 1000)
        let alpha = 0.01
        let e = ThresholdPromotion.censoredExceedances(censored, rows: rows, target: alpha)
        #expect(e == 5)  // floor(0.01 * 1000 / 1.99)
        // With e infinities among n + e scores, they are at most half of alpha.
        #expect(Double(e) / Double(rows.count + e) <= alpha / 2)
    }
}
