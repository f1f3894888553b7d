import Detectors
import Foundation
import Tensor

/// The VAE's anomaly score against its number of importance samples `K` (`aectl eval --detector
/// vae --importance-samples 1,4,16,64`): one VAE fitted with the largest `K` on the daemon's
/// training blocks, scored with the first `k` of its fixed noise vectors for each `k`, the
/// threshold calibrated per `k` on the held-out blocks. `K = 1` is the single-sample bound;
/// larger `K` tightens the importance-weighted bound on `-log p(x)` (Burda et al., ICLR 2016) at
/// `K` times the decoder's cost.
public struct ImportanceSampleResult: Sendable, Codable, Equatable {
    /// The number of importance samples scored with.
    public var samples: Int
    /// AUROC of the test scores against the labels.
    public var auroc: Double
    /// F1 at the threshold calibrated on the held-out blocks with this `K`.
    public var f1AtThreshold: Double
    /// The fraction of normal test rows above that threshold.
    public var testFalsePositiveRate: Double
    /// Wall-clock seconds of scoring the test file with this `K`.
    public var scoreSeconds: Double

    /// Fits once and measures every `k` of `ks` (each at most 1024).
    /// - Throws: `DetectorError` from the fit or the calibration, or for `ks` out of range.
    public static func sweep(
        train: Tensor, test: Tensor, labels: [Int], options: DetectorOptions, ks: [Int],
        targetFalsePositiveRate: Double, method: ThresholdMethod, holdoutFraction: Double
    ) throws -> [ImportanceSampleResult] {
        guard let largest = ks.max(), ks.allSatisfy({ (1...1_024).contains($0) }) else {
            throw DetectorError.invalidOption(name: "importanceSamples", value: "\(ks)", reason: "each K must be in 1...1024")
        }
        var options = options
        options.importanceSamples = largest
        let split = BlockHoldout(count: train.shape[0], holdoutFraction: holdoutFraction)
        let (vae, _) = try VariationalAutoencoder.fit(data: train.gatheringRows(split.train), options: options)
        let heldOut = train.gatheringRows(split.heldOut)
        let normals = labels.filter { $0 == 0 }.count
        return try ks.map { k in
            let threshold = try Threshold.calibrate(
                scores: vae.negativeLogLikelihood(heldOut, importanceSamples: k),
                targetFalsePositiveRate: targetFalsePositiveRate, method: method)
            let started = Date()
            let scores = vae.negativeLogLikelihood(test, importanceSamples: k)
            let seconds = Date().timeIntervalSince(started)
            let metrics = try DetectionMetrics(scores: scores, labels: labels)
            let falsePositives = zip(scores, labels).filter { $1 == 0 && threshold.isAnomalous($0) }.count
            return ImportanceSampleResult(
                samples: k, auroc: metrics.auroc,
                f1AtThreshold: DetectionMetrics.f1(scores: scores, labels: labels, threshold: threshold.value),
                testFalsePositiveRate: Double(falsePositives) / Double(max(normals, 1)), scoreSeconds: seconds)
        }
    }
}
