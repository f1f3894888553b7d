import Foundation
import Wire

/// The reply to `status`: Wire's `StatusReply` layout (every key of it, so `ControlClient.status()`
/// reads it) plus details for `aectl status`: rates, latency, buffer capacity, alert counts by
/// detector, episodes, and each detector's last training run.
///
/// Times are seconds since the Unix epoch; rates are vectors per second.
public struct StatusDocument: Codable, Sendable, Equatable {
    /// Always true in a success reply.
    public var ok = true
    /// Version, uptime (seconds), pid, endpoints, BLAS kernel and storage health (WAL size,
    /// last checkpoint, last write error).
    public var daemon: Wire.DaemonStatus
    /// Vectors received, scored and rejected (by reason) over all streams.
    public var ingest: IngestStatus
    /// Every known stream, by name.
    public var streams: [StreamDocument]
    /// Messages rejected before a stream could be named, by reason.
    public var unattributedRejections: [String: Int]
    /// Alerts committed to SQLite.
    public var alertsWritten: Int
    /// Alerts lost: store errors or a full writer queue.
    public var alertsDropped: Int
    /// The stream being trained now, if any.
    public var training: String?
}
