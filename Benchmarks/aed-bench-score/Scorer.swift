import Detectors
import Tensor

/// One way of scoring a batch, as the daemon calls it: `[batch, features]` -> one score a vector.
struct Scorer {
    /// The peer's name for the same computation (`peer_score.py --scorers`).
    var name: String
    /// Matmul FLOPs per vector (multiply-add = 2), the peer's `models.flops_per_vector`.
    var flopsPerVector: Int
    /// Scores `[batch, features]`; higher is more anomalous.
    var score: (Tensor) -> [Float]

    /// The AE's mean squared reconstruction error (`Autoencoder.anomalyScores`).
    static func autoencoder(_ model: any AnomalyDetector, dimensions d: Int) -> Scorer {
        Scorer(name: "ae", flopsPerVector: 2 * (d * 64 + 64 * 16 + 16 * 64 + 64 * d)) { model.anomalyScores($0) }
    }

    /// The VAE's negative ELBO with one reparameterized sample (a VAE configured with `K = 1`).
    static func negativeELBO(_ model: VariationalAutoencoder, dimensions d: Int) -> Scorer {
        Scorer(name: "vae_elbo1", flopsPerVector: 2 * (d * 64 + 64 * 32) + 2 * (16 * 64 + 64 * d)) { model.negativeELBO($0) }
    }

    /// The VAE's importance-weighted `-log p(x)` with `K` samples (`VariationalAutoencoder.anomalyScores`,
    /// the daemon's VAE score; Burda et al., 2016).
    static func importanceWeighted(_ model: any AnomalyDetector, k: Int, dimensions d: Int) -> Scorer {
        Scorer(name: "vae_iwae\(k)", flopsPerVector: 2 * (d * 64 + 64 * 32) + k * 2 * (16 * 64 + 64 * d)) {
            model.anomalyScores($0)
        }
    }
}

/// The reference models of the comparison, fitted briefly on the benchmark data so that the
/// scaler and weights are realistic (scoring cost does not depend on how long they trained).
struct ReferenceModels {
    var autoencoder: any AnomalyDetector
    var elboVAE: VariationalAutoencoder
    var importanceVAE: any AnomalyDetector

    /// Fits the AE `D-64-16-64-D` and the VAE `D-64-(16,16)-64-D` on the first rows of `file`.
    /// - Throws: `ScoreBenchError.detector` when a fit fails.
    static func fit(_ file: VectorFile, importanceSamples k: Int, seed: UInt64) throws -> ReferenceModels {
        let rows = min(file.samples, 20_000)
        let data = Tensor(shape: [rows, file.dimensions], scalars: Array(file.values[0..<(rows * file.dimensions)]))
        var options = DetectorOptions()
        options.hiddenDimensions = [64]
        options.latentDimensions = 16
        options.epochs = 2
        options.minimumSteps = 0
        options.batchSize = 256
        options.seed = seed
        do {
            let (ae, _) = try DetectorFactory.fit(kind: .autoencoder, data: data, options: options)
            options.importanceSamples = k
            let (vae, _) = try DetectorFactory.fit(kind: .variationalAutoencoder, data: data, options: options)
            guard let fitted = vae as? VariationalAutoencoder else {
                throw ScoreBenchError.detector("the VAE factory returned \(type(of: vae))")
            }
            // The same weights with K = 1: the one-sample negative ELBO.
            var single = fitted.configuration
            single.importanceSamples = 1
            let elbo = VariationalAutoencoder(
                configuration: single, scaler: fitted.scaler, encoder: fitted.encoder, meanHead: fitted.meanHead,
                logVarianceHead: fitted.logVarianceHead, decoder: fitted.decoder, rawDecoderVariance: fitted.rawDecoderVariance)
            return ReferenceModels(autoencoder: ae, elboVAE: elbo, importanceVAE: vae)
        } catch let error as ScoreBenchError {
            throw error
        } catch {
            throw ScoreBenchError.detector("fit failed: \(error)")
        }
    }
}
