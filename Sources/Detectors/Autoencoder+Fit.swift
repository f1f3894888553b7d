import Foundation
import Tensor

extension Autoencoder {
    /// Fits the scaler and the network on normal data, `[samples, features]`.
    ///
    /// Losses per sample, in standardized units squared:
    /// - `.autoencoder`: `mean_f (x_f - x^_f)^2`;
    /// - `.sparseAutoencoder`: the same plus `sparsityWeight * sum_j KL(rho || rho^_j)`, `rho^_j` the mean
    ///   sigmoid activation of code unit `j` over the batch (the Bernoulli KL, Ng 2011);
    /// - `.denoisingAutoencoder`: `mean_f (x_f - g(f(x~))_f)^2` with `x~` the input corrupted by Gaussian
    ///   noise of standard deviation `corruptionLevel` or masked with probability `corruptionLevel`
    ///   (Vincent et al., ICML 2008); the validation loss uses clean input.
    /// The report's diagnostics carry `"sparsity.meanActivation"` for the sparse AE.
    /// - Throws: `DetectorError` for bad options or data, too few samples, divergence.
    public static func fit(kind: DetectorKind, data: Tensor, options: DetectorOptions) throws -> (Autoencoder, FitReport) {
        let started = Date()
        let scaler = try StandardScaler.fit(data)
        let initial = try initialized(kind: kind, featureCount: data.shape[1], options: options)
        let z = scaler.transform(data)
        let loop = try TrainingLoop(data: z, options: options)
        let encoder = TrainableStack(initial.encoder)
        let decoder = TrainableStack(initial.decoder)
        let rho = Float(options.sparsityTarget)
        let sparsityWeight = Float(options.sparsityWeight)
        func loss(_ batch: Tensor, _ generator: inout Xoshiro256StarStar) -> Variable {
            trainingLoss(kind: kind, batch: batch, encoder: encoder, decoder: decoder, options: options, generator: &generator)
        }
        func validationLoss(_ batch: Tensor) -> Double {
            let fitted = encoder.snapshot()
            let code = fitted(batch)
            let error = Double((decoder.snapshot()(code) - batch).squared().mean())
            guard kind == .sparseAutoencoder else { return error }
            return error + Double(sparsityWeight) * bernoulliKL(rho: rho, code: code)
        }
        let result = try loop.run(parameters: encoder.parameters + decoder.parameters, loss: loss, validationLoss: validationLoss)
        let model = Autoencoder(kind: kind, configuration: initial.configuration, scaler: scaler, encoder: encoder.snapshot(), decoder: decoder.snapshot())
        var diagnostics: [String: Double] = [:]
        if kind == .sparseAutoencoder {
            let activations = model.encoder(loop.train).mean(alongAxis: 0).scalars.map(Double.init)
            diagnostics["sparsity.meanActivation"] = activations.reduce(0, +) / Double(activations.count)
            for (j, a) in activations.enumerated() { diagnostics["sparsity.unit.\(j)"] = a }
        }
        let report = FitReport(
            trainLosses: result.train, validationLosses: result.validation, epochs: result.epochs,
            samples: loop.train.shape[0], seconds: Date().timeIntervalSince(started), seed: options.seed, diagnostics: diagnostics)
        return (model, report)
    }

    /// The mean training loss of one standardized batch as a graph node (see `fit` for the formulas).
    static func trainingLoss(
        kind: DetectorKind, batch: Tensor, encoder: TrainableStack, decoder: TrainableStack, options: DetectorOptions,
        generator: inout Xoshiro256StarStar
    ) -> Variable {
        switch kind {
        case .sparseAutoencoder:
            let code = encoder(Variable(batch))
            let reconstruction = meanSquaredError(decoder(code), batch)
            let penalty = bernoulliKLDivergence(sparsityTarget: Float(options.sparsityTarget), activations: code)
            return reconstruction + Float(options.sparsityWeight) * penalty
        case .denoisingAutoencoder:
            let corrupted = corrupt(batch, kind: options.corruption, level: Float(options.corruptionLevel), using: &generator)
            return meanSquaredError(decoder(encoder(Variable(corrupted))), batch)
        default:
            return meanSquaredError(decoder(encoder(Variable(batch))), batch)
        }
    }

    /// `sum_j KL(rho || rho^_j)` of the mean code activations, `code` `[batch, latent]`, in nats.
    static func bernoulliKL(rho: Float, code: Tensor) -> Double {
        let r = Double(rho)
        return code.mean(alongAxis: 0).scalars.reduce(0.0) { total, a in
            let p = min(max(Double(a), 1e-6), 1 - 1e-6)
            return total + r * log(r / p) + (1 - r) * log((1 - r) / (1 - p))
        }
    }

    /// The corrupted copy `x~` of a standardized batch (denoising training input).
    static func corrupt(_ batch: Tensor, kind: CorruptionKind, level: Float, using generator: inout Xoshiro256StarStar) -> Tensor {
        var scalars = batch.scalars
        switch kind {
        case .gaussian:
            for i in scalars.indices { scalars[i] += level * generator.nextNormal() }
        case .masking:
            for i in scalars.indices where generator.nextUniform() < level { scalars[i] = 0 }
        }
        return Tensor(shape: batch.shape, scalars: scalars)
    }
}
