import Detectors
import Foundation

/// The result of one `aectl eval` run: data sizes, fit, threshold, metrics and timings.
public struct EvalReport: Sendable, Codable, Equatable {
    /// The detector's name (`ae`, `vae`, ...).
    public var detector: String
    /// Where the threshold was calibrated: `validation` (the fit's random validation split) or
    /// `blocks` (the daemon's time-ordered block holdout, `BlockHoldout`).
    public var holdout: String
    /// Data rows of the training file.
    public var trainRows: Int
    /// Data rows of the test file.
    public var testRows: Int
    /// Columns (features) of both files.
    public var features: Int
    /// Anomalous test rows (label 1).
    public var anomalies: Int
    /// AUROC of the test scores (midranks for ties).
    public var auroc: Double
    /// Average precision of the test scores.
    public var auprc: Double
    /// The best F1 over all thresholds on the test scores.
    public var bestF1: Double
    /// The F1 of the alerts `score > threshold` at the calibrated threshold.
    public var f1AtThreshold: Double
    /// The calibrated threshold.
    public var threshold: ThresholdValue
    /// The fraction of normal test rows above the threshold (the realized false-positive rate).
    public var testFalsePositiveRate: Double
    /// The fraction of anomalous test rows above the threshold (recall).
    public var testRecall: Double
    /// Epochs run.
    public var epochs: Int
    /// The final epoch's training loss (the detector's loss, e.g. the VAE's negative ELBO in nats;
    /// the mean over that epoch's mini-batches).
    public var finalTrainLoss: Double?
    /// The final validation loss (nil without a validation split).
    public var finalValidationLoss: Double?
    /// Wall-clock seconds of fitting, with calibration.
    public var fitSeconds: Double
    /// Wall-clock seconds of scoring the test file.
    public var scoreSeconds: Double
    /// Features constant in training (`StandardScaler.degenerate`), by index.
    public var constantFeatures: [Int]
    /// The fit report's diagnostics (e.g. the VAE's KL per latent dimension).
    public var diagnostics: [String: Double]
    /// A VAE's use of its latent space after the fit (KL per latent dimension, active units).
    public var latentHealth: LatentHealth? = nil
    /// With `--attribution`: how often each attribution method's top feature is the one moved,
    /// per method and shift (`attributionShifts`), on up to 500 normal test rows.
    public var attribution: [AttributionAccuracy]? = nil

    /// With `--importance-samples`: the VAE's AUROC and F1 at threshold for each `K`.
    public var importanceSamples: [ImportanceSampleResult]? = nil

    /// The rate at which the threshold calibrated on the calibration half of the held-out rows
    /// flagged the check half (`ThresholdPromotion`, the daemon's promotion policy).
    public var heldOutFalsePositiveRate: Double? = nil
    /// Why the daemon's promotion policy would refuse this model (nil: it would promote it). The
    /// metrics are still those at the threshold calibrated on all held-out rows.
    public var promotionRefusal: String? = nil

    /// The shifts `--attribution` measures, in training standard deviations.
    public static let attributionShifts: [Double] = [4, 8, 16]

    /// The human-readable summary, a few lines.
    public var text: String {
        func f(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }
        var lines = [
            "detector \(detector): train \(trainRows) x \(features), test \(testRows) (\(anomalies) anomalies)",
            "AUROC \(f(auroc))  AUPRC \(f(auprc))  best F1 \(f(bestF1))  F1 at threshold \(f(f1AtThreshold))",
            "threshold \(String(format: "%.6g", threshold.value)) (\(threshold.method.rawValue), target false-positive rate \(threshold.targetFalsePositiveRate), \(threshold.sampleCount) held-out scores, \(holdout) holdout): test false-positive rate \(f(testFalsePositiveRate)), recall \(f(testRecall))",
            "fit \(f(fitSeconds, 2)) s (\(epochs) epochs\(finalTrainLoss.map { ", train loss \(String(format: "%.5g", $0))" } ?? "")\(finalValidationLoss.map { ", validation loss \(String(format: "%.5g", $0))" } ?? "")), score \(f(scoreSeconds, 3)) s",
        ]
        if let heldOutFalsePositiveRate {
            lines.append(
                "daemon's promotion: \(promotionRefusal.map { "REFUSED, \($0)" } ?? "promoted"), held-out false-positive rate \(f(heldOutFalsePositiveRate))")
        } else if let promotionRefusal {
            lines.append("daemon's promotion: REFUSED, \(promotionRefusal)")
        }
        if !constantFeatures.isEmpty {
            lines.append("constant in training (clamped to +-3 standardized): features \(constantFeatures.map(String.init).joined(separator: ", "))")
        }
        if let attribution, !attribution.isEmpty {
            for method in FeatureAttribution.Method.allCases {
                let rates = attribution.filter { $0.method == method }
                    .map { "\(Int($0.shift))σ \(f($0.topOneRate, 3))" }.joined(separator: ", ")
                let vectors = attribution.first { $0.method == method }?.vectors ?? 0
                lines.append("attribution \(method.rawValue): top-1 names the moved feature in \(rates) (\(vectors) normal rows)")
            }
        }
        for result in importanceSamples ?? [] {
            lines.append(
                "K = \(result.samples): AUROC \(f(result.auroc)), F1 at a block-calibrated threshold \(f(result.f1AtThreshold)), test false-positive rate \(f(result.testFalsePositiveRate)), score \(f(result.scoreSeconds, 3)) s")
        }
        if let latentHealth {
            lines.append("latent space: " + (latentHealth.state == .collapsed ? "WARNING: " : "") + latentHealth.summary)
        }
        return lines.joined(separator: "\n")
    }
}
