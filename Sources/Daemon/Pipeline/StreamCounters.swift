import Foundation

/// Counters of one stream kept by the ingest thread (rejections live in the decoder's
/// `RejectionCounts`).
struct StreamCounters: Sendable, Codable, Equatable {
    /// Vectors accepted (well-formed, right dimension, finite).
    var accepted: Int = 0
    /// Vectors scored by at least one active model.
    var scored: Int = 0
    /// Vectors whose `ts` lay more than `max_clock_skew` ahead of the clock (given their
    /// receive time instead).
    var futureTimestamps: Int = 0
    /// Alerts raised, by detector.
    var alerts: [String: Int] = [:]
    /// Alert episodes started, by detector.
    var episodes: [String: Int] = [:]
    /// Level shifts recognised.
    var shifts: Int = 0
    /// Alerts that could not be stored (store errors or a full writer queue).
    var alertsDropped: Int = 0
    /// Training runs ended, by detector and outcome (`ok`, `failed`, `skipped`).
    var trainingRuns: [String: [String: Int]] = [:]

    init() {}
}
