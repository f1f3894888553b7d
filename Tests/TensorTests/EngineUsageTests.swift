import Testing
@testable import Tensor

/// The usage shown at the top of Autodiff.swift, and the helpers a VAE needs.
@Suite(.serialized) struct EngineUsageTests {
    @Test func documentedAutoencoderExampleTrainsAndRoundTrips() throws {
        BLAS.setThreadCount(1)
        var rng = Xoshiro256StarStar(seed: 42)
        let model = Sequential([
            Linear(38, 64, initialization: .he, using: &rng), Activation(.relu),
            Linear(64, 16, initialization: .he, using: &rng), Activation(.relu),
            Linear(16, 64, initialization: .he, using: &rng), Activation(.relu),
            Linear(64, 38, initialization: .glorot, using: &rng),
        ])
        // Data on a 3-dimensional linear subspace, so the 16-wide bottleneck can reconstruct it.
        let codes = Tensor.randomNormal([512, 3], using: &rng)
        let mixing = Tensor.randomNormal([3, 38], standardDeviation: 0.5, using: &rng)
        let data = Tensor.matmul(codes, mixing)
        var optimizer = Adam(learningRate: 1e-3)
        var losses: [Float] = []
        for epoch in 0..<30 {
            for begin in stride(from: 0, to: 512, by: 64) {
                let batch = data.gatheringRows(begin..<(begin + 64))
                let loss = meanSquaredError(model(Variable(batch)), batch)
                if begin == 0 && (epoch == 0 || epoch == 29) { losses.append(loss.value.scalar) }
                loss.backward()
                try optimizer.step(model.parameters)
            }
        }
        #expect(losses.count == 2 && losses[1] < 0.2 * losses[0], "losses \(losses)")
        let reconstruction = model(data)
        let reconstructionError = Tensor.rowMeanSquaredError(reconstruction, data)
        #expect(reconstructionError.shape == [512] && reconstructionError.isFinite)
        let composed = (reconstruction - data).squared().mean(alongAxis: 1)
        #expect(zip(reconstructionError.scalars, composed.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * Swift.max(1, abs($1)) })

        let blob = Checkpoint.encode(model.parameters)
        var other = Xoshiro256StarStar(seed: 7)
        let restored = Sequential([
            Linear(38, 64, using: &other), Activation(.relu), Linear(64, 16, using: &other),
            Activation(.relu), Linear(16, 64, using: &other), Activation(.relu),
            Linear(64, 38, using: &other),
        ])
        try restored.load(Checkpoint.decode(blob))
        #expect(restored(data) == reconstruction)
    }

