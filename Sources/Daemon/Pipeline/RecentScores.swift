import Report

/// One stream's recent anomaly scores, per detector: what the live page (`GET /`) charts.
///
/// Each detector keeps its last `capacity` scores in a `RingBuffer` (vector time, score, whether
/// it alerted: 16 bytes each, so 32,000 bytes per detector at the default 2,000) and the
/// threshold steps in force over them (one per model promotion; steps older than the oldest
/// kept score are dropped, but the one in force then is kept). A stream holds one per
/// configured detector at most, and aed at most `max_streams` streams, so the memory is bounded
/// by `max_streams × detectors × capacity × 16` bytes. Kept only while the metrics endpoint is
/// on. Owned by the ingest thread; a status snapshot copies it (copy-on-write).
struct RecentScores: Sendable {
    /// One scored vector as the chart draws it.
    struct Score: Sendable, Equatable {
        /// The vector time, seconds since the Unix epoch (its `ts`, or its receive time).
        var time: Double
        /// Its anomaly score (higher is more anomalous; may be non-finite).
        var score: Float
        /// Whether it crossed the threshold (`!(score <= threshold)`: a non-finite score alerts).
        var alerted: Bool
    }

    /// One detector's recent scores and the thresholds over them.
    struct Detector: Sendable {
        /// The last scores, oldest first when read.
        var scores: RingBuffer<Score>
        /// The threshold from each step's start (vector time, seconds) until the next, in time order.
        var thresholds: [ThresholdStep] = []
    }

    /// Scores kept per detector by default: the last 2,000.
    static let defaultCapacity = 2_000

    /// Scores kept per detector.
    let capacity: Int
    /// By detector name (`ae`, `vae`, ...).
    private(set) var detectors: [String: Detector] = [:]

    /// Room for the last `capacity` scores of each detector.
    /// - Precondition: `capacity > 0`.
    init(capacity: Int = RecentScores.defaultCapacity) {
        precondition(capacity > 0, "RecentScores needs a capacity > 0, got \(capacity)")
        self.capacity = capacity
    }

    /// Keeps one scored micro-batch of `detector`: the anomaly score of each row (`[batch]`),
    /// the rows' vector times (seconds) and the threshold the batch was scored against.
    /// - Precondition: `times.count == scores.count`.
    mutating func record(detector: String, times: [Double], scores: [Float], threshold: Double) {
        precondition(times.count == scores.count, "RecentScores: \(times.count) times for \(scores.count) scores")
        guard !scores.isEmpty else { return }
        var entry = detectors.removeValue(forKey: detector) ?? Detector(scores: RingBuffer(capacity: capacity))
        if entry.thresholds.last?.value != threshold {
            entry.thresholds.append(ThresholdStep(start: times[0], value: threshold))
        }
        for row in 0..<scores.count {
            entry.scores.append(Score(time: times[row], score: scores[row], alerted: !(Double(scores[row]) <= threshold)))
        }
        // Steps that ended before the oldest kept score: drop all but the one in force then.
        if let oldest = entry.scores.first?.time {
            let ended = entry.thresholds.dropFirst().prefix { $0.start <= oldest }.count
            if ended > 0 { entry.thresholds.removeFirst(ended) }
        }
        detectors[detector] = entry
    }

    /// Forgets the detectors not in `kept` (a reload removed them from the stream).
    mutating func keep(only kept: Set<String>) {
        detectors = detectors.filter { kept.contains($0.key) }
    }

    /// The chart data of `detector`: times, scores and alerts of the kept scores, oldest first,
    /// and its threshold steps; nil when it has scored nothing.
    func trace(of detector: String) -> DetectorTrace? {
        guard let entry = detectors[detector], !entry.scores.isEmpty else { return nil }
        let scores = entry.scores.elements
        return DetectorTrace(
            name: detector, times: scores.map(\.time), scores: scores.map { Double($0.score) },
            thresholds: entry.thresholds, alertTimes: scores.filter(\.alerted).map(\.time))
    }
}
