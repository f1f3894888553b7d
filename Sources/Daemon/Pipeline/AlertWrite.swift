import Alerts
import Store
import Wire

/// One item of the alert writer's queue: an alert to insert, or an episode's growth.
///
/// Scoring emits at most one `extend` per episode and micro-batch (never one per vector); the
/// writer folds an episode's growth into its first alert when both are in one batch, and
/// otherwise updates the row it stored earlier, in the same transaction as the batch's inserts.
enum AlertWrite: Sendable, Equatable {
    /// An alert to store; `episode` names the episode it opens (nil when grouping is off).
    case record(Alert, episode: AlertEpisodeKey?)
    /// Episode `key` grew to `episode` (absolute values: a later one supersedes a lost one).
    case extend(AlertEpisodeKey, AlertEpisode)
    /// A periodic copy of a stream's retrain buffer to save (a later one replaces it).
    case snapshot(BufferSnapshotWrite)
    /// A level shift to record.
    case shift(LevelShift)
    /// A stream to register (with its fixed dimension) that the ingest thread could not write
    /// itself: the writer retries it before the stream's alerts.
    case stream(name: String, dimension: Int)
}
