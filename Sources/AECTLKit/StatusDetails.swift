import Foundation
import Wire

/// The parts of aed's status reply beyond Wire's `StatusReply` that `aectl status` shows:
/// rates, latency, buffer capacity, alerts by detector, episodes and each detector's last run.
///
/// Decoded from the same JSON as `StatusReply`; every key is optional, so an older daemon's
/// reply still prints.
public struct StatusDetails: Decodable, Sendable, Equatable {
    /// Alerts stored and lost, over all streams.
    public var alertsWritten: Int?
    public var alertsDropped: Int?
    /// The stream being trained now.
    public var training: String?
    /// Rejections before a stream could be named.
    public var unattributedRejections: [String: Int]?
    public var streams: [StreamDetails]

    /// One stream's details.
    public struct StreamDetails: Decodable, Sendable, Equatable {
        public var name: String
        public var accepted: Int?
        /// Vectors per second.
        public var scoredRate: Double?
        /// Seconds from the vector's `ts` to scoring.
        public var latency: Double?
        public var bufferCapacity: Int?
        public var minimumSamples: Int?
        public var alertsByDetector: [String: Int]?
        public var episodes: [String: Int]?
        public var runs: [TrainingRunSummary]?
        /// Share of recently scored vectors that alerted (any detector), over the last shift
        /// window, with the vectors and seconds it covers.
        public var recentAlertRate: Double?
        public var recentAlertVectors: Int?
        public var recentAlertSeconds: Double?
        /// Target false-positive rate per vector and detector.
        public var targetFalsePositiveRate: Double?
        /// Level shifts since aed started, and the last one.
        public var shifts: Int?
        public var lastShift: LevelShift?
        /// Vectors stamped too far in the future; `seq` duplicates; publisher restarts.
        public var futureTimestamps: Int?
        public var duplicates: Int?
        public var sequenceRestarts: Int?
    }
}
