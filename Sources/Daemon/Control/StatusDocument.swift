import Foundation
import Wire

/// The reply to `status`: Wire's `StatusReply` layout (every key of it, so `ControlClient.status()`
/// reads it) plus details for `aectl status`: rates, latency, buffer capacity, alert counts by
/// detector, episodes, and each detector's last training run.
///
/// Times are seconds since the Unix epoch; rates are vectors per second.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var ok = true
    public var daemon: Wire.DaemonStatus
    public var ingest: IngestStatus
    public var streams: [StreamDocument]
    /// Messages rejected before a stream could be named, by reason.
    public var unattributedRejections: [String: Int]
    /// Alerts committed to SQLite, and alerts lost (store errors, full writer queue).
    public var alertsWritten: Int
    public var alertsDropped: Int
    /// The stream being trained now, if any.
    public var training: String?
}

/// One stream: Wire's `StreamStatus` keys plus details.
public struct StreamDocument: Codable, Sendable, Equatable {
    public var name: String
    public var dimension: Int?
    public var state: StreamState
    public var received: Int
    public var scored: Int
    public var rejected: [String: Int]
    public var gaps: Int
    /// Alerts raised (every threshold crossing, all detectors).
    public var alerts: Int
    /// Vectors in the retrain buffer.
    public var bufferSize: Int
    public var models: [ModelStatus]
    public var lastTrainingRun: TrainingRunStatus?
    // Details beyond StatusReply:
    /// Vectors accepted (received minus rejected).
    public var accepted: Int
    /// Smoothed scoring rate, vectors per second.
    public var scoredRate: Double
    /// Smoothed delay from the vector's `ts` to scoring, seconds (0 without `ts`).
    public var latency: Double
    /// Delay from the vector's `ts` to the end of its scoring since aed started, seconds: the
    /// median, the 99th percentile (each to within about 4.4%), the largest, and how many vectors
    /// carried a `ts` (nil without any).
    public var latencyP50: Double? = nil
    public var latencyP99: Double? = nil
    public var latencyMax: Double? = nil
    public var latencySamples: Int = 0
    /// Retrain buffer capacity and the vectors needed before the first model.
    public var bufferCapacity: Int
    public var minimumSamples: Int
    /// Threshold crossings and episodes by detector.
    public var alertsByDetector: [String: Int]
    public var episodes: [String: Int]
    /// Alerts that could not be queued for the store.
    public var alertsDropped: Int
    /// The last training run of each detector.
    public var runs: [TrainingRunSummary]
}
