import Foundation

/// Errors of fitting, calibrating, loading and evaluating detectors; all come from data, not code.
public enum DetectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The training data has no samples or no features (or is not `[samples, features]`).
    case emptyTrainingData(shape: [Int])
    /// A training value is NaN or infinite.
    case nonFiniteInput(row: Int, feature: Int)
    /// Too few samples for the requested operation.
    case tooFewSamples(needed: Int, got: Int, purpose: String)
    /// The target false-positive rate is outside (0, 1).
    case invalidFalsePositiveRate(Double)
    /// Peaks-over-threshold needs more exceedances than the scores provide.
    case tooFewPeaks(needed: Int, got: Int)
    /// The generalized Pareto fit did not converge to a usable tail.
    case tailFitFailed(String)
    /// The loss or the weights stopped being finite during training.
    case trainingDiverged(epoch: Int, loss: Double)
    /// A stored detector could not be decoded.
    case corruptModel(String)
    /// An option is out of its valid range.
    case invalidOption(name: String, value: String, reason: String)
    /// Labels and scores differ in count, or labels are not all 0/1 with both present.
    case invalidLabels(String)
    /// LAPACK could not decompose a covariance matrix (PCA).
    case eigendecompositionFailed(String)

    /// A one-line explanation for logs and the command line.
    public var description: String {
        switch self {
        case .emptyTrainingData(let shape): "training data of shape \(shape) has no samples or no features"
        case .nonFiniteInput(let row, let feature): "non-finite value at row \(row), feature \(feature)"
        case .tooFewSamples(let needed, let got, let purpose): "\(purpose) needs at least \(needed) samples, got \(got)"
        case .invalidFalsePositiveRate(let rate): "target false-positive rate \(rate) is not in (0, 1)"
        case .tooFewPeaks(let needed, let got): "peaks-over-threshold needs at least \(needed) peaks, got \(got)"
        case .tailFitFailed(let why): "generalized Pareto tail fit failed: \(why)"
        case .trainingDiverged(let epoch, let loss): "training diverged in epoch \(epoch) (loss \(loss)); weights or loss not finite"
        case .corruptModel(let why): "stored detector is corrupt: \(why)"
        case .invalidOption(let name, let value, let reason): "option \(name) = \(value): \(reason)"
        case .invalidLabels(let why): "invalid labels: \(why)"
        case .eigendecompositionFailed(let why): "eigendecomposition failed: \(why)"
        }
    }
}
