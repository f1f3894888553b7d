import Foundation
import Tensor

extension VariationalAutoencoder {
    /// `h = mean + exp(logVariance / 2) * eps`, the reparameterization trick (Kingma and Welling, 2014);
    /// `eps` `[batch, latentDimensions]` standard normal.
    public static func reparameterize(mean: Variable, logVariance: Variable, noise eps: Tensor) -> Variable {
        mean + (logVariance * 0.5).exp() * eps
    }

    /// The mean negative ELBO of a standardized batch as a graph node, in nats:
    /// `mean_batch [0.5 sum_f ((x_f - x^_f)^2 / v_f + log v_f + log 2 pi) + beta * KL(q(h|x) || N(0, I))]`,
    /// `v_f = minimumVariance + softplus(r_f)`, or 1 where `degenerate[f]`.
    static func negativeELBOLoss(
        _ batch: Tensor, encoder: TrainableStack, meanHead: TrainableStack, logVarianceHead: TrainableStack,
        decoder: TrainableStack, rawVariance: Variable, degenerate: [Bool], beta: Float,
        generator: inout Xoshiro256StarStar
    ) -> Variable {
        let hidden = encoder(Variable(batch))
        let mean = meanHead(hidden)
        let bound = logVarianceBound
        let logVariance = (logVarianceHead(hidden) / bound).tanh() * bound
        let eps = Tensor.randomNormal(mean.shape, using: &generator)
        let reconstruction = decoder(reparameterize(mean: mean, logVariance: logVariance, noise: eps))
        let rows = Float(batch.shape[0])
        let constant = 0.5 * Float(batch.shape[1]) * Float(logTwoPi)
        let mask = Tensor(shape: [batch.shape[1]], scalars: degenerate.map { $0 ? 0 : 1 })
        let decoderLogVariance = (rawVariance.softplus() + minimumVariance).log() * mask
        let weighted = (reconstruction - batch).squared() * (-decoderLogVariance).exp() + decoderLogVariance
        let nll = 0.5 * weighted.sum() / rows + constant
        return nll + beta * klDivergence(mean: mean, logVariance: logVariance)
    }

    /// Fits the scaler and the VAE on normal data, `[samples, features]`.
    ///
    /// The validation loss is the negative ELBO of the validation split with fixed noise (deterministic).
    /// The report's diagnostics carry `"kl.latent.<j>"`, the mean KL of latent dimension `j` on the
    /// training split in nats (near 0 = collapsed to the prior), `"kl.total"` and
    /// `"latent.activeUnits"`; its `latentHealth` the same with each unit's activity.
    /// - Throws: `DetectorError` for bad options or data, too few samples, divergence.
    public static func fit(data: Tensor, options: DetectorOptions) throws -> (VariationalAutoencoder, FitReport) {
        let started = Date()
        let scaler = try StandardScaler.fit(data)
        let initial = try initialized(featureCount: data.shape[1], options: options)
        let loop = try TrainingLoop(data: scaler.transform(data), options: options)
        let encoder = TrainableStack(initial.encoder)
        let meanHead = TrainableStack(initial.meanHead)
        let logVarianceHead = TrainableStack(initial.logVarianceHead)
        let decoder = TrainableStack(initial.decoder)
        let beta = Float(options.beta)
        let rawVariance = Variable(initial.rawDecoderVariance, requiresGradient: true)
        func snapshot() -> VariationalAutoencoder {
            VariationalAutoencoder(
                configuration: initial.configuration, scaler: scaler, encoder: encoder.snapshot(), meanHead: meanHead.snapshot(),
                logVarianceHead: logVarianceHead.snapshot(), decoder: decoder.snapshot(), rawDecoderVariance: rawVariance.value)
        }
        func loss(_ batch: Tensor, _ generator: inout Xoshiro256StarStar) -> Variable {
            negativeELBOLoss(
                batch, encoder: encoder, meanHead: meanHead, logVarianceHead: logVarianceHead, decoder: decoder,
                rawVariance: rawVariance, degenerate: scaler.degenerate, beta: beta, generator: &generator)
        }
        func validationLoss(_ batch: Tensor) -> Double {
            var generator = Xoshiro256StarStar(seed: options.seed ^ 0x7A11_DA7E)
            return Double(loss(batch, &generator).value.scalars[0])
        }
        let result = try loop.run(
            parameters: encoder.parameters + meanHead.parameters + logVarianceHead.parameters + decoder.parameters
                + [NamedParameter(name: "likelihood.rawVariance", variable: rawVariance)],
            loss: loss, validationLoss: validationLoss)
        let model = snapshot()
        let health = model.latentHealth(scaler.inverseTransform(loop.train))
        var diagnostics: [String: Double] = ["kl.total": health.totalKL, "latent.activeUnits": Double(health.activeUnits)]
        for (j, kl) in health.klPerDimension.enumerated() { diagnostics["kl.latent.\(j)"] = kl }
        let report = FitReport(
            trainLosses: result.train, validationLosses: result.validation, epochs: result.epochs,
            samples: loop.train.shape[0], seconds: Date().timeIntervalSince(started), seed: options.seed,
            diagnostics: diagnostics, latentHealth: health)
        return (model, report)
    }
}
