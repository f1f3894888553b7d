/// How one detector's training run ended: the one vocabulary of the trainer, the store, the
/// control replies, the metrics and the reports.
///
/// Each boundary keeps its own spelling of a case, and this type is the only place that spells
/// them:
///
/// | case | `rawValue`: `training_runs.outcome`, run summaries, `aed replay --json`, the `outcome` metric label | `replyValue`: status and `retrain --wait` replies | `markLabel`: report and live-page marks |
/// |---|---|---|---|
/// | `trained` | `ok` | `trained` | `promoted` |
/// | `failed` | `failed` | `failed` | `failed` |
/// | `skipped` | `skipped` | `skipped` | `skipped` |
///
/// The raw values are stored in SQLite (a `CHECK` constraint names them), so they never change.
public enum TrainingOutcome: String, Sendable, Codable, CaseIterable {
    /// A candidate was fitted, its held-out scores and threshold were sane, and it was promoted:
    /// it scores from now on.
    case trained = "ok"
    /// The run failed (fit error, non-finite loss or scores, a held-out false-positive rate far
    /// above the target, a model the store could not save); the model in service keeps scoring.
    case failed
    /// The run did not fit (too few samples in the buffer).
    case skipped

    /// The spelling of status and `retrain --wait` replies: `trained`, `failed` or `skipped`.
    public var replyValue: String {
        switch self {
        case .trained: "trained"
        case .failed, .skipped: rawValue
        }
    }

    /// The label of a run's mark on the replay report and the live page: `promoted`, `failed` or
    /// `skipped`.
    public var markLabel: String {
        switch self {
        case .trained: "promoted"
        case .failed, .skipped: rawValue
        }
    }
}
