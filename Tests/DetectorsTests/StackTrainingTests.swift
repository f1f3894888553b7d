#if canImport(Glibc)
import Glibc
#endif
import Testing
import Tensor
@testable import Detectors

/// Training `TrainableStack`s with Adam: losses fall, runs repeat bit for bit, and the fitted
/// snapshot scores as the graph does.
@Suite(.serialized) struct StackTrainingTests {
    /// A seeded regression target: `y = sin(2 x0) + x1² / 2 - x0 x1` on `x ∈ U(-1, 1)²`.
    static func data(count: Int, seed: UInt64) -> (inputs: Tensor, targets: Tensor) {
        var rng = Xoshiro256StarStar(seed: seed)
        let x = Tensor.randomUniform([count, 2], lowerBound: -1, upperBound: 1, using: &rng)
        var y: [Float] = []
        for r in 0..<count {
            let (a, b) = (x.scalars[2 * r], x.scalars[2 * r + 1])
            y.append(sinf(2 * a) + b * b / 2 - a * b)
        }
        return (x, Tensor(shape: [count, 1], scalars: y))
    }

    /// Trains a 2-32-32-1 tanh MLP with Adam; returns the final loss and the model.
    static func train(seed: UInt64, steps: Int) throws -> (loss: Float, model: TrainableStack) {
        BLAS.setThreadCount(1)
        var rng = Xoshiro256StarStar(seed: seed)
        let model = TrainableStack(
            DenseStack.initialized(name: "mlp", sizes: [2, 32, 32, 1], activations: [.tanh, .tanh, .identity], using: &rng))
        let (x, y) = data(count: 256, seed: 3)
        var adam = Adam(learningRate: 1e-2)
        var loss: Float = .infinity
        for _ in 0..<steps {
            let l = meanSquaredError(model(Variable(x)), y)
            loss = l.value.scalar
            l.backward()
            try adam.step(model.parameters)
        }
        return (loss, model)
    }

    @Test func mlpFitsSeededRegression() throws {
        let (_, y) = Self.data(count: 256, seed: 3)
        let variance = (y - y.mean()).squared().mean()
        let (loss, model) = try Self.train(seed: 11, steps: 600)
        #expect(loss < 0.01 * variance, "final loss \(loss), target variance \(variance)")
        // The no-graph inference path gives the same predictions as the recorded one.
        let (x, _) = Self.data(count: 256, seed: 3)
        #expect(model.snapshot()(x) == model(Variable(x)).value)
    }

    @Test func sameSeedGivesBitIdenticalWeights() throws {
        let first = try Self.train(seed: 5, steps: 50).model.parameters.tensors
        let second = try Self.train(seed: 5, steps: 50).model.parameters.tensors
        #expect(first.map(\.name) == ["mlp.0.weight", "mlp.0.bias", "mlp.1.weight", "mlp.1.bias", "mlp.2.weight", "mlp.2.bias"])
        for (a, b) in zip(first, second) {
            #expect(a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern), "\(a.name)")
        }
        let other = try Self.train(seed: 6, steps: 50).model.parameters.tensors
        #expect(other[0].tensor != first[0].tensor)
    }

    @Test func autoencoderTrainsAndRoundTripsThroughACheckpoint() throws {
        BLAS.setThreadCount(1)
        var rng = Xoshiro256StarStar(seed: 42)
        let model = TrainableStack(
            DenseStack.initialized(
                name: "autoencoder", sizes: [38, 64, 16, 64, 38], activations: [.relu, .relu, .relu, .identity], using: &rng))
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
        let fitted = model.snapshot()
        let reconstruction = fitted(data)
        let reconstructionError = Tensor.rowMeanSquaredError(reconstruction, data)
        #expect(reconstructionError.shape == [512] && reconstructionError.isFinite)
        let composed = (reconstruction - data).squared().mean(alongAxis: 1)
        #expect(zip(reconstructionError.scalars, composed.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * Swift.max(1, abs($1)) })

        let blob = Checkpoint.encode(model.parameters)
        var other = Xoshiro256StarStar(seed: 7)
        let template = DenseStack.initialized(
            name: "autoencoder", sizes: [38, 64, 16, 64, 38], activations: [.relu, .relu, .relu, .identity], using: &other)
        let restored = try template.loading(Dictionary(uniqueKeysWithValues: Checkpoint.decode(blob).map { ($0.name, $0.tensor) }))
        #expect(restored(data) == reconstruction)
    }

    @Test func vaeStepLowersTheNegativeELBO() throws {
        var rng = Xoshiro256StarStar(seed: 12)
        let latent = 2
        let encoder = TrainableStack(
            DenseStack.initialized(name: "encoder", sizes: [6, 16, 2 * latent], activations: [.relu, .identity], using: &rng))
        let decoder = TrainableStack(
            DenseStack.initialized(name: "decoder", sizes: [latent, 16, 6], activations: [.relu, .identity], using: &rng))
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
            try optimizer.step(encoder.parameters + decoder.parameters)
        }
        let early = losses.prefix(10).reduce(0, +) / 10
        let late = losses.suffix(10).reduce(0, +) / 10
        #expect(late < 0.7 * early, "negative ELBO \(early) -> \(late)")
    }
}
