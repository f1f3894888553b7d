import Foundation

/// Counters of one stream kept by the ingest thread (rejections live in the decoder's
/// `RejectionCounts`).
struct StreamCounters: Sendable, Codable, Equatable {
    /// Vectors accepted (well-formed, right dimension, finite).
    var accepted: Int = 0
    /// Vectors scored by at least one active model.
    var scored: Int = 0
    /// Vectors missing according to publisher sequence numbers (sum of positive gaps).
    var gaps: Int = 0
    /// Alerts raised, by detector.
    var alerts: [String: Int] = [:]
    /// Alert episodes started, by detector.
    var episodes: [String: Int] = [:]
    /// Alerts that could not be stored (store errors or a full writer queue).
    var alertsDropped: Int = 0

    init() {}
}
