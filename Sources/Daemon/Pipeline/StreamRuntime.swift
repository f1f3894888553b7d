import Detectors
import Foundation
import Store
import Tensor
import Wire

/// The live state of one stream, owned by the ingest thread (never shared).
///
/// Accepted vectors collect in a micro-batch (`pending*`); `scorePending` scores the batch with
/// every active model in one call each, turns threshold crossings into alerts, and appends the
/// vectors that no model flagged to the retrain buffer.
final class StreamRuntime {
    let name: String
    var settings: StreamSettings
    /// Features per vector: fixed by configuration, the store, or the first accepted vector.
    private(set) var dimension: Int?
    private(set) var buffer: VectorRingBuffer?
    /// The active models, one per configured detector that has been trained.
    var models: [ScoringModel] = []
    var counters = StreamCounters()
    var lastSequence: UInt64?
    /// Accepted since the last retrain was requested (the sample-count trigger).
    var acceptedSinceTraining = 0
    /// When the last retrain was requested or restored, seconds since the Unix epoch.
    var lastTrainingRequest: Double
    var trainingInFlight = false
    var episodes: AlertEpisodeTracker
    /// Scored vectors per second, exponentially smoothed over about 10 s.
    var scoredRate = RateMeter()
    /// Mean delay from the vector's `ts` to its scoring, seconds, smoothed (0 without `ts`).
    var latency = 0.0
    /// Every timed vector's delay from its `ts` to the end of its batch's scoring, since start.
    var latencyHistogram = LatencyHistogram()
    /// When the last vector arrived, seconds since the Unix epoch.
    var lastReceive: Double = 0

    /// The micro-batch being decoded into: the decoder appends here directly.
    var pending: VectorBatch
    /// Receive time of each pending vector, seconds since the Unix epoch.
    private(set) var pendingReceiveTimes: [Double] = []
    var pendingCount: Int { pending.count }
    /// Rejections counted by the decoder for this stream.
    var rejections = RejectionCounts()
    /// Messages dropped before decoding, by reason (`queue-full`).
    var dropped: [String: Int] = [:]
    /// `counters.accepted` when the buffer was last snapshotted (an unchanged buffer is not saved again).
    var acceptedAtSnapshot = 0

    /// The widest stream accepted (`daemon.max_dimension`).
    let maximumDimension: Int

    init(
        name: String, settings: StreamSettings, dimension: Int?, alerts: AlertSettings, maximumDimension: Int = 4_096,
        now: Double
    ) {
        self.name = name
        self.maximumDimension = maximumDimension
        self.settings = settings
        self.episodes = AlertEpisodeTracker(gap: alerts.episodeGap, quietVectors: alerts.episodeQuietVectors)
        self.lastTrainingRequest = now
        self.pending = VectorBatch(dimension: dimension, capacity: dimension == nil ? 0 : 256)
        if let dimension { fix(dimension: dimension) }
    }

    /// The lifecycle state shown in status.
    var phase: StreamPhase {
        if trainingInFlight { return .training }
        return models.isEmpty ? .warming : .scoring
    }

    /// Sets the stream's dimension and allocates its buffer.
    func fix(dimension: Int) {
        guard self.dimension == nil else { return }
        self.dimension = dimension
        buffer = VectorRingBuffer(dimension: dimension, capacity: settings.bufferSize)
    }

    /// Replaces the buffer with a restored snapshot (`[rows, dimension]`).
    func restoreBuffer(_ values: [Float]) {
        guard let dimension else { return }
        buffer = VectorRingBuffer(dimension: dimension, capacity: settings.bufferSize, restoring: values)
    }

    /// Notes that the decoder appended `count` vectors received at `receiveTime`: fixes the
    /// dimension from the first one, counts sequence gaps.
    /// - Returns: true when this fixed the stream's dimension (register it in the store).
    func noteDecoded(from start: Int, receiveTime: Double) -> Bool {
        let added = pending.count - start
        guard added > 0 else { return false }
        if dimension == nil, let d = pending.dimension, d > maximumDimension {
            // Refuse the stream's first vectors: forget the dimension they would have fixed.
            rejections.record(WireRejection(.dimension, count: added, detail: "dim \(d) over the limit of \(maximumDimension)"))
            pending = VectorBatch()
            return false
        }
        var fixedNow = false
        if dimension == nil, let d = pending.dimension {
            fix(dimension: d)
            fixedNow = true
        }
        for index in start..<pending.count {
            pendingReceiveTimes.append(receiveTime)
            if let sequence = pending.sequenceNumber(index) { noteSequence(sequence) }
        }
        counters.accepted += added
        acceptedSinceTraining += added
        lastReceive = receiveTime
        return fixedNow
    }

    /// Counts a sequence number: a jump forward of more than one counts the missing vectors as gaps.
    ///
    /// A jump backwards, or forwards by more than `maximumGap` (2^32), is taken as a publisher
    /// that restarted or another publisher on the same stream, not as lost vectors: the sequence
    /// restarts there. The count saturates instead of overflowing, whatever publishers send.
    func noteSequence(_ sequence: UInt64) {
        if let last = lastSequence, sequence > last {
            let missing = sequence - last - 1
            if missing > 0 && missing <= Self.maximumGap {
                counters.gaps = counters.gaps.addingSaturating(Int(missing))
            }
        }
        lastSequence = sequence
    }

    /// The largest forward jump of `seq` still counted as lost vectors.
    static let maximumGap: UInt64 = 1 << 32

