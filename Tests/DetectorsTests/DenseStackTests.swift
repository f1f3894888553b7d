import Testing
import Tensor
@testable import Detectors

/// The detectors' layer stack: `DenseStack` (fitted, plain tensors) and `TrainableStack` (its
/// graph twin), their initialization, names, activations and checkpoint round trip.
@Suite struct DenseStackTests {
    @Test func initializationsFollowTheirDistributions() {
        var rng = Xoshiro256StarStar(seed: 31)
        // Glorot before tanh/sigmoid/linear layers, He before ReLU-like ones; zero biases.
        let glorot = DenseStack.initialized(name: "g", sizes: [200, 100], activations: [.tanh], using: &rng)
        let bound = (6 / Float(300)).squareRoot()
        #expect(glorot.weights[0].scalars.allSatisfy { abs($0) <= bound })
        #expect(glorot.biases[0] == Tensor.zeros([100]))
        let he = DenseStack.initialized(name: "h", sizes: [200, 100], activations: [.relu], using: &rng)
        let variance = he.weights[0].squared().mean()
        #expect(abs(variance - 2 / 200) < 0.1 * (2 / 200))
        #expect(he.biases[0] == Tensor.zeros([100]))
    }

    @Test func aLayerIsInputTimesWeightPlusBias() {
        let stack = DenseStack(
            name: "s", sizes: [2, 3], activations: [.identity], weights: [Tensor(rows: [[1, 2, 3], [4, 5, 6]])],
            biases: [Tensor([1, 0, -1])])
        let x = Tensor(rows: [[1, 1], [0, 2]])
        #expect(stack(x) == Tensor(rows: [[6, 7, 8], [9, 10, 11]]))
        #expect(TrainableStack(stack)(Variable(x)).value == stack(x))
        #expect(stack.sizes.first == 2 && stack.sizes.last == 3)
    }

    @Test func parametersAreNamedByDottedPath() {
        var rng = Xoshiro256StarStar(seed: 2)
        let encoder = DenseStack.initialized(name: "encoder", sizes: [4, 3, 2], activations: [.relu, .identity], using: &rng)
        let names = ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias"]
        #expect(TrainableStack(encoder).parameters.map(\.name) == names)
        #expect(encoder.namedTensors.map(\.name) == names)
    }

    @Test(arguments: ActivationKind.allCases)
    func activationPathsAgree(_ activation: ActivationKind) {
        let x = Tensor(rows: [[-2, -0.5, 0, 0.5, 2]])
        var inPlace = x
        activation.applyInPlace(&inPlace)
        #expect(activation.apply(x) == activation.apply(Variable(x)).value)
        #expect(activation.apply(x) == inPlace)
        // The scoring path (ReLU fused into the affine pass) agrees with the training graph.
        let identity = Tensor(rows: (0..<5).map { i in (0..<5).map { $0 == i ? 1 : 0 } })
        let stack = DenseStack(name: "a", sizes: [5, 5], activations: [activation], weights: [identity], biases: [.zeros([5])])
        #expect(stack(x) == inPlace)
        #expect(TrainableStack(stack)(Variable(x)).value == inPlace)
    }

    func stack(seed: UInt64) -> DenseStack {
        var rng = Xoshiro256StarStar(seed: seed)
        return DenseStack.initialized(name: "encoder", sizes: [5, 4, 5], activations: [.relu, .identity], using: &rng)
    }

    @Test func checkpointRoundTripScoresBitIdentically() throws {
        let fitted = stack(seed: 1)
        let source = DenseStack(
            name: fitted.name, sizes: fitted.sizes, activations: fitted.activations, weights: fitted.weights,
            biases: [Tensor([.nan, -0.0, .infinity, 1e-38]), fitted.biases[1]])
        let decoded = try Checkpoint.decode(Checkpoint.encode(source.namedTensors))
        #expect(decoded.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias"])
        for (a, b) in zip(decoded, source.namedTensors) {
            #expect(a.tensor.shape == b.tensor.shape)
            #expect(a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern))
        }
        let target = try stack(seed: 2).loading(Dictionary(uniqueKeysWithValues: decoded.map { ($0.name, $0.tensor) }))
        let x = Tensor.ones([2, 5])
        #expect(target(x).scalars.map(\.bitPattern) == source(x).scalars.map(\.bitPattern))
    }

    @Test func loadingRejectsMismatchedStacks() throws {
        let tensors = Dictionary(uniqueKeysWithValues: stack(seed: 5).namedTensors.map { ($0.name, $0.tensor) })
        var rng = Xoshiro256StarStar(seed: 6)
        let wrongShape = DenseStack.initialized(name: "encoder", sizes: [5, 3, 5], activations: [.relu, .identity], using: &rng)
        #expect(throws: DetectorError.self) { try wrongShape.loading(tensors) }
        let deeper = DenseStack.initialized(
            name: "encoder", sizes: [5, 4, 5, 5], activations: [.relu, .relu, .identity], using: &rng)
        #expect(throws: DetectorError.self) { try deeper.loading(tensors) }
    }

    @Test func snapshotScoresIdenticallyAndIgnoresLaterTraining() throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let model = TrainableStack(
            DenseStack.initialized(name: "m", sizes: [5, 8, 3, 5], activations: [.leakyReLU, .tanh, .identity], using: &rng))
        let x = Tensor.randomNormal([4, 5], using: &rng)
        let snapshot = model.snapshot()
        #expect(snapshot(x) == model(Variable(x)).value)
        #expect(snapshot(x.gatheringRows(0..<1)) == model(Variable(x.gatheringRows(0..<1))).value)
        let loss = meanSquaredError(model(Variable(x)), x)
        loss.backward()
        var optimizer = Adam(learningRate: 0.1)
        try optimizer.step(model.parameters)
        #expect(snapshot(x) != model(Variable(x)).value)
        #expect(model.snapshot()(x) == model(Variable(x)).value)
        let handOver: @Sendable () -> Tensor = { snapshot(x) }
        #expect(handOver().shape == [4, 5])
    }
}
