import Foundation
import Tensor

/// Builds, trains and restores detectors by kind; the entry points the daemon and `aectl eval` use.
public enum DetectorFactory {
    /// An untrained detector of `kind` with seeded initial weights and an identity scaler.
    ///
    /// PCA has nothing to initialize: it keeps the first `k` coordinate axes until fitted.
    /// - Throws: `DetectorError.invalidOption` for bad options or `featureCount <= 0`.
    public static func make(kind: DetectorKind, featureCount: Int, options: DetectorOptions) throws -> any AnomalyDetector {
        try options.validate()
        switch kind {
        case .autoencoder, .sparseAutoencoder, .denoisingAutoencoder:
            return try Autoencoder.initialized(kind: kind, featureCount: featureCount, options: options)
        case .variationalAutoencoder:
            return try VariationalAutoencoder.initialized(featureCount: featureCount, options: options)
        case .pca:
            guard featureCount > 0 else {
                throw DetectorError.invalidOption(name: "featureCount", value: "\(featureCount)", reason: "must be positive")
            }
            let k = min(options.pcaComponents ?? max(1, featureCount - 1), featureCount)
            var axes = [Float](repeating: 0, count: featureCount * k)
            for j in 0..<k { axes[j * k + j] = 1 }
            let configuration = PCADetector.Configuration(
                featureCount: featureCount, components: k, explainedVariance: Array(repeating: 0, count: k), explainedVarianceRatio: 0)
            let scaler = StandardScaler(
                mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount),
                degenerate: Array(repeating: false, count: featureCount))
            return PCADetector(configuration: configuration, scaler: scaler, components: Tensor(shape: [featureCount, k], scalars: axes))
        case .contrastive:
            return try NeuTraLDetector.initialized(featureCount: featureCount, options: options)
        case .triplet:
            return try GOADDetector.initialized(featureCount: featureCount, options: options)
        }
    }

    /// Fits a detector of `kind` on normal data `[samples, features]`; safe to call on a background thread.
    /// - Throws: `DetectorError` for bad options or data, too few samples, or divergence.
    public static func fit(kind: DetectorKind, data: Tensor, options: DetectorOptions) throws -> (any AnomalyDetector, FitReport) {
        try options.validate()
        guard data.rank == 2, data.shape[0] > 0, data.shape[1] > 0 else { throw DetectorError.emptyTrainingData(shape: data.shape) }
        switch kind {
        case .autoencoder, .sparseAutoencoder, .denoisingAutoencoder:
            let (model, report) = try Autoencoder.fit(kind: kind, data: data, options: options)
            return (model, report)
        case .variationalAutoencoder:
            let (model, report) = try VariationalAutoencoder.fit(data: data, options: options)
            return (model, report)
        case .pca:
            // Fitted on the same training split as the networks, so the validation split stays held out.
            let started = Date()
            let (train, validation) = try TrainingLoop.split(data, options: options)
            let model = try PCADetector.fit(train, componentCount: options.pcaComponents, varianceFraction: options.pcaVarianceFraction)
            func meanScore(_ rows: Tensor) -> Double {
                let errors = model.anomalyScores(rows).map(Double.init)
                return errors.reduce(0, +) / Double(max(errors.count, 1))
            }
            let report = FitReport(
                trainLosses: [meanScore(train)], validationLosses: validation.shape[0] > 0 ? [meanScore(validation)] : [],
                epochs: 1, samples: train.shape[0],
                seconds: Date().timeIntervalSince(started), seed: options.seed,
                diagnostics: ["pca.components": Double(model.configuration.components),
                              "pca.explainedVarianceRatio": model.configuration.explainedVarianceRatio])
            return (model, report)
        case .contrastive:
            let (model, report) = try NeuTraLDetector.fit(data: data, options: options)
            return (model, report)
        case .triplet:
            let (model, report) = try GOADDetector.fit(data: data, options: options)
            return (model, report)
        }
    }

    /// The held-out normal rows of `data` that `fit` did not train on (its validation split), for
    /// threshold calibration; all of `data` when `validationFraction` is 0.
    /// - Throws: `DetectorError.tooFewSamples` with fewer than 2 samples.
    public static func heldOutRows(of data: Tensor, options: DetectorOptions) throws -> Tensor {
        let (train, validation) = try TrainingLoop.split(data, options: options)
        return validation.shape[0] > 0 ? validation : train
    }

    /// Fits a detector and assesses it with the promotion policy on the held-out split
    /// (`heldOutRows`, halved by `ThresholdPromotion.halves`): the threshold, the held-out
    /// false-positive rate and whether the daemon would refuse the model.
    /// - Throws: the errors of `fit` and of `ThresholdPromotion.assess`.
    public static func fitAndCalibrate(
        kind: DetectorKind, data: Tensor, options: DetectorOptions, promotion: ThresholdPromotion
    ) throws -> (detector: any AnomalyDetector, report: FitReport, assessment: ThresholdPromotion.Assessment) {
        let (detector, report) = try fit(kind: kind, data: data, options: options)
        let heldOut = try heldOutRows(of: data, options: options)
        let (calibrate, check) = promotion.halves(count: heldOut.shape[0])
        let assessment = try promotion.assess(
            calibrationScores: detector.anomalyScores(heldOut.gatheringRows(calibrate)),
            checkScores: detector.anomalyScores(heldOut.gatheringRows(check)))
        return (detector, report, assessment)
    }

    /// Restores a detector from its stored form.
    /// - Throws: `DetectorError.corruptModel` when the stored parts cannot be decoded.
    public static func load(_ saved: SavedDetector) throws -> any AnomalyDetector {
        switch saved.kind {
        case .autoencoder, .sparseAutoencoder, .denoisingAutoencoder: try Autoencoder.load(saved)
        case .variationalAutoencoder: try VariationalAutoencoder.load(saved)
        case .pca: try PCADetector.load(saved)
        case .contrastive: try NeuTraLDetector.load(saved)
        case .triplet: try GOADDetector.load(saved)
        }
    }
}
