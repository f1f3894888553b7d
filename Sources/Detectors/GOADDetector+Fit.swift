import Foundation
import Tensor

extension GOADDetector {
    /// Fits the scaler, the network and the head on normal data, `[samples, features]`, then sets each
    /// center to the mean embedding of its transformation over the training split.
    ///
    /// Loss of a mini-batch of B standardized rows and its B·M views (Bergman and Hoshen, ICLR 2020, eq. 5,
    /// and their reference code's cross-entropy term):
    ///
    ///     L = CE(head(f(T_m z)), m) + λ · (1/BM) Σ max(0, ‖f(T_m z) - c_m‖² - min_{m'≠m} ‖f(T_m z) - c_m'‖² + s)
    ///
    /// with the centers `c_m` the batch means of each transformation's embeddings (gradients flow through
    /// them), `s` the `margin` and `λ` the `tripletCenterWeight`. The triplet-center term is the engine's
    /// `tripletLoss` with squared Euclidean distance: anchor the embedding, positive its own center,
    /// negative the nearest other center (chosen on the forward values, the subgradient of the min).
    /// Early stopping watches the same loss on the validation split; training is brief by design
    /// (`trainingBudget`, `DetectorOptions.tripletTrainingSteps`). Losses are in nats plus λ times squared
    /// embedding units.
    /// - Throws: `DetectorError` for bad options or data, too few samples, divergence.
    public static func fit(data: Tensor, options: DetectorOptions) throws -> (GOADDetector, FitReport) {
        let started = Date()
        let scaler = try StandardScaler.fit(data)
        let initial = try initialized(featureCount: data.shape[1], options: options)
        let z = scaler.transform(data)
        let loop = try TrainingLoop(data: z, options: trainingBudget(options, samples: data.shape[0]))
        let network = TrainableStack(initial.network)
        let head = TrainableStack(initial.head)
        let margin = Float(options.margin), weight = Float(options.tripletCenterWeight)
        func loss(_ batch: Tensor, _ generator: inout Xoshiro256StarStar) -> Variable {
            trainingLoss(batch, model: initial, network: { network($0) }, head: { head($0) }, margin: margin, weight: weight)
        }
        func validationLoss(_ rows: Tensor) -> Double {
            let fittedNetwork = network.snapshot(), fittedHead = head.snapshot()
            var total = 0.0
            var start = 0
            let size = max(2, options.batchSize)
            while start < rows.shape[0] {
                let end = min(start + size, rows.shape[0])
                let value = trainingLoss(
                    rows.gatheringRows(start..<end), model: initial, network: { fittedNetwork($0) }, head: { fittedHead($0) },
                    margin: margin, weight: weight)
                total += Double(value.value.scalar) * Double(end - start)
                start = end
            }
            return total / Double(max(rows.shape[0], 1))
        }
        let result = try loop.run(parameters: network.parameters + head.parameters, loss: loss, validationLoss: validationLoss)
        let fitted = GOADDetector(
            configuration: initial.configuration, scaler: scaler, transformations: initial.transformations,
            network: network.snapshot(), head: head.snapshot(), centers: initial.centers)
        let centers = fitted.meanEmbeddings(standardized: loop.train)
        let model = GOADDetector(
            configuration: initial.configuration, scaler: scaler, transformations: initial.transformations,
            network: fitted.network, head: fitted.head, centers: centers)
        guard centers.isFinite else { throw DetectorError.trainingDiverged(epoch: result.epochs, loss: .nan) }
        let report = FitReport(
            trainLosses: result.train, validationLosses: result.validation, epochs: result.epochs,
            samples: loop.train.shape[0], seconds: Date().timeIntervalSince(started), seed: options.seed,
            diagnostics: ["triplet.transformations": Double(initial.configuration.transformationCount),
                          "triplet.transformationDimensions": Double(initial.configuration.transformationDimensions)])
        return (model, report)
    }

    /// `options` with GOAD's brief training: `min(epochs, ceil(tripletTrainingSteps / stepsPerEpoch))` epochs
    /// and no minimum step count (`stepsPerEpoch` as `TrainingLoop` counts it on the training split).
    static func trainingBudget(_ options: DetectorOptions, samples: Int) -> DetectorOptions {
        var budget = options
        let trainRows = samples - Int((Double(samples) * options.validationFraction).rounded(.down))
        let stepsPerEpoch = max(1, max(trainRows, 1) / max(1, min(options.batchSize, max(trainRows, 1))))
        budget.epochs = max(1, min(options.epochs, (options.tripletTrainingSteps + stepsPerEpoch - 1) / stepsPerEpoch))
        budget.minimumSteps = 0
        return budget
    }

    /// The training loss of one standardized batch `[B, features]` as a graph node (see `fit`).
    static func trainingLoss(
        _ batch: Tensor, model: GOADDetector, network: (Variable) -> Variable, head: (Variable) -> Variable,
        margin: Float, weight: Float
    ) -> Variable {
        let b = batch.shape[0], m = model.configuration.transformationCount
        let rows = b * m
        let views = Tensor.matmul(batch, model.transformations).reshaped([rows, model.configuration.transformationDimensions])
        let embeddings = network(Variable(views))
        let labels = (0..<rows).map { $0 % m }
        let crossEntropy = softmaxCrossEntropy(logits: head(embeddings), labels: labels)
        // Centers as batch means: C = A · E, A [M, B·M] with 1/B where the row's view is m.
        var averaging = [Float](repeating: 0, count: m * rows)
        for row in 0..<rows { averaging[(row % m) * rows + row] = 1 / Float(b) }
        let centers = Variable.matmul(Variable(Tensor(shape: [m, rows], scalars: averaging)), embeddings)
        let width = centers.shape[1]
        var own = [Float](repeating: 0, count: rows * m), nearest = own
        embeddings.value.scalars.withUnsafeBufferPointer { e in
            centers.value.scalars.withUnsafeBufferPointer { c in
                for row in 0..<rows {
                    let label = labels[row]
                    own[row * m + label] = 1
                    var best = Float.infinity, bestIndex = label == 0 ? 1 : 0
                    for other in 0..<m where other != label {
                        var squared: Float = 0
                        for j in 0..<width {
                            let diff = e[row * width + j] - c[other * width + j]
                            squared += diff * diff
                        }
                        if squared < best {
                            best = squared
                            bestIndex = other
                        }
                    }
                    nearest[row * m + bestIndex] = 1
                }
            }
        }
        let positives = Variable.matmul(Variable(Tensor(shape: [rows, m], scalars: own)), centers)
        let negatives = Variable.matmul(Variable(Tensor(shape: [rows, m], scalars: nearest)), centers)
        let tripletCenter = tripletLoss(anchors: embeddings, positives: positives, negatives: negatives, margin: margin, distance: .squaredEuclidean)
        return crossEntropy + weight * tripletCenter
    }

    /// The mean embedding of each transformation over standardized rows, `[M, latent]`.
    func meanEmbeddings(standardized z: Tensor) -> Tensor {
        let m = configuration.transformationCount, width = network.sizes.last ?? 1
        var sums = [Double](repeating: 0, count: m * width)
        var start = 0
        while start < z.shape[0] {
            let end = min(start + 512, z.shape[0])
            let e = embeddings(standardized: z.gatheringRows(start..<end))
            for row in 0..<((end - start) * m) {
                for j in 0..<width { sums[(row % m) * width + j] += Double(e.scalars[row * width + j]) }
            }
            start = end
        }
        let n = Double(max(z.shape[0], 1))
        return Tensor(shape: [m, width], scalars: sums.map { Float($0 / n) })
    }
}
