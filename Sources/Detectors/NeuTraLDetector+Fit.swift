import Foundation
import Tensor

extension NeuTraLDetector {
    /// Fits the scaler, the K transformations and the encoder on normal data, `[samples, features]`, by
    /// minimizing the mean DCL of the standardized mini-batches (`TrainingLoop`: Adam, seeded shuffling,
    /// early stopping on the validation split's mean DCL). The report's losses are mean DCLs in nats.
    /// - Throws: `DetectorError` for bad options or data, too few samples, divergence.
    public static func fit(data: Tensor, options: DetectorOptions) throws -> (NeuTraLDetector, FitReport) {
        let started = Date()
        let scaler = try StandardScaler.fit(data)
        let initial = try initialized(featureCount: data.shape[1], options: options)
        let z = scaler.transform(data)
        let loop = try TrainingLoop(data: z, options: options)
        let transformations = initial.transformations.map(TrainableStack.init)
        let encoder = TrainableStack(initial.encoder)
        let d = initial.featureCount, k = transformations.count, width = initial.encoder.sizes.last ?? 1
        let temperature = Float(options.temperature)
        let mask = options.learnedTransformation == .mask
        func loss(_ batch: Tensor, _ generator: inout Xoshiro256StarStar) -> Variable {
            let input = Variable(batch)
            let outputs = transformations.map { network -> Variable in
                let m = network(input)
                return mask ? m * input : m + input
            }
            let n = batch.shape[0]
            let embeddings = encoder(Variable.concatenatingFeatures([input] + outputs).reshaped([n * (k + 1), d]))
            return deterministicContrastiveLoss(embeddings.reshaped([n, k + 1, width]), temperature: temperature).mean()
        }
        func snapshot() -> NeuTraLDetector {
            NeuTraLDetector(
                configuration: initial.configuration, scaler: scaler,
                transformations: transformations.map { $0.snapshot() }, encoder: encoder.snapshot())
        }
        func validationLoss(_ rows: Tensor) -> Double {
            let losses = snapshot().contrastiveLoss(standardized: rows)
            return losses.reduce(0.0) { $0 + Double($1) } / Double(max(losses.count, 1))
        }
        let parameters = transformations.flatMap(\.parameters) + encoder.parameters
        let result = try loop.run(parameters: parameters, loss: loss, validationLoss: validationLoss)
        let model = snapshot()
        let report = FitReport(
            trainLosses: result.train, validationLosses: result.validation, epochs: result.epochs,
            samples: loop.train.shape[0], seconds: Date().timeIntervalSince(started), seed: options.seed,
            diagnostics: ["contrastive.transformations": Double(k), "contrastive.temperature": options.temperature])
        return (model, report)
    }
}
