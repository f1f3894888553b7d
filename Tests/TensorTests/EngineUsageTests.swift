import Testing
@testable import Tensor

/// The usage shown at the top of Autodiff.swift, and the helpers a VAE needs.
@Suite(.serialized) struct EngineUsageTests {
    @Test func documentedExampleTrainsAndRoundTrips() throws {
        BLAS.setThreadCount(1)
        var rng = Xoshiro256StarStar(seed: 42)
        let weight = Variable(.randomNormal([38, 16], standardDeviation: 0.2, using: &rng), requiresGradient: true)
        let bias = Variable(.zeros([16]), requiresGradient: true)
        let decoder = Variable(.randomNormal([16, 38], standardDeviation: 0.2, using: &rng), requiresGradient: true)
        let parameters = [
            NamedParameter(name: "encoder.0.weight", variable: weight),
            NamedParameter(name: "encoder.0.bias", variable: bias),
            NamedParameter(name: "decoder.0.weight", variable: decoder),
        ]
        // Data on a 3-dimensional linear subspace, so the 16-wide code can reconstruct it.
        let codes = Tensor.randomNormal([512, 3], using: &rng)
        let mixing = Tensor.randomNormal([3, 38], standardDeviation: 0.5, using: &rng)
        let data = Tensor.matmul(codes, mixing)
        var optimizer = Adam(learningRate: 1e-3)
        var losses: [Float] = []
        for epoch in 0..<30 {
            for begin in stride(from: 0, to: 512, by: 64) {
                let batch = data.gatheringRows(begin..<(begin + 64))
                let code = Variable.affine(Variable(batch), weight: weight, bias: bias).relu()
                let loss = meanSquaredError(Variable.matmul(code, decoder), batch)
                if begin == 0 && (epoch == 0 || epoch == 29) { losses.append(loss.value.scalar) }
                loss.backward()
                try optimizer.step(parameters)
            }
        }
        #expect(losses.count == 2 && losses[1] < 0.2 * losses[0], "losses \(losses)")
        // The no-graph scoring path gives what the graph gives.
        let code = Tensor.affine(data, weight: weight.value, bias: bias.value, rectified: true)
        let reconstruction = Tensor.matmul(code, decoder.value)
        let graph = Variable.matmul(Variable.affine(Variable(data), weight: weight, bias: bias).relu(), decoder).value
        #expect(reconstruction == graph)
        let reconstructionError = Tensor.rowMeanSquaredError(reconstruction, data)
        #expect(reconstructionError.shape == [512] && reconstructionError.isFinite)
        let composed = (reconstruction - data).squared().mean(alongAxis: 1)
        #expect(zip(reconstructionError.scalars, composed.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * Swift.max(1, abs($1)) })

        let stored = try Checkpoint.decode(Checkpoint.encode(parameters))
        #expect(stored.map(\.name) == parameters.map(\.name))
        #expect(stored.map(\.tensor) == parameters.tensors.map(\.tensor))
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

@Suite struct TensorDescriptionTests {
    @Test func descriptionNamesShapeAndValues() {
        #expect("\(Tensor(rows: [[1, 2]]))" == "Tensor[1, 2](1.0, 2.0)")
    }
}
