import Foundation

/// The reply to `status`: the daemon, its ingest counters, and every stream.
///
/// Times are seconds since the Unix epoch; rates are vectors per second.
public struct DaemonStatus: Codable, Sendable, Equatable {
    public var ok = true
    /// aed's version.
    public var version: String
    /// Process id and start time.
    public var pid: Int32
    public var started: Double
    /// When this status was taken.
    public var now: Double
    /// Where it listens.
    public var ingest: [String]
    public var control: String
    public var alertPublish: String?
    /// Messages rejected before a stream could be named (bad envelope, bad stream name,
    /// unknown stream over the stream limit), by reason.
    public var unattributedRejections: [String: Int]
    /// Alerts committed to SQLite, and alerts lost (store errors, full writer queue).
    public var alertsWritten: Int
    public var alertsDropped: Int
    /// The stream the trainer is fitting now, if any, and jobs queued.
    public var training: String?
    /// Per-stream state, by name.
    public var streams: [StreamStatus]

    /// Vectors received over all streams.
    public var totalReceived: Int { streams.reduce(0) { $0 + $1.received } }
    /// Vectors scored over all streams.
    public var totalScored: Int { streams.reduce(0) { $0 + $1.scored } }
}

/// One stream in `status`.
public struct StreamStatus: Codable, Sendable, Equatable {
    public var name: String
    /// `warming`, `scoring` or `training`.
    public var state: String
    /// Features per vector, nil until the first accepted vector.
    public var dimension: Int?
    public var received: Int
    public var accepted: Int
    public var scored: Int
    /// Rejected vectors by reason (`dim`, `nonfinite`, `malformed`, `size`, ...).
    public var rejected: [String: Int]
    /// Vectors missing by publisher sequence numbers.
    public var gaps: Int
    /// Smoothed rates, vectors per second.
    public var receivedRate: Double
    public var scoredRate: Double
    /// Mean delay from the vector's `ts` to scoring, seconds (0 when publishers send no `ts`).
    public var latency: Double
    /// Vectors in the retrain buffer, and its capacity.
    public var buffered: Int
    public var bufferCapacity: Int
    /// Vectors needed before the first model.
    public var minimumSamples: Int
    /// Alerts (each crossing) and episodes by detector.
    public var alerts: [String: Int]
    public var episodes: [String: Int]
    /// The active models.
    public var models: [ModelStatus]
    /// The last run of each detector.
    public var lastRuns: [TrainingRunSummary]
    /// The highest retrain request id whose run has finished (for `aectl retrain --wait`).
    public var completedRequest: Int
    /// Retrain request ids waiting for a run.
    public var pendingRequests: [Int]
}

/// One active model in `status`.
public struct ModelStatus: Codable, Sendable, Equatable {
    public var detector: String
    public var version: Int
    /// When it was trained.
    public var created: Double
    public var trainLoss: Double?
    public var validationLoss: Double?
    public var threshold: Double
    public var thresholdMethod: String
    public var targetFalsePositiveRate: Double
}

/// The reply to `retrain`.
public struct RetrainReply: Codable, Sendable, Equatable {
    public var ok = true
    /// The request id; the run answering it has finished once a stream's `completedRequest` reaches it.
    public var request: Int
    /// The streams that will retrain.
    public var streams: [String]
}

/// One alert in the reply to `alerts`.
public struct AlertEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var stream: String
    /// The vector's timestamp and when aed received it.
    public var vectorTime: Double
    public var receiveTime: Double
    public var detector: String
    public var anomalyScore: Double
    public var threshold: Double
    /// anomalyScore / threshold.
    public var severity: Double
    public var modelVersion: Int
    /// Top contributing features: index and share of the score.
    public var topFeatures: [FeatureShare]
}

/// A feature's share of an alert's score.
public struct FeatureShare: Codable, Sendable, Equatable {
    public var feature: Int
    public var share: Double
}

/// The reply to `alerts`, newest first.
public struct AlertsReply: Codable, Sendable, Equatable {
    public var ok = true
    public var alerts: [AlertEntry]
}
