import Foundation

/// The one promotion policy: whether a freshly fitted detector may be put in service, and at
/// which threshold. The daemon's retrain (`Trainer`) and `aectl eval --holdout blocks` both
/// decide through it, on the two held-out halves of a `BlockHoldout`.
///
/// 1. A threshold is calibrated (`Threshold.calibrate`, at `targetFalsePositiveRate` with
///    `method`) on the calibration half's anomaly scores.
/// 2. Its held-out false-positive rate is measured on the check half.
/// 3. The detector is refused when that rate is above `falsePositiveLimit` (counted over
///    held-out blocks, not rows: rows within a block are correlated), when a held-out score is
///    not finite, or when calibration fails.
/// 4. Otherwise its threshold is calibrated again on both halves together.
///
/// Censored vectors (kept out of the daemon's retrain buffer for crossing a threshold strongly)
/// count as exceedances of the half they fell in (`censoredExceedances`).
public struct ThresholdPromotion: Sendable, Equatable {
    /// The target false-positive rate per vector, in (0, 1).
    public var targetFalsePositiveRate: Double
    /// How the threshold is calibrated.
    public var method: ThresholdMethod
    /// Rows per held-out block (the unit the false-positive limit counts).
    public var blockSize: Int

    /// The policy at `targetFalsePositiveRate` with `method`, counting blocks of `blockSize` rows.
    public init(
        targetFalsePositiveRate: Double, method: ThresholdMethod, blockSize: Int = BlockHoldout.defaultBlockSize
    ) {
        self.targetFalsePositiveRate = targetFalsePositiveRate
        self.method = method
        self.blockSize = max(1, blockSize)
    }

    /// What the policy decided.
    public enum Decision: Sendable, Equatable {
        /// In service at `threshold`, calibrated on `calibrationSamples` held-out scores
        /// (censored exceedances included); `heldOutFalsePositiveRate` is step 2's rate.
        case promoted(threshold: ThresholdValue, heldOutFalsePositiveRate: Double, calibrationSamples: Int)
        /// Refused, for `reason` (a sentence for logs and training runs); the held-out rate when
        /// it was measured.
        case refused(reason: String, heldOutFalsePositiveRate: Double?)
    }

    /// Decides on a detector from its anomaly scores on the two held-out halves.
    /// - Parameters:
    ///   - calibrationScores: scores of the calibration half, `[rows]`.
    ///   - checkScores: scores of the check half, `[rows]`.
    ///   - calibrationExceedances: censored vectors counted as exceedances of the calibration half.
    ///   - checkExceedances: the same for the check half.
    public func decide(
        calibrationScores: [Float], checkScores: [Float], calibrationExceedances: Int = 0, checkExceedances: Int = 0
    ) -> Decision {
        guard calibrationScores.allSatisfy({ $0.isFinite }), checkScores.allSatisfy({ $0.isFinite }) else {
            return .refused(reason: "non-finite anomaly scores on held-out data", heldOutFalsePositiveRate: nil)
        }
        let alpha = targetFalsePositiveRate
        let calibrationSet = calibrationScores + [Float](repeating: .infinity, count: max(0, calibrationExceedances))
        let checkSet = checkScores + [Float](repeating: .infinity, count: max(0, checkExceedances))
        var rate: Double?
        do {
            let half = try Threshold.calibrate(scores: calibrationSet, targetFalsePositiveRate: alpha, method: method)
            let falsePositives = checkSet.filter { half.isAnomalous($0) }.count
            let measured = Double(falsePositives) / Double(max(checkSet.count, 1))
            rate = measured
            let limit = Self.falsePositiveLimit(
                target: alpha, samples: (checkSet.count + blockSize - 1) / blockSize)
            guard measured <= limit else {
                return .refused(
                    reason: "held-out false-positive rate \(String(format: "%.4f", measured)) is far above the target \(alpha) (limit \(String(format: "%.4f", limit)))",
                    heldOutFalsePositiveRate: measured)
            }
            let final = try Threshold.calibrate(
                scores: calibrationSet + checkSet, targetFalsePositiveRate: alpha, method: method)
            guard final.value.isFinite else {
                return .refused(reason: "non-finite threshold", heldOutFalsePositiveRate: measured)
            }
            return .promoted(
                threshold: final, heldOutFalsePositiveRate: measured,
                calibrationSamples: calibrationSet.count + checkSet.count)
        } catch {
            return .refused(reason: "threshold calibration failed: \(error)", heldOutFalsePositiveRate: rate)
        }
    }

