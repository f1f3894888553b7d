import Detectors
import Tensor

/// One timed training run of the reference autoencoder.
struct TrainingRun {
    var samplesPerSecond: Double
    var seconds: Double
    var finalLoss: Float

    /// The AE `D -> 64 -> 16 -> 64 -> D`, ReLU after every hidden layer (the code too), as
    /// the peer's `models.AE`: one `DenseStack`, the detectors' layer stack, initialized like
    /// PyTorch's `nn.Linear` (weight and bias `U(-a, a)`, `a = 1/√in`) so both sides start
    /// from the same distribution.
    static func autoencoder(dimensions: Int, using rng: inout Xoshiro256StarStar) -> DenseStack {
        let sizes = [dimensions, 64, 16, 64, dimensions]
        var weights: [Tensor] = [], biases: [Tensor] = []
        for l in 0..<(sizes.count - 1) {
            let a = 1 / Float(sizes[l]).squareRoot()
            weights.append(.randomUniform([sizes[l], sizes[l + 1]], lowerBound: -a, upperBound: a, using: &rng))
            biases.append(.randomUniform([sizes[l + 1]], lowerBound: -a, upperBound: a, using: &rng))
        }
        return DenseStack(
            name: "autoencoder", sizes: sizes, activations: [.relu, .relu, .relu, .identity], weights: weights,
            biases: biases)
    }

    /// Matmul FLOPs per training sample: forward `2 Σ in·out`, weight gradients the same
    /// again, input gradients for every layer but the first (the data needs none).
    static func matmulFlopsPerSample(dimensions d: Int) -> Int {
        let layers = [(d, 64), (64, 16), (16, 64), (64, d)]
        let forward = layers.reduce(0) { $0 + 2 * $1.0 * $1.1 }
        let inputGradients = layers.dropFirst().reduce(0) { $0 + 2 * $1.0 * $1.1 }
        return 2 * forward + inputGradients
    }

    /// Trains for `epochs` over `data`, reshuffled every epoch (Fisher-Yates with the seeded
    /// generator), like the peer's loop, and times it.
    /// - Throws: `OptimizerError` if a step has non-finite gradients.
    static func run(
        data: Tensor, epochs: Int, batchSize: Int, learningRate: Float, seed: UInt64
    ) throws -> TrainingRun {
        var rng = Xoshiro256StarStar(seed: seed)
        let model = TrainableStack(autoencoder(dimensions: data.shape[1], using: &rng))
        let parameters = model.parameters
        var optimizer = Adam(learningRate: learningRate)
        let n = data.shape[0]
        var order = Array(0..<n)
        var lastEpochLoss: Double = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<epochs {
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            lastEpochLoss = 0
            for begin in stride(from: 0, to: n, by: batchSize) {
                let batch = data.gatheringRows(order[begin..<min(begin + batchSize, n)])
                let loss = meanSquaredError(model(Variable(batch)), batch)
                lastEpochLoss += Double(loss.value.scalar) * Double(batch.shape[0])
                loss.backward()
                try optimizer.step(parameters)
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return TrainingRun(
            samplesPerSecond: Double(n * epochs) / seconds, seconds: seconds,
            finalLoss: Float(lastEpochLoss / Double(n)))
    }
}
