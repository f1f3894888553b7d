import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct PCATests {
    @Test func eigenMatchesAKnownDecomposition() throws {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/sqrt2 and (1, -1)/sqrt2.
        let eigen = try SymmetricEigen(symmetric: [2, 1, 1, 2], order: 2)
        #expect(abs(eigen.eigenvalues[0] - 3) < 1e-12 && abs(eigen.eigenvalues[1] - 1) < 1e-12)
        #expect(abs(abs(eigen.vectors[0]) - 0.5.squareRoot()) < 1e-12)
        #expect(abs(eigen.vectors[0] - eigen.vectors[2]) < 1e-12)
    }

    @Test(arguments: [1, 7, 300])
    func eigenReconstructsARandomSymmetricMatrix(n: Int) throws {
        var rng = SplitMix64(seed: 51)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = rng.nextGaussian(); a[i * n + j] = v; a[j * n + i] = v } }
        let eigen = try SymmetricEigen(symmetric: a, order: n)
        #expect(zip(eigen.eigenvalues, eigen.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
        var largestError = 0.0
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += eigen.vectors[i * n + k] * eigen.eigenvalues[k] * eigen.vectors[j * n + k] }
                largestError = max(largestError, abs(sum - a[i * n + j]))
            }
        }
        #expect(largestError < 1e-9, "V diag(w) V^T differs from A by \(largestError)")
    }

    @Test func pcaScoresOffSubspacePointsHigher() throws {
        let data = TestData.lowRank(rows: 500, features: 6, rank: 2, noise: 0.05, seed: 52)
        let pca = try PCADetector.fit(data, varianceFraction: 0.95)
        #expect(pca.configuration.components == 2, "components \(pca.configuration.components)")
        #expect(pca.configuration.explainedVarianceRatio > 0.95)
        let scores = pca.anomalyScores(data)
        let typical = scores.sorted()[scores.count / 2]
        var off = Array(data.scalars.prefix(6))
        off[0] += 5 * pca.scaler.scale[0]
        let offScore = pca.anomalyScores(Tensor(shape: [1, 6], scalars: off))[0]
        #expect(offScore > 20 * typical)
    }
}
