import Foundation
import Tensor
import Testing
@testable import Detectors

/// Wide vectors (D = 2048 and 4096): every score and threshold stays finite, normal probes score
/// below the threshold and shifted ones above, and a repeated probe scores identically (the
/// VAE's importance weights are combined in log space, log-sum-exp with the maximum subtracted).
@Suite(.serialized) struct WideVectorTests {
    @Test(arguments: [2_048, 4_096])
    func aeAndVAEStayFiniteAndSeparateOnWideVectors(features: Int) throws {
        let data = TestData.lowRank(rows: 700, features: features, rank: 4, noise: 0.05, seed: 90)
        let train = data.gatheringRows(Array(0..<600))
        let probes = data.gatheringRows(Array(600..<700))
        // About 3.5 training standard deviations on every 7th feature.
        var shifted = probes.scalars
        for r in 0..<100 { for j in 0..<features where j % 7 == 0 { shifted[r * features + j] += 20 } }
        var options = TestData.smallOptions(epochs: 8)
        options.hiddenDimensions = [64]
        options.latentDimensions = 8
        for kind in [DetectorKind.autoencoder, .variationalAutoencoder] {
            let (detector, report, assessment) = try DetectorFactory.fitAndCalibrate(
                kind: kind, data: train, options: options,
                promotion: ThresholdPromotion(targetFalsePositiveRate: 0.05, method: .quantile))
            let threshold = assessment.threshold
            #expect(report.trainLosses.allSatisfy { $0.isFinite }, "\(kind) D=\(features)")
            #expect(threshold.value.isFinite, "\(kind) D=\(features)")
            let normal = detector.anomalyScores(probes)
            let moved = detector.anomalyScores(Tensor(shape: [100, features], scalars: shifted))
            #expect(normal.allSatisfy { $0.isFinite } && moved.allSatisfy { $0.isFinite }, "\(kind) D=\(features)")
            let normalAlerts = normal.filter { threshold.isAnomalous($0) }.count
            let shiftedAlerts = moved.filter { threshold.isAnomalous($0) }.count
            #expect(normalAlerts <= 15, "\(kind) D=\(features): \(normalAlerts) of 100 normal probes alert")
            #expect(shiftedAlerts == 100, "\(kind) D=\(features): \(shiftedAlerts) of 100 shifted probes alert")
            // A repeated probe scores bit-identically (the VAE's noise is fixed); alone or inside a
            // batch it scores the same up to BLAS's rounding (its kernels differ by shape).
            let again = detector.anomalyScores(probes)
            #expect(zip(normal, again).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(kind) D=\(features)")
            let alone = detector.anomalyScores(probes.gatheringRows([3]))
            #expect(abs(alone[0] - normal[3]) <= 1e-4 * max(1, abs(normal[3])), "\(kind) D=\(features): \(alone[0]) vs \(normal[3])")
        }
    }
}
