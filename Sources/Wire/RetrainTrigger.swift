/// Why a training run started: the `trigger` of a run summary, of `aed replay --json`'s
/// `retrains` and of the report marks.
public enum RetrainTrigger: String, Sendable, Codable, CaseIterable {
    /// The stream's first model (or a detector without one) once `min_samples` are buffered.
    case initial
    /// `retrain_interval` of event time passed since the last run.
    case interval
    /// `retrain_samples` vectors were accepted since the last run.
    case samples
    /// An operator asked (`aectl retrain`).
    case request
    /// A level shift was adopted.
    case shift
    /// Not a run of this process: a run read back from the store when aed restarted.
    case restored
}
