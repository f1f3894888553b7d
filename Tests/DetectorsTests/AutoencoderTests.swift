import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct AutoencoderTests {
    /// Cosines of the principal angles between the row spaces of `a` `[k, D]` and `b` `[k, D]`.
    static func principalCosines(_ a: [[Double]], _ b: [[Double]]) throws -> [Double] {
        func orthonormal(_ rows: [[Double]]) -> [[Double]] {
            var basis: [[Double]] = []
            for row in rows {
                var v = row
                for q in basis {
                    let dot = zip(v, q).reduce(0) { $0 + $1.0 * $1.1 }
                    v = zip(v, q).map { $0 - dot * $1 }
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                basis.append(v.map { $0 / norm })
            }
            return basis
        }
        let qa = orthonormal(a), qb = orthonormal(b)
        let k = qa.count
        // M = Qa Qb^T; its singular values are the cosines: eigenvalues of M M^T.
        var m = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { m[i * k + j] = zip(qa[i], qb[j]).reduce(0) { $0 + $1.0 * $1.1 } } }
        var mmt = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { for t in 0..<k { mmt[i * k + j] += m[i * k + t] * m[j * k + t] } } }
        return try SymmetricEigen(symmetric: mmt, order: k).eigenvalues.map { max($0, 0).squareRoot() }
    }

    @Test func linearAutoencoderSpansThePCASubspace() throws {
        let data = TestData.lowRank(rows: 800, features: 6, rank: 2, noise: 0.1, seed: 21)
        var options = TestData.smallOptions(epochs: 80, activation: .identity)
        options.hiddenDimensions = [8]
        options.latentDimensions = 2
        options.learningRate = 1e-2
        options.patience = 80
        let (ae, _) = try Autoencoder.fit(kind: .autoencoder, data: data, options: options)
        let pca = try PCADetector.fit(data, componentCount: 2)
        // The decoder's linear map latent -> D: W = W0 W1, rows span the reconstruction subspace.
        let w = Tensor.matmul(ae.decoder.weights[0], ae.decoder.weights[1])
        let decoderRows = (0..<2).map { i in (0..<6).map { Double(w.scalars[i * 6 + $0]) } }
        let pcaRows = (0..<2).map { j in (0..<6).map { Double(pca.components.scalars[$0 * 2 + j]) } }
        let cosines = try Self.principalCosines(decoderRows, pcaRows)
        #expect(cosines.allSatisfy { $0 > 0.995 }, "principal angle cosines \(cosines)")
        // And the two detectors agree on scores.
        let aeScores = ae.anomalyScores(data), pcaScores = pca.anomalyScores(data)
        let meanAE = aeScores.reduce(0, +) / Float(aeScores.count)
        let meanPCA = pcaScores.reduce(0, +) / Float(pcaScores.count)
        #expect(abs(meanAE - meanPCA) < 0.1 * meanPCA + 1e-3, "mean AE \(meanAE) vs PCA \(meanPCA)")
    }

    @Test func fitReducesLossAndReportsIt() throws {
        let data = TestData.lowRank(rows: 400, features: 8, rank: 3, seed: 22)
        let (model, report) = try Autoencoder.fit(kind: .autoencoder, data: data, options: TestData.smallOptions(epochs: 20))
        #expect(report.epochs >= 1 && report.epochs <= 20)
        #expect(report.trainLosses.count == report.epochs && report.validationLosses.count == report.epochs)
        #expect((report.trainLosses.last ?? 1) < (report.trainLosses.first ?? 0))
        #expect(report.samples == 320)  // 20% validation
        #expect(report.seed == 42)
        let contributions = model.featureContributions(data)
        let scores = model.anomalyScores(data)
        for r in 0..<5 {
            let row = contributions.scalars[(r * 8)..<((r + 1) * 8)]
            #expect(row.allSatisfy { $0 >= 0 })
            #expect(abs(row.reduce(0, +) - scores[r]) <= 1e-5 * max(1, scores[r]))
        }
    }

    @Test func fitIsReproducibleFromTheSeed() throws {
        let data = TestData.lowRank(rows: 200, features: 5, rank: 2, seed: 23)
        let a = try Autoencoder.fit(kind: .denoisingAutoencoder, data: data, options: TestData.smallOptions(epochs: 5))
        let b = try Autoencoder.fit(kind: .denoisingAutoencoder, data: data, options: TestData.smallOptions(epochs: 5))
        #expect(a.0.anomalyScores(data) == b.0.anomalyScores(data))
        #expect(a.1.trainLosses == b.1.trainLosses)
    }

    @Test func sparseAutoencoderMeanActivationsApproachTheTarget() throws {
        let data = TestData.lowRank(rows: 600, features: 8, rank: 3, seed: 24)
        var options = TestData.smallOptions(epochs: 60)
        options.latentDimensions = 6
        options.sparsityTarget = 0.1
        options.sparsityWeight = 1
        options.patience = 60
        let untrained = try Autoencoder.initialized(kind: .sparseAutoencoder, featureCount: 8, options: options)
        let z = try StandardScaler.fit(data).transform(data)
        let before = untrained.encoder(z).mean(alongAxis: 0).scalars
        let (_, report) = try Autoencoder.fit(kind: .sparseAutoencoder, data: data, options: options)
        let after = (0..<6).compactMap { report.diagnostics["sparsity.unit.\($0)"] }
        #expect(after.count == 6)
        let distanceBefore = before.map { abs(Double($0) - 0.1) }.reduce(0, +) / 6
        let distanceAfter = after.map { abs($0 - 0.1) }.reduce(0, +) / 6
        #expect(distanceAfter < 0.03, "mean |rho_hat - rho| \(distanceAfter), units \(after)")
        #expect(distanceAfter < distanceBefore / 4)
    }

    @Test func divergenceAbortsWithAClearError() throws {
        let data = TestData.lowRank(rows: 200, features: 5, rank: 2, seed: 25)
        var options = TestData.smallOptions(epochs: 10)
        options.learningRate = 1e30
        options.maxGradientNorm = nil
        #expect {
            _ = try Autoencoder.fit(kind: .autoencoder, data: data, options: options)
        } throws: { error in
            guard case DetectorError.trainingDiverged = error else { return false }
            return true
        }
    }
}