    /// Scores the pending micro-batch, returns the alerts to store (after episode grouping)
    /// with the growth of open episodes, and buffers the vectors that did not alert.
    func scorePending(alertSettings: AlertSettings, now: Double) -> [AlertWrite] {
        let count = pendingCount
        guard count > 0, let dimension else { return [] }
        defer {
            pending.removeAll()
            pendingReceiveTimes.removeAll(keepingCapacity: true)
        }
        var alerted = [Bool](repeating: false, count: count)
        var newAlerts: [AlertWrite] = []
        if !models.isEmpty {
            let batch = Tensor(shape: [count, dimension], scalars: Array(pending.values))
            for model in models {
                let scores = model.detector.anomalyScores(batch)
                var rows: [Int] = []
                for row in 0..<count {
                    // A non-finite score on finite input counts as over the threshold.
                    if !(Double(scores[row]) <= model.threshold) { rows.append(row) }
                }
                let kind = model.kind.rawValue
                guard !rows.isEmpty else {
                    if alertSettings.episodes { for _ in 0..<count { episodes.noteQuiet(detector: kind) } }
                    continue
                }
                let contributions = topFeatures(model: model, batch: batch.scalars, rows: rows, limit: alertSettings.topFeatures)
                var previous = -1
                for (index, row) in rows.enumerated() {
                    if alertSettings.episodes {
                        for _ in (previous + 1)..<row { episodes.noteQuiet(detector: kind) }
                        previous = row
                    }
                    alerted[row] = true
                    let raw = Double(scores[row])
                    let score = raw.isFinite ? raw : Double(Float.greatestFiniteMagnitude)
                    counters.alerts[kind, default: 0] += 1
                    let receiveTime = pendingReceiveTimes[row]
                    let severity = model.threshold > 0 ? score / model.threshold : score
                    let vectorTime = pending.timestamp(row) ?? receiveTime
                    var key: AlertEpisodeKey?
                    if alertSettings.episodes {
                        guard let serial = episodes.record(
                            detector: kind, time: receiveTime, vectorTime: vectorTime, score: score, severity: severity)
                        else { continue }
                        counters.episodes[kind, default: 0] += 1
                        // The episode this one ends is reported before the new one is stored.
                        appendGrowth(to: &newAlerts)
                        key = AlertEpisodeKey(stream: name, detector: kind, serial: serial)
                    }
                    newAlerts.append(
                        .record(
                            NewAlert(
                                stream: name, vectorTime: vectorTime, receiveTime: receiveTime,
                                detector: kind, anomalyScore: score, threshold: model.threshold,
                                modelVersion: model.version, topFeatures: contributions[index]),
                            episode: key))
                }
                if alertSettings.episodes {
                    for _ in (previous + 1)..<count { episodes.noteQuiet(detector: kind) }
                }
            }
            if alertSettings.episodes { appendGrowth(to: &newAlerts) }
            counters.scored += count
            scoredRate.add(count, now: now)
            // Publish-to-scored delay: from the vector's own `ts` to now, after scoring.
            let scoredAt = Date().timeIntervalSince1970
            var delay = 0.0
            var timed = 0
            for row in 0..<count {
                if let ts = pending.timestamp(row) {
                    delay += max(0, scoredAt - ts)
                    timed += 1
                    latencyHistogram.record(scoredAt - ts)
                }
            }
            if timed > 0 { latency = latency == 0 ? delay / Double(timed) : 0.9 * latency + 0.1 * (delay / Double(timed)) }
        }
        // Buffer what no model flagged (everything while warming).
        if buffer != nil {
            pending.withUnsafeValues { pointer in
                for row in 0..<count where !alerted[row] {
                    buffer?.append(pointer, offset: row * dimension)
                }
            }
        }
        return newAlerts
    }

    /// Appends one `extend` for each episode that grew since it was last reported.
    private func appendGrowth(to writes: inout [AlertWrite]) {
        for (detector, episode) in episodes.takeGrowth() {
            writes.append(.extend(AlertEpisodeKey(stream: name, detector: detector, serial: episode.serial), episode.stored))
        }
    }

    /// The `limit` largest feature contributions of each alerting row, as shares of the row's total.
    private func topFeatures(model: ScoringModel, batch: [Float], rows: [Int], limit: Int) -> [[StoredFeatureContribution]] {
        guard limit > 0, let dimension else { return rows.map { _ in [] } }
        var values = [Float]()
        values.reserveCapacity(rows.count * dimension)
        for row in rows { values.append(contentsOf: batch[(row * dimension)..<((row + 1) * dimension)]) }
        let contributions = model.detector.featureContributions(Tensor(shape: [rows.count, dimension], scalars: values))
        let scalars = contributions.scalars
        guard scalars.count == rows.count * dimension else { return rows.map { _ in [] } }
        return (0..<rows.count).map { index in
            let row = scalars[(index * dimension)..<((index + 1) * dimension)]
            let total = row.reduce(0) { $0 + Double(max($1, 0)) }
            guard total > 0, total.isFinite else { return [] }
            let ranked = row.enumerated().sorted { $0.element > $1.element }.prefix(limit)
            return ranked.map { StoredFeatureContribution(feature: $0.offset, share: Double(max($0.element, 0)) / total) }
        }
    }
}

extension Int {
    /// `self + other`, or `Int.max` / `Int.min` where the sum would overflow.
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
