import Detectors
import Foundation
import Tensor

/// The Daemon's one seam to the Detectors module: fit and load by kind, options from settings.
enum DetectorTraining {
    /// Fits a `kind` detector on `data` (`[samples, features]`).
    /// - Throws: the detector's errors (too few samples, divergence, bad options).
    static func fit(kind: DetectorKind, data: Tensor, settings: StreamSettings, seed: UInt64) throws
        -> (any AnomalyDetector, FitReport)
    {
        throw DetectorTrainingError.unavailable(kind)
    }

    /// Loads a stored detector.
    /// - Throws: `DetectorError.corruptModel` and friends.
    static func load(_ saved: SavedDetector) throws -> any AnomalyDetector {
        throw DetectorTrainingError.unavailable(saved.kind)
    }
}

enum DetectorTrainingError: Error, CustomStringConvertible {
    case unavailable(DetectorKind)

    var description: String {
        switch self {
        case .unavailable(let kind): return "detector \(kind.rawValue) is not available in this build"
        }
    }
}
