/// One part of the daemon beside the ingest thread (store, alert writer, trainer): how it
/// starts and how it stops gracefully.
///
/// `start` returns at once (it starts a thread); `stop` blocks until the part finished its
/// work, within a bound of a few seconds. Both drivers of `AnomalyDaemon` start the stages in
/// order and stop them in reverse.
struct DaemonStage: Sendable {
    /// A short name for logs (`store`, `alert-writer`, `trainer`).
    let name: String
    let start: @Sendable () -> Void
    let stop: @Sendable () -> Void
}