    /// What `aectl eval` reports of a model: the policy's decision, and a threshold either way.
    public struct Assessment: Sendable, Equatable {
        /// The promoted threshold; for a refused model, the threshold calibrated on both halves
        /// (what the metrics are measured at).
        public var threshold: ThresholdValue
        /// Step 2's held-out false-positive rate, when it was measured.
        public var heldOutFalsePositiveRate: Double?
        /// Why the policy refuses the model; nil when it promotes it.
        public var refusal: String?
    }

    /// `decide`, with a threshold for a refused model too (calibrated on both halves).
    /// - Throws: `Threshold.calibrate`'s errors when even that threshold cannot be calibrated.
    public func assess(calibrationScores: [Float], checkScores: [Float]) throws -> Assessment {
        switch decide(calibrationScores: calibrationScores, checkScores: checkScores) {
        case .promoted(let threshold, let rate, _):
            return Assessment(threshold: threshold, heldOutFalsePositiveRate: rate, refusal: nil)
        case .refused(let reason, let rate):
            let threshold = try Threshold.calibrate(
                scores: calibrationScores + checkScores, targetFalsePositiveRate: targetFalsePositiveRate, method: method)
            return Assessment(threshold: threshold, heldOutFalsePositiveRate: rate, refusal: reason)
        }
    }

    /// Row indices `0..<count` in blocks of `blockSize`, alternately in a calibration and a check
    /// half (how held-out rows that are not a `BlockHoldout`, e.g. a fit's validation split, are
    /// halved).
    public func halves(count: Int) -> (calibrate: [Int], check: [Int]) {
        var calibrate: [Int] = [], check: [Int] = []
        for row in 0..<max(0, count) {
            if (row / blockSize) % 2 == 0 { calibrate.append(row) } else { check.append(row) }
        }
        return (calibrate, check)
    }

    /// The largest held-out false-positive rate accepted for target `alpha` over `n` independent
    /// samples (held-out blocks): `max(4 alpha, alpha + 4 sqrt(alpha (1 - alpha) / n))`.
    public static func falsePositiveLimit(target alpha: Double, samples n: Int) -> Double {
        let sigma = (alpha * (1 - alpha) / Double(max(n, 1))).squareRoot()
        return max(4 * alpha, alpha + 4 * sigma)
    }

    /// How many censored vectors a held-out half counts as exceedances: the censored counts of
    /// its rows (each censored vector belongs to the row that followed it), at most
    /// `floor(alpha n / (2 - alpha))` for `n` rows, so they take at most half of the target rate
    /// `alpha` and the threshold stays a finite score of the held-out rows.
    ///
    /// Why: the buffer keeps strong crossings out so that anomalies are never learned. Calibrating
    /// on what is left would cut the top of the score distribution out of the calibration data,
    /// so every retrain would set the threshold lower than the last (on SMD machine-1-7 the
    /// thresholds fell 2.5-8x below those of a model fitted once, and 5-6% of normal vectors
    /// alerted at a target of 1%). Counted as exceedances, censored vectors keep the threshold
    /// at the target rate of all the stream's vectors.
    /// - Parameters:
    ///   - censored: censored vectors before each buffered row, `[rows]` (empty: none).
    ///   - rows: the half's row indices.
    public static func censoredExceedances(_ censored: [UInt32], rows: [Int], target alpha: Double) -> Int {
        guard !censored.isEmpty else { return 0 }
        var total = 0
        for row in rows where row < censored.count { total += Int(censored[row]) }
        let cap = Int((alpha * Double(rows.count) / (2 - alpha)).rounded(.down))
        return min(total, cap)
    }
}
