import Detectors
import Foundation
import Tensor

/// The Daemon's one seam to the Detectors module: fit and load by kind, options from settings.
enum DetectorTraining {
    /// Detector options from a stream's settings, with the training run's seed.
    static func options(_ settings: StreamSettings, seed: UInt64) -> DetectorOptions {
        var options = settings.model
        options.seed = seed
        return options
    }

    /// Fits a `kind` detector on `data` (`[samples, features]`), on the caller's thread.
    /// - Throws: `DetectorError` (bad options, too few samples, divergence).
    static func fit(kind: DetectorKind, data: Tensor, settings: StreamSettings, seed: UInt64) throws
        -> (any AnomalyDetector, FitReport)
    {
        try DetectorFactory.fit(kind: kind, data: data, options: options(settings, seed: seed))
    }

    /// Loads a stored detector.
    /// - Throws: `DetectorError.corruptModel` when the stored parts cannot be decoded.
    static func load(_ saved: SavedDetector) throws -> any AnomalyDetector {
        try DetectorFactory.load(saved)
    }
}
