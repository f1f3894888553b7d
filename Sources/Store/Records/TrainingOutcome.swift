/// How a training run ended.
public enum TrainingOutcome: String, Sendable, Equatable, CaseIterable {
    /// A model was trained (and promoted when `modelID` is set).
    case ok
    /// Training failed (non-finite loss, error); the old model keeps scoring.
    case failed
    /// Training did not run (too few samples, already running).
    case skipped
}
