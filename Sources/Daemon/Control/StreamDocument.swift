import Foundation
import Wire

/// One stream: Wire's `StreamStatus` keys plus details.
public struct StreamDocument: Codable, Sendable, Equatable {
    /// The stream name.
    public var name: String
    /// Features per vector, nil until the first accepted vector.
    public var dimension: Int?
    /// `warming`, `scoring` or `training`.
    public var state: StreamState
    /// Vectors received: accepted plus rejected.
    public var received: Int
    /// Vectors scored by the active models.
    public var scored: Int
    /// Rejected vectors (or messages) by reason: `frames`, `malformed`, `size`, `dim`, `nonfinite`, ...
    public var rejected: [String: Int]
    /// Vectors missing according to publisher sequence numbers.
    public var gaps: Int
    /// Alerts raised (every threshold crossing, all detectors).
    public var alerts: Int
    /// Vectors in the retrain buffer.
    public var bufferSize: Int
    /// The active model of each detector, with its threshold.
    public var models: [ModelStatus]
    /// The most recent training run of the stream (`running` while one is in flight).
    public var lastTrainingRun: TrainingRunStatus?
    // Details beyond StatusReply:
    /// Vectors accepted (received minus rejected).
    public var accepted: Int
    /// Smoothed scoring rate, vectors per second.
    public var scoredRate: Double
    /// Smoothed delay from the vector's `ts` to scoring, seconds (0 without `ts`).
    public var latency: Double
    /// Delay from the vector's `ts` to the end of its scoring over a recent window of wall
    /// time, the last 5 to 10 minutes (two 5-minute histograms; the older is dropped every 5
    /// minutes, so a burst stops showing at most 10 minutes after it ended), seconds: the
    /// median, the 99th percentile (each to within about 4.4%), the largest, and how many vectors
    /// with a `ts` were scored in the window (nil without any).
    public var latencyP50: Double? = nil
    public var latencyP99: Double? = nil
    public var latencyMax: Double? = nil
    public var latencySamples: Int = 0
    /// Retrain buffer capacity, in vectors.
    public var bufferCapacity: Int
    /// Vectors needed before the first model.
    public var minimumSamples: Int
    /// Threshold crossings by detector.
    public var alertsByDetector: [String: Int]
    /// Alert episodes started, by detector.
    public var episodes: [String: Int]
    /// Alerts that could not be queued for the store.
    public var alertsDropped: Int
    /// The last training run of each detector.
    public var runs: [TrainingRunSummary]
    /// Training runs ended since aed started, by detector and outcome (`ok`, `failed`,
    /// `skipped`); nil from older daemons.
    public var trainingRuns: [String: [String: Int]]? = nil
    /// Share of recently scored vectors that alerted (any detector), over the last shift window
    /// (`shift_window`, `shift_vectors`), nil before any vector was scored; compare it with
    /// `targetFalsePositiveRate` (per detector).
    public var recentAlertRate: Double? = nil
    /// Vectors and vector time (seconds) that `recentAlertRate` covers.
    public var recentAlertVectors: Int = 0
    public var recentAlertSeconds: Double = 0
    /// The stream's target false-positive rate per vector and detector.
    public var targetFalsePositiveRate: Double? = nil
    /// Level shifts recognised since aed started, and the last one (open while not adopted).
    public var shifts: Int = 0
    public var lastShift: LevelShift? = nil
    /// Vectors stamped more than `max_clock_skew` ahead of the clock (scored at receive time).
    public var futureTimestamps: Int = 0
    /// Vectors whose `seq` repeated or went back, and publisher restarts seen in `seq`.
    public var duplicates: Int = 0
    public var sequenceRestarts: Int = 0
}
