import Foundation
import Tensor
@testable import Detectors

/// Seeded synthetic data for detector tests.
enum TestData {
    /// `rows` samples of `D = features` with a rank-`rank` linear structure plus small noise.
    static func lowRank(rows: Int, features: Int, rank: Int, noise: Double = 0.05, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        let basis = (0..<(rank * features)).map { _ in rng.nextGaussian() }
        var scalars: [Float] = []
        scalars.reserveCapacity(rows * features)
        for _ in 0..<rows {
            let code = (0..<rank).map { j in rng.nextGaussian() * Double(rank - j) }
            for f in 0..<features {
                var x = 0.0
                for j in 0..<rank { x += code[j] * basis[j * features + f] }
                scalars.append(Float(x + noise * rng.nextGaussian()))
            }
        }
        return Tensor(shape: [rows, features], scalars: scalars)
    }

    /// Small options for fast debug-build training.
    static func smallOptions(epochs: Int = 30, activation: ActivationKind = .relu) -> DetectorOptions {
        var options = DetectorOptions()
        options.hiddenDimensions = [16]
        options.latentDimensions = 3
        options.epochs = epochs
        options.minimumSteps = 0
        options.batchSize = 32
        options.learningRate = 3e-3
        options.activation = activation
        options.importanceSamples = 8
        return options
    }
}
