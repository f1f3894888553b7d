import Foundation

/// How alerts are grouped and kept.
public struct AlertSettings: Sendable, Equatable {
    /// Group consecutive alerts of a stream and detector into one episode row with a count.
    public var episodes: Bool = true
    /// An episode ends after this many seconds without an alert, in seconds.
    public var episodeGap: Double = 60
    /// An episode also ends after this many consecutive scored vectors without an alert
    /// (0 = only the time gap ends it).
    public var episodeQuietVectors: Int = 10
    /// Alerts (episodes) whose last crossing is older than this are deleted, in seconds (0 keeps
    /// them forever).
    public var retention: Double = 30 * 86_400
    /// Number of top contributing features recorded with each alert.
    public var topFeatures: Int = 3
    /// Most alerts held in memory while the database refuses writes (disk full, read-only file
    /// system, I/O errors); beyond it the oldest are dropped and counted. Also bounds the
    /// writer's queue from the ingest thread. About 1 KiB an alert, so the default holds at
    /// most about 100 MiB.
    public var maxPending: Int = 100_000

    /// The built-in defaults.
    public init() {}
}
