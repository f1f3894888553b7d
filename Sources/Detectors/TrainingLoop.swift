import Foundation
import Tensor

/// Mini-batch training with seeded shuffling, a validation split and early stopping.
///
/// The data (`[samples, features]`, already standardized) is shuffled once with the seed; the first
/// `validationFraction` of it is the validation split, the rest is reshuffled every epoch and cut
/// into mini-batches. At most `max(epochs, ceil(minimumSteps / stepsPerEpoch))` epochs run, so small
/// data still gets enough optimizer steps. Adam (Kingma and Ba, ICLR 2015) updates the parameters; after each epoch the
/// validation loss decides early stopping (`patience` epochs without improvement), and the
/// parameters of the best epoch are restored at the end. Training aborts with
/// `DetectorError.trainingDiverged` as soon as a loss, a gradient or a weight is not finite.
struct TrainingLoop {
    /// The training split, `[samples, features]`.
    let train: Tensor
    /// The validation split (may have 0 rows).
    let validation: Tensor
    let options: DetectorOptions

    /// Splits `data` into training and validation parts with a seeded shuffle.
    /// - Throws: `DetectorError.tooFewSamples` with fewer than 2 training samples.
    init(data: Tensor, options: DetectorOptions) throws {
        (train, validation) = try Self.split(data, options: options)
        self.options = options
    }

    /// The seeded train/validation split of `data` (`[samples, features]`): a shuffle by `seed`, the
    /// first `floor(validationFraction * n)` rows validation, the rest training (all training when that
    /// would leave fewer than 2). Row-wise, so it commutes with standardization.
    /// - Throws: `DetectorError.tooFewSamples` with fewer than 2 samples.
    static func split(_ data: Tensor, options: DetectorOptions) throws -> (train: Tensor, validation: Tensor) {
        let n = data.shape[0], d = data.shape[1]
        var generator = Xoshiro256StarStar(seed: options.seed ^ 0x5EED_5711)
        var order = Array(0..<n)
        order.shuffle(using: &generator)
        var validationCount = Int((Double(n) * options.validationFraction).rounded(.down))
        if n - validationCount < 2 { validationCount = 0 }
        guard n - validationCount >= 2 else {
            throw DetectorError.tooFewSamples(needed: 2, got: n, purpose: "training")
        }
        func rows(_ indices: ArraySlice<Int>) -> Tensor {
            var scalars = [Float]()
            scalars.reserveCapacity(indices.count * d)
            data.scalars.withUnsafeBufferPointer { x in
                for r in indices { scalars.append(contentsOf: x[(r * d)..<((r + 1) * d)]) }
            }
            return Tensor(shape: [indices.count, d], scalars: scalars)
        }
        return (rows(order[validationCount...]), rows(order[..<validationCount]))
    }

    /// Runs the loop.
    /// - Parameters:
    ///   - parameters: every trainable parameter, by name.
    ///   - loss: the mean loss of a mini-batch as a graph node; gets a generator for sampling or corruption.
    ///   - validationLoss: the mean loss of the validation split without a graph (deterministic).
    /// - Returns: per-epoch train and validation losses, the epoch count and the sample count.
    /// - Throws: `DetectorError.trainingDiverged`.
    func run(
        parameters: [NamedParameter],
        loss: (Tensor, inout Xoshiro256StarStar) -> Variable,
        validationLoss: (Tensor) -> Double
    ) throws -> (train: [Double], validation: [Double], epochs: Int) {
        var generator = Xoshiro256StarStar(seed: options.seed ^ 0xBA7C_4E55)
        var optimizer = Adam(learningRate: Float(options.learningRate), maxGradientNorm: options.maxGradientNorm.map(Float.init))
        let n = train.shape[0], d = train.shape[1]
        let batchSize = min(options.batchSize, n)
        var trainLosses: [Double] = [], validationLosses: [Double] = []
        var best = Double.infinity
        var bestValues = parameters.map(\.variable.value)
        var sinceBest = 0
        var order = Array(0..<n)
        var batch = [Float](repeating: 0, count: batchSize * d)
        let stepsPerEpoch = max(1, n / batchSize)
        let maximumEpochs = max(options.epochs, (options.minimumSteps + stepsPerEpoch - 1) / stepsPerEpoch)
        for epoch in 1...maximumEpochs {
            order.shuffle(using: &generator)
            var total = 0.0
            var seen = 0
            var start = 0
            // The last incomplete batch joins the next epoch's shuffle instead of a tiny, noisy step.
            while start + batchSize <= n || (start == 0 && n > 0) {
                let count = min(batchSize, n - start)
                batch.removeAll(keepingCapacity: true)
                train.scalars.withUnsafeBufferPointer { x in
                    for r in order[start..<(start + count)] { batch.append(contentsOf: x[(r * d)..<((r + 1) * d)]) }
                }
                let value = loss(Tensor(shape: [count, d], scalars: batch), &generator)
                let scalar = Double(value.value.scalars[0])
                guard scalar.isFinite else { throw DetectorError.trainingDiverged(epoch: epoch, loss: scalar) }
                value.backward()
                do {
                    try optimizer.step(parameters)
                } catch {
                    throw DetectorError.trainingDiverged(epoch: epoch, loss: scalar)
                }
                total += scalar * Double(count)
                seen += count
                start += count
            }
            let epochLoss = total / Double(max(seen, 1))
            trainLosses.append(epochLoss)
            guard parameters.allSatisfy({ $0.variable.value.isFinite }) else {
                throw DetectorError.trainingDiverged(epoch: epoch, loss: epochLoss)
            }
            let monitored: Double
            if validation.shape[0] > 0 {
                monitored = validationLoss(validation)
                validationLosses.append(monitored)
                guard monitored.isFinite else { throw DetectorError.trainingDiverged(epoch: epoch, loss: monitored) }
            } else {
                monitored = epochLoss
            }
            if !best.isFinite || monitored < best - 1e-6 * abs(best) {
                best = monitored
                bestValues = parameters.map(\.variable.value)
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= options.patience {
                    break
                }
            }
        }
        for (parameter, value) in zip(parameters, bestValues) { parameter.variable.assign(value) }
        return (trainLosses, validationLosses, trainLosses.count)
    }
}
