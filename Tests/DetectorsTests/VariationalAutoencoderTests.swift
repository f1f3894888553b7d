import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct VariationalAutoencoderTests {
    @Test func klOfStandardNormalIsZeroAndMatchesMonteCarlo() {
        let zero = klDivergence(mean: Variable(.zeros([3, 4])), logVariance: Variable(.zeros([3, 4])))
        #expect(zero.value.scalars[0] == 0)
        let mean: [Float] = [0.5, -1.2, 2.0]
        let logVariance: [Float] = [-0.7, 0.4, 1.1]
        let analytic = Double(klDivergence(mean: Variable(Tensor(shape: [1, 3], scalars: mean)),
                                           logVariance: Variable(Tensor(shape: [1, 3], scalars: logVariance))).value.scalars[0])
        // KL = E_q[log q(h) - log p(h)], with h = mean + sigma * eps.
        var rng = SplitMix64(seed: 31)
        let samples = 200_000
        var total = 0.0
        for _ in 0..<samples {
            for j in 0..<3 {
                let eps = rng.nextGaussian()
                let sigma = exp(Double(logVariance[j]) / 2)
                let h = Double(mean[j]) + sigma * eps
                total += (-0.5 * eps * eps - log(sigma)) - (-0.5 * h * h)
            }
        }
        let monteCarlo = total / Double(samples)
        #expect(abs(monteCarlo - analytic) < 0.02 * analytic, "Monte Carlo \(monteCarlo) vs analytic \(analytic)")
    }

    /// The likelihood is written twice: as the training graph (`negativeELBOLoss`, autodiff ops)
    /// and as the scoring code's index arithmetic (`evaluate`). With one importance sample both
    /// see the same noise (the scoring noise's first row is the first draw of a generator seeded
    /// with `scoringSeed`, as the graph's is here), so the graph's reconstruction term plus
    /// `log q(h|x) - log p(h)` must equal the scoring code's `-log p(x)` row by row.
    @Test func scoringLikelihoodMatchesTheTrainingGraph() throws {
        var options = DetectorOptions()
        options.hiddenDimensions = [6]
        options.latentDimensions = 2
        options.epochs = 2
        options.minimumSteps = 50
        options.importanceSamples = 3
        var rng = SplitMix64(seed: 33)
        let data = Tensor(shape: [300, 4], scalars: (0..<1_200).map { i in Float(rng.nextGaussian() * Double(1 + i % 4)) })
        let (vae, _) = try VariationalAutoencoder.fit(data: data, options: options)
        let rows = Tensor(shape: [5, 4], scalars: Array(data.scalars.prefix(16)) + [30, -4, 0.5, 9])
        let scored = vae.negativeLogLikelihood(rows, importanceSamples: 1)
        let elbo = vae.negativeELBO(rows)
        for r in 0..<5 {
            let row = Tensor(shape: [1, 4], scalars: Array(rows.scalars[(r * 4)..<(r * 4 + 4)]))
            let z = vae.scaler.transform(row)
            var generator = Xoshiro256StarStar(seed: vae.configuration.scoringSeed)
            let reconstruction = VariationalAutoencoder.negativeELBOLoss(
                z, encoder: TrainableStack(vae.encoder), meanHead: TrainableStack(vae.meanHead),
                logVarianceHead: TrainableStack(vae.logVarianceHead), decoder: TrainableStack(vae.decoder),
                rawVariance: Variable(vae.rawDecoderVariance), degenerate: vae.scaler.degenerate, beta: 0,
                generator: &generator)
            // log q(h|x) - log p(h) for h = mean + sigma * eps (the 2 pi terms cancel).
            let posterior = vae.encode(standardized: z)
            var logRatio = 0.0
            for j in 0..<2 {
                let eps = Double(vae.scoringNoise.scalars[j])
                let logVariance = Double(posterior.logVariance.scalars[j])
                let h = Double(posterior.mean.scalars[j]) + exp(0.5 * logVariance) * eps
                logRatio += -0.5 * eps * eps - 0.5 * logVariance + 0.5 * h * h
            }
            let reference = Double(reconstruction.value.scalars[0]) + logRatio
            #expect(abs(Double(scored[r]) - reference) <= 1e-4 * max(1, abs(reference)), "row \(r): \(scored[r]) vs \(reference)")
            // The negative ELBO averages the same terms over the K samples: at least -log p(x) (Jensen).
            #expect(Double(elbo[r]) >= Double(vae.anomalyScores(row)[0]) - 1e-4 * max(1, abs(reference)))
        }
    }

    static let clusters: Tensor = {
        var rng = SplitMix64(seed: 32)
        var scalars: [Float] = []
        for i in 0..<600 {
            let center: Double = i % 2 == 0 ? -5 : 5
            scalars.append(Float(center + 0.4 * rng.nextGaussian()))
            scalars.append(Float(center + 0.4 * rng.nextGaussian()))
        }
        return Tensor(shape: [600, 2], scalars: scalars)
    }()

    static func clusterModel() throws -> (VariationalAutoencoder, FitReport) {
        var options = TestData.smallOptions(epochs: 150)
        options.latentDimensions = 2
        options.hiddenDimensions = [32]
        options.importanceSamples = 32
        options.patience = 10
        return try VariationalAutoencoder.fit(data: clusters, options: options)
    }

    @Test func emptyMiddleScoresFarAboveTheClusterCenters() throws {
        let (vae, report) = try Self.clusterModel()
        let scores = vae.anomalyScores(Tensor(shape: [3, 2], scalars: [-5, -5, 5, 5, 0, 0]))
        let training = vae.anomalyScores(Self.clusters)
        // The middle is less likely than every training vector, and at least e^1.5 times less likely
        // than a cluster center.
        #expect(scores[2] > (training.max() ?? .infinity), "middle \(scores[2]), training max \(training.max() ?? .nan)")
        #expect(scores[2] > max(scores[0], scores[1]) + 1.5, "scores \(scores)")
        let elbo = vae.negativeELBO(Tensor(shape: [3, 2], scalars: [-5, -5, 5, 5, 0, 0]))
        for i in 0..<3 { #expect(elbo[i] >= scores[i] - 1e-3) }
        #expect(report.diagnostics["kl.latent.0"] != nil)  // D = 2 -> one latent dimension
        #expect((report.diagnostics["kl.total"] ?? 0) > 0)
    }

    @Test func importanceSampledBoundTightensWithK() throws {
        let (vae, _) = try Self.clusterModel()
        let rows = Tensor(shape: [200, 2], scalars: Array(Self.clusters.scalars.prefix(400)))
        var means: [Int: Double] = [:]
        for k in [1, 4, 32] {
            var total = 0.0
            for seed in 0..<10 {
                var configuration = vae.configuration
                configuration.scoringSeed = UInt64(seed)
                let resampled = VariationalAutoencoder(
                    configuration: configuration, scaler: vae.scaler, encoder: vae.encoder, meanHead: vae.meanHead,
                    logVarianceHead: vae.logVarianceHead, decoder: vae.decoder, rawDecoderVariance: vae.rawDecoderVariance)
                total += resampled.negativeLogLikelihood(rows, importanceSamples: k).reduce(0) { $0 + Double($1) }
            }
            means[k] = total / 2000
        }
        let m1 = means[1] ?? 0, m4 = means[4] ?? 0, m32 = means[32] ?? 0
        #expect(m4 <= m1 + 1e-6 && m32 <= m4 + 1e-6, "-log p estimates by K: 1 \(m1), 4 \(m4), 32 \(m32)")
    }

    /// The same vector scores to the same bits every time, and alone or inside a batch to within
    /// rounding (BLAS picks different kernels for one row and for many).
    @Test func scoresAreReproducibleAndBatchIndependent() throws {
        let (vae, _) = try Self.clusterModel()
        let one = vae.anomalyScores(Tensor(shape: [1, 2], scalars: [1, 2]))
        let within = vae.anomalyScores(Tensor(shape: [3, 2], scalars: [5, 5, 1, 2, -3, 0]))
        #expect(abs(one[0] - within[1]) <= 1e-5 * max(1, abs(within[1])))
        #expect(vae.anomalyScores(Tensor(shape: [1, 2], scalars: [1, 2])) == one)
        let contributions = vae.featureContributions(Tensor(shape: [3, 2], scalars: [5, 5, 1, 2, -3, 0]))
        for r in 0..<3 {
            let row = contributions.scalars[(r * 2)..<(r * 2 + 2)]
            #expect(row.allSatisfy { $0 >= 0 })
            #expect(abs(row.reduce(0, +) - 1) <= 1e-5)
        }
    }
}