    @Test func frozenCopyScoresIdenticallyAndIgnoresLaterTraining() throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let model = Sequential([
            Linear(5, 8, initialization: .he, using: &rng), Activation(.leakyReLU(negativeSlope: 0.1)),
            Sequential([Linear(8, 3, using: &rng), Activation(.tanh)]), Linear(3, 5, using: &rng),
        ])
        let x = Tensor.randomNormal([4, 5], using: &rng)
        let frozen = model.frozen()
        #expect(frozen(x) == model(x))
        #expect(frozen(x.gatheringRows(0..<1)) == model(x.gatheringRows(0..<1)))
        #expect(model.parameters.map(\.name).contains("2.0.weight"))
        let loss = meanSquaredError(model(Variable(x)), x)
        loss.backward()
        var sgd = SGD(learningRate: 0.1)
        try sgd.step(model.parameters)
        #expect(frozen(x) != model(x))
        #expect(model.frozen()(x) == model(x))
        let handOver: @Sendable () -> Tensor = { frozen(x) }
        #expect(handOver().shape == [4, 5])
    }

    @Test func gradientCheckDetectsAWrongBackward() {
        // An op whose backward is off by a factor of 2 must fail the check used everywhere.
        let x = GradientCheck.awayFromZero([2, 3], seed: 1)
        let error = GradientCheck.maximumError(inputs: [x]) { v in
            let input = v[0]
            return Variable(input.value.squared(), parents: [input]) { g in input.accumulate(g * input.value) }
        }
        #expect(error > 0.1)
    }

    @Test func reparameterizationAndKLOfStandardNormal() {
        var rng = Xoshiro256StarStar(seed: 3)
        let zeros = Variable(Tensor.zeros([4, 2]), requiresGradient: true)
        #expect(klDivergence(mean: zeros, logVariance: zeros).value.scalar == 0)
        let mean = Variable(Tensor.zeros([20_000, 1]) + 2)
        let logVariance = Variable(Tensor.zeros([20_000, 1]) + Float(2 * Float.log(0.5)))
        let z = reparameterize(mean: mean, logVariance: logVariance, using: &rng).value
        #expect(abs(z.mean() - 2) < 0.02)
        #expect(abs((z - z.mean()).squared().mean().squareRoot() - 0.5) < 0.02)
        // Analytic KL of N(μ, σ²) from N(0, 1) against Monte Carlo of ln q(z) - ln p(z).
        let mu: Float = 0.7
        let sigma: Float = 0.6
        let analytic = klDivergence(
            mean: Variable(Tensor(rows: [[mu]])), logVariance: Variable(Tensor(rows: [[2 * Float.log(sigma)]]))
        ).value.scalar
        var monteCarlo: Double = 0
        let samples = 200_000
        for _ in 0..<samples {
            let e = Double(rng.nextNormal())
            let zi = Double(mu) + Double(sigma) * e
            monteCarlo += (-0.5 * e * e - Double.log(Double(sigma))) - (-0.5 * zi * zi)
        }
        #expect(abs(Double(analytic) - monteCarlo / Double(samples)) < 0.01)
    }

    @Test func logSumExpIsStable() {
        let x = Tensor(rows: [[1000, 1000], [-1000, -1000], [0, .log(3)]])
        let result = x.logSumExp(alongAxis: 1)
        #expect(abs(result.scalars[0] - (1000 + Float.log(2))) < 1e-3)
        #expect(abs(result.scalars[1] - (-1000 + Float.log(2))) < 1e-3)
        #expect(abs(result.scalars[2] - Float.log(4)) < 1e-6)
        #expect(Tensor(rows: [[-.infinity, -.infinity]]).logSumExp(alongAxis: 1).scalars == [-.infinity])
    }
}

extension Float {
    static func log(_ x: Float) -> Float { logf(x) }
}

extension Double {
    static func log(_ x: Double) -> Double { Glibc.log(x) }
}

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DocumentedVAEStepTests {
    @Test func vaeStepFromTheDocCommentLowersTheNegativeELBO() throws {
        var rng = Xoshiro256StarStar(seed: 12)
        let latent = 2
        let encoder = Sequential([Linear(6, 16, initialization: .he, using: &rng), Activation(.relu), Linear(16, 2 * latent, using: &rng)])
        let decoder = Sequential([Linear(latent, 16, initialization: .he, using: &rng), Activation(.relu), Linear(16, 6, using: &rng)])
        let batch = Tensor.matmul(Tensor.randomNormal([128, 2], using: &rng), Tensor.randomNormal([2, 6], using: &rng))
        var optimizer = Adam(learningRate: 1e-2)
        var losses: [Float] = []
        for _ in 0..<150 {
            let head = encoder(Variable(batch))
            let mean = head.slice(features: 0..<latent)
            let logVariance = head.slice(features: latent..<(2 * latent))
            let z = reparameterize(mean: mean, logVariance: logVariance, using: &rng)
            let negativeELBO = gaussianNegativeLogLikelihood(batch, mean: decoder(z), logVariance: Variable(.zeros([])))
                + klDivergence(mean: mean, logVariance: logVariance)
            losses.append(negativeELBO.value.scalar)
            negativeELBO.backward()
            try optimizer.step(encoder.parameters.prefixed("encoder") + decoder.parameters.prefixed("decoder"))
        }
        let early = losses.prefix(10).reduce(0, +) / 10
        let late = losses.suffix(10).reduce(0, +) / 10
        #expect(late < 0.7 * early, "negative ELBO \(early) -> \(late)")
        #expect("\(Tensor(rows: [[1, 2]]))" == "Tensor[1, 2](1.0, 2.0)")
    }
}
