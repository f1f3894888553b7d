@testable import Daemon
import Detectors
import Foundation
import Tensor
import Testing

/// Scoring on several threads gives what one thread gives, in row order.
@Suite struct ScoringWorkersTests {
    /// `rows` seeded rows of 5 correlated features.
    private func batch(rows: Int, seed: UInt64) -> Tensor {
        var generator = SplitMix64(seed: seed)
        var values: [Float] = []
        for _ in 0..<rows {
            let common = Float(generator.nextGaussian())
            for j in 0..<5 { values.append(common * Float(j + 1) + 0.3 * Float(generator.nextGaussian())) }
        }
        return Tensor(shape: [rows, 5], scalars: values)
    }

    @Test func sharesCoverTheRowsInOrderAndKeepTheMinimum() {
        let workers = ScoringWorkers(threads: 3)
        for count in [0, 1, 63, 64, 127, 128, 129, 191, 192, 1_000, 1_025] {
            let shares = workers.shares(of: count)
            #expect(shares.first?.lowerBound == 0)
            #expect(shares.last?.upperBound == count)
            for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            let most = 3 * ScoringWorkers.sharesPerThread
            #expect(shares.count <= most)
            if shares.count > 1 { #expect(shares.allSatisfy { $0.count >= ScoringWorkers.minimumRowsPerShare }) }
            #expect(shares.count == max(1, min(most, count / ScoringWorkers.minimumRowsPerShare)))
        }
        #expect(ScoringWorkers(threads: 0).threads == 1)
        #expect(ScoringWorkers(threads: 1).shares(of: 5_000) == [0..<5_000])
        #expect(workers.shares(of: 20, minimum: 2).count == 10)
    }

    /// `map` runs every share once, whichever thread takes it, and returns the results in order.
    @Test(arguments: [1, 2, 3])
    func mapRunsEveryShareOnceInOrder(threads: Int) {
        let workers = ScoringWorkers(threads: threads)
        for count in [0, 1, 5, 64, 200, 1_024] {
            let ranges = workers.map(rows: count, minimumPerShare: 4) { $0 }
            #expect(ranges == workers.shares(of: count, minimum: 4))
            let sums = workers.map(rows: count, minimumPerShare: 4) { range in range.reduce(0, +) }
            #expect(sums.reduce(0, +) == (0..<count).reduce(0, +))
        }
    }

    @Test(arguments: [2, 3, 4])
    func splitScoresMatchOneThread(threads: Int) throws {
        var options = DetectorOptions()
        options.hiddenDimensions = [8]
        options.latentDimensions = 2
        options.epochs = 3
        options.minimumSteps = 0
        let training = batch(rows: 400, seed: 1)
        let detectors = try [DetectorKind.autoencoder, .variationalAutoencoder, .pca].map {
            try DetectorFactory.fit(kind: $0, data: training, options: options).0
        }
        let workers = ScoringWorkers(threads: threads)
        for rows in [1, 64, 130, 257, 1_024] {
            let test = batch(rows: rows, seed: UInt64(rows))
            let split = workers.anomalyScores(detectors, batch: test)
            #expect(split.count == detectors.count)
            for (detector, scores) in zip(detectors, split) {
                let alone = detector.anomalyScores(test)
                #expect(scores.count == rows)
                for row in 0..<rows {
                    // Equal up to the rounding of the BLAS kernel picked for the share's shape.
                    #expect(abs(scores[row] - alone[row]) <= 1e-4 * max(1, abs(alone[row])), "\(detector.kind) row \(row)")
                }
            }
        }
    }
}
