import Foundation

/// Counters of one stream: every outcome of every vector, kept by the ingest thread.
public struct StreamCounters: Sendable, Codable, Equatable {
    /// Vectors received (accepted or rejected).
    public var received: Int = 0
    /// Vectors accepted (well-formed, right dimension, finite).
    public var accepted: Int = 0
    /// Vectors scored by at least one active model.
    public var scored: Int = 0
    /// Vectors rejected, by reason (`wrong-dimension`, `non-finite`, `malformed-json`, ...).
    public var rejected: [String: Int] = [:]
    /// Vectors missing according to publisher sequence numbers (sum of positive gaps).
    public var gaps: Int = 0
    /// Alerts raised, by detector.
    public var alerts: [String: Int] = [:]
    /// Alert episodes started, by detector.
    public var episodes: [String: Int] = [:]
    /// Alerts that could not be stored (store errors or a full writer queue).
    public var alertsDropped: Int = 0

    public init() {}

    /// All rejections, whatever the reason.
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
}
