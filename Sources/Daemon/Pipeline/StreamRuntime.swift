import Alerts
import Detectors
import Foundation
import Prometheus
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
    var settings: StreamSettings {
        didSet {
            shifts.configure(
                window: settings.shiftWindow, vectors: settings.shiftVectors, alertRate: settings.effectiveShiftAlertRate)
        }
    }
    /// Features per vector: fixed by configuration, the store, or the first accepted vector.
    private(set) var dimension: Int?
    private(set) var buffer: VectorRingBuffer?
    /// Recent alerting vectors, kept out of `buffer` until a level shift adopts them.
    private(set) var alertedVectors: AlertedVectors?
    /// The active models, one per configured detector that has been trained.
    var models: [ScoringModel] = []
    var counters = StreamCounters()
    /// Publisher sequence numbers: gaps, duplicates, restarts.
    var sequence: SequenceTracker
    /// Recognises level shifts; also the recent alert rate.
    var shifts: ShiftDetector
    /// A shift recognised while scoring, waiting for the pipeline to record and handle it.
    var recognisedShift: LevelShift?
    /// Where the storm of the recognised (or open) shift began: the whole window for a shift,
    /// the one sub-window for a reversion. The new level is measured on the strong crossings
    /// since then. (The last sub-window alone measured it worse: on SMD machine-1-7 the
    /// false-positive rate rose from 0.012 to 0.099.)
    var shiftLevelStart: Double?
    /// The offsets the last adopted shift moved the buffered history by (per feature, 0 for
    /// those it did not move), until a reversion to the level before it is adopted: a storm
    /// that takes those features back is recognised after one sub-window
    /// (`LevelShiftAdoption.isReversion`).
    private(set) var revertibleOffsets: [Float]?
    /// The last shift recorded, and whether one is open (recorded, not adopted).
    var lastShift: LevelShift?
    /// After a shift was adopted, until the stream is calm again: every vector joins the retrain
    /// buffer (alerting or not) and the stream retrains after each stretch of a sixth of a shift
    /// window that still alerts more than a third of `shift_alert_rate`, at most
    /// `maximumAdoptionRuns` times. So a new regime that one translation did not capture
    /// (a level that keeps moving, a cycle) is learned from the data itself.
    private(set) var adoption: (vectors: Int, alerts: Int, runs: Int)?
    /// Set when an adoption stretch ended still stormy: the pipeline asks for a retrain.
    var adoptionWantsRun = false
    /// The most retrains one adoption asks for (two shift windows' worth).
    static let maximumAdoptionRuns = 12
    /// Accepted since the last retrain was requested (the sample-count trigger).
    var acceptedSinceTraining = 0
    /// When the last retrain was requested or restored, event time in seconds.
    var lastTrainingRequest: Double
    var trainingInFlight = false
    var episodes: AlertEpisodeTracker
    /// Scored vectors per second, exponentially smoothed over about 10 s.
    var scoredRate = RateMeter()
    /// Mean delay from the vector's `ts` to its scoring, seconds, smoothed (0 without `ts`).
    var latency = 0.0
    /// Timed vectors' delays from their `ts` to the end of their batch's scoring, over the
    /// last 5 to 10 minutes of wall time (`RecentLatencyHistogram`).
    var latencyHistogram = RecentLatencyHistogram()
    /// The Prometheus scoring-latency histogram that every timed vector's delay also goes to
    /// (nil without a metrics endpoint).
    var latencyMetric: ValueHistogram?
    /// When the last vector arrived, event time in seconds.
    var lastReceive: Double = 0
    /// The last anomaly scores of each detector, for the live page; nil (nothing kept) unless
    /// the metrics endpoint is on (`StreamPipeline.keepRecent()`).
    var recentScores: RecentScores?

    /// The micro-batch being decoded into: the decoder appends here directly.
    var pending: VectorBatch
    /// Receive time of each pending vector, event time in seconds.
    private(set) var pendingReceiveTimes: [Double] = []
    /// Vector time of each pending vector: its `ts`, or its receive time without one or when
    /// the `ts` lies more than `max_clock_skew` ahead of the clock.
    private(set) var pendingVectorTimes: [Double] = []
    var pendingCount: Int { pending.count }
    /// Rejections counted by the decoder for this stream.
    var rejections = RejectionCounts()
    /// Messages dropped before decoding, by reason (`queue-full`).
    var dropped: [String: Int] = [:]
    /// `counters.accepted` when the buffer was last snapshotted (an unchanged buffer is not saved again).
    var acceptedAtSnapshot = 0

    /// The widest stream accepted (`daemon.max_dimension`).
    let maximumDimension: Int

    /// A stream's state; `restored` streams (known from the store) do not count the vectors
    /// before their first `seq` as lost.
    init(
        name: String, settings: StreamSettings, dimension: Int?, alerts: AlertSettings, maximumDimension: Int = 4_096,
        now: Double, restored: Bool = false
    ) {
        self.name = name
        self.maximumDimension = maximumDimension
        self.settings = settings
        self.sequence = SequenceTracker(countsLeadingGap: !restored)
        self.shifts = ShiftDetector(
            window: settings.shiftWindow, vectors: settings.shiftVectors, alertRate: settings.effectiveShiftAlertRate)
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

    /// Sets the stream's dimension and allocates its buffers.
    func fix(dimension: Int) {
        guard self.dimension == nil else { return }
        self.dimension = dimension
        buffer = VectorRingBuffer(dimension: dimension, capacity: settings.bufferSize)
        alertedVectors = AlertedVectors(dimension: dimension, capacity: max(1, settings.bufferSize / 2))
    }

    /// Replaces the buffer with a restored snapshot (`[rows, dimension]`) and its censored counts
    /// (`VectorRingBuffer.censoredCounts()`).
    func restoreBuffer(_ values: [Float], censored: [UInt32] = []) {
        guard let dimension else { return }
        buffer = VectorRingBuffer(dimension: dimension, capacity: settings.bufferSize, restoring: values, censored: censored)
    }

    /// Notes that the decoder appended vectors from `start` on, received at `receiveTime` (event
    /// time): fixes the dimension from the first one, counts sequence numbers, and takes each
    /// vector's time from its `ts` unless that lies over `maxClockSkew` seconds ahead.
    /// - Returns: true when this fixed the stream's dimension (register it in the store).
    func noteDecoded(from start: Int, receiveTime: Double, maxClockSkew: Double) -> Bool {
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
            if let ts = pending.timestamp(index), ts > receiveTime + maxClockSkew {
                counters.futureTimestamps += 1
                pendingVectorTimes.append(receiveTime)
            } else {
                pendingVectorTimes.append(pending.timestamp(index) ?? receiveTime)
            }
            if let number = pending.sequenceNumber(index) { sequence.note(number) }
        }
        counters.accepted += added
        acceptedSinceTraining += added
        lastReceive = receiveTime
        return fixedNow
    }

    /// Scores the pending micro-batch, returns the alerts to store (after episode grouping)
    /// with the growth of open episodes, and buffers the vectors that did not alert.
    ///
    /// Alerting vectors go to `alertedVectors` instead; the shift detector counts every scored
    /// vector, and a recognised shift is left in `recognisedShift` for the pipeline.
    /// - Parameters:
    ///   - now: event time, seconds (the scoring rate).
    ///   - scoredAt: wall-clock time after scoring, for the publish-to-scored latency (nil in a
    ///     replay, which has no such latency).
    ///   - observer: receives every vector's score from every model (replay reports).
    ///   - scoring: the threads that compute the anomaly scores (everything else runs here).
    func scorePending(
        alertSettings: AlertSettings, now: Double, scoredAt: (() -> Double)?, observer: ((ScoredBatch) -> Void)? = nil,
        scoring: ScoringWorkers
    ) -> [AlertWrite] {
        let count = pendingCount
        guard count > 0, let dimension else { return [] }
        defer {
            pending.removeAll()
            pendingReceiveTimes.removeAll(keepingCapacity: true)
            pendingVectorTimes.removeAll(keepingCapacity: true)
        }
        var alerted = [Bool](repeating: false, count: count)
        // Rows that crossed some threshold by more than `retrain_admit_severity` allows: kept out
        // of the retrain buffer. Milder crossings join it, so slow drift is learned.
        var strong = [Bool](repeating: false, count: count)
        let margin = settings.retrainAdmitSeverity - 1
        var newAlerts: [AlertWrite] = []
        if !models.isEmpty {
            let batch = Tensor(shape: [count, dimension], scalars: Array(pending.values))
            var observed: [ScoredBatch.Scores] = []
            let scoresByModel = scoring.anomalyScores(models.map(\.detector), batch: batch)
            for (model, scores) in zip(models, scoresByModel) {
                recentScores?.record(
                    detector: model.kind.rawValue, times: pendingVectorTimes, scores: scores, threshold: model.threshold)
                if observer != nil {
                    observed.append(ScoredBatch.Scores(
                        detector: model.kind.rawValue, scores: scores, threshold: model.threshold, version: model.version))
                }
                var rows: [Int] = []
                for row in 0..<count {
                    // A non-finite score on finite input counts as over the threshold.
                    if !(Double(scores[row]) <= model.threshold) { rows.append(row) }
                }
                let kind = model.kind.rawValue
                guard !rows.isEmpty else {
                    if alertSettings.episodes { episodes.noteQuiet(detector: kind, count: count) }
                    continue
                }
                // Alerts to store, in order, with growth reports of ended episodes between them;
                // their top features are computed afterwards, only for these rows (an episode's
                // later crossings are not stored one by one and need none).
                var stored: [(row: Int, alert: Alert, episode: AlertEpisodeKey?)] = []
                var writes: [(growth: [AlertWrite], stored: Int)] = []
                var previous = -1
                for row in rows {
                    if alertSettings.episodes {
                        episodes.noteQuiet(detector: kind, count: row - previous - 1)
                        previous = row
                    }
                    alerted[row] = true
                    if !(Double(scores[row]) <= model.threshold + margin * abs(model.threshold)) { strong[row] = true }
                    let raw = Double(scores[row])
                    let score = raw.isFinite ? raw : Double(Float.greatestFiniteMagnitude)
                    counters.alerts[kind, default: 0] += 1
                    let receiveTime = pendingReceiveTimes[row]
                    let severity = Alert.severity(anomalyScore: score, threshold: model.threshold)
                    let vectorTime = pendingVectorTimes[row]
                    var key: AlertEpisodeKey?
                    if alertSettings.episodes {
                        guard let serial = episodes.record(
                            detector: kind, time: receiveTime, vectorTime: vectorTime, score: score, severity: severity)
                        else { continue }
                        counters.episodes[kind, default: 0] += 1
                        // The episode this one ends is reported before the new one is stored.
                        var growth: [AlertWrite] = []
                        appendGrowth(to: &growth)
                        writes.append((growth, stored.count))
                        key = AlertEpisodeKey(stream: name, detector: kind, serial: serial)
                    }
                    stored.append((
                        row,
                        Alert(
                            stream: name, vectorTime: vectorTime, receiveTime: receiveTime,
                            detector: kind, anomalyScore: score, threshold: model.threshold,
                            modelVersion: model.version, topFeatures: []),
                        key))
                }
                let contributions = topFeatures(
                    model: model, batch: batch.scalars, rows: stored.map(\.row), limit: alertSettings.topFeatures,
                    scoring: scoring)
                var nextGrowth = 0
                for (index, entry) in stored.enumerated() {
                    while nextGrowth < writes.count && writes[nextGrowth].stored == index {
                        newAlerts.append(contentsOf: writes[nextGrowth].growth)
                        nextGrowth += 1
                    }
                    var alert = entry.alert
                    alert.topFeatures = contributions[index]
                    newAlerts.append(.record(alert, episode: entry.episode))
                }
                if alertSettings.episodes {
                    episodes.noteQuiet(detector: kind, count: count - previous - 1)
                }
            }
            if alertSettings.episodes { appendGrowth(to: &newAlerts) }
            counters.scored += count
            scoredRate.add(count, now: now)
            if let scoredAt { recordLatency(count: count, scoredAt: scoredAt()) }
            observer?(ScoredBatch(stream: name, vectorTimes: pendingVectorTimes, alerted: alerted, scores: observed))
            for row in 0..<count {
                let window = shifts.note(time: pendingVectorTimes[row], alerted: alerted[row])
                guard recognisedShift == nil else { continue }
                if let window {
                    shiftLevelStart = window.started
                    recognisedShift = LevelShift(
                        stream: name, detected: pendingVectorTimes[row], started: window.started,
                        alertRate: window.rate, vectors: window.vectors, features: [], policy: settings.shiftPolicy,
                        adopted: false)
                } else if let part = shifts.justClosed, isReversion(part) {
                    shiftLevelStart = part.start
                    recognisedShift = LevelShift(
                        stream: name, detected: pendingVectorTimes[row], started: part.start,
                        alertRate: part.rate, vectors: part.vectors, features: [], policy: settings.shiftPolicy,
                        adopted: false, reversion: true)
                }
            }
        }
        if var stretch = adoption, !models.isEmpty {
            stretch.vectors += count
            stretch.alerts += alerted.filter { $0 }.count
            adoption = stretch
            let length = (settings.shiftVectors + ShiftDetector.parts - 1) / ShiftDetector.parts
            if stretch.vectors >= length {
                if Double(stretch.alerts) / Double(stretch.vectors) <= settings.effectiveShiftAlertRate / 3
                    || stretch.runs >= Self.maximumAdoptionRuns
                {
                    adoption = nil
                } else {
                    adoption = (0, 0, stretch.runs + 1)
                    adoptionWantsRun = true
                }
            }
        }
        // Buffer what no model flagged strongly (everything while warming or adopting a shift);
        // keep what alerted strongly apart.
        let adopting = adoption != nil
        pending.withUnsafeValues { pointer in
            for row in 0..<count {
                if strong[row] && !adopting {
                    alertedVectors?.append(pointer, offset: row * dimension, time: pendingVectorTimes[row])
                    buffer?.noteCensored()
                } else {
                    buffer?.append(pointer, offset: row * dimension)
                }
            }
        }
        return newAlerts
    }

    /// Whether the sub-window `part`, just closed, stormed at the full shift alert rate with the
    /// features of the last adopted shift back at their level from before it.
    private func isReversion(_ part: ShiftDetector.Window) -> Bool {
        guard let previous = revertibleOffsets, shifts.armed, part.rate >= shifts.alertRate,
            let dimension, let buffer, let alertedVectors
        else { return false }
        let window = alertedVectors.since(part.start)
        guard window.rows > 0 else { return false }
        let offsets = LevelShiftAdoption.movedFeatures(buffer: buffer.snapshot(), window: window.values, dimension: dimension).offsets
        return LevelShiftAdoption.isReversion(offsets, of: previous)
    }

    /// Publish-to-scored delay: from each vector's own `ts` to `scoredAt` (wall clock).
    private func recordLatency(count: Int, scoredAt: Double) {
        var delay = 0.0
        var timed = 0
        for row in 0..<count {
            if let ts = pending.timestamp(row) {
                delay += max(0, scoredAt - ts)
                timed += 1
                latencyHistogram.record(scoredAt - ts, at: scoredAt)
                latencyMetric?.record(max(0, scoredAt - ts))
            }
        }
        if timed > 0 { latency = latency == 0 ? delay / Double(timed) : 0.9 * latency + 0.1 * (delay / Double(timed)) }
    }

    /// Adopts the level the stream has been at since `started` (`shiftLevelStart`): finds the
    /// moved features, moves the buffered history of those features to the new level, and
    /// appends the alerting vectors since `started` to the buffer. The shift detector starts
    /// counting afresh.
    /// - Returns: the moved features, largest first.
    func adoptShift(startedAt started: Double, reversion: Bool = false) -> [MovedFeature] {
        guard let dimension, var buffer, var alertedVectors else { return [] }
        let window = alertedVectors.since(started)
        let (moved, offsets) = LevelShiftAdoption.movedFeatures(buffer: buffer.snapshot(), window: window.values, dimension: dimension)
        if !moved.isEmpty { buffer.translate(by: offsets) }
        // A reversion is the end of the stretch the last shift began; only a shift recognised
        // over a whole window can be reverted quickly.
        revertibleOffsets = reversion || moved.isEmpty ? nil : offsets
        // The window's vectors join the buffer: no longer censored.
        buffer.forgetCensored(window.rows)
        window.values.withUnsafeBufferPointer { pointer in
            for row in 0..<window.rows { buffer.append(pointer, offset: row * dimension) }
        }
        alertedVectors.removeAll()
        self.buffer = buffer
        self.alertedVectors = alertedVectors
        shifts.reset()
        adoption = (0, 0, 0)
        return moved
    }

    /// The features a recognised shift moved, without adopting it (policy `alert`).
    func movedFeatures(startedAt started: Double) -> [MovedFeature] {
        guard let dimension, let buffer, let alertedVectors else { return [] }
        let window = alertedVectors.since(started)
        return LevelShiftAdoption.movedFeatures(buffer: buffer.snapshot(), window: window.values, dimension: dimension).moved
    }

    /// Appends one `extend` for each episode that grew since it was last reported.
    private func appendGrowth(to writes: inout [AlertWrite]) {
        for (detector, episode) in episodes.takeGrowth() {
            writes.append(.extend(AlertEpisodeKey(stream: name, detector: detector, serial: episode.serial), episode.stored))
        }
    }

    /// The `limit` largest feature attributions of each alerting row to store, as shares
    /// (`FeatureAttribution`'s replacement: the score drop when the feature is set to its
    /// training mean).
    private func topFeatures(
        model: ScoringModel, batch: [Float], rows: [Int], limit: Int, scoring: ScoringWorkers
    ) -> [[FeatureContribution]] {
        guard limit > 0, !rows.isEmpty, let dimension else { return rows.map { _ in [] } }
        // Attributing one row re-scores it once per feature: shares of a few rows already pay
        // for the hand-over to another scoring thread.
        let detector = model.detector
        return scoring.map(rows: rows.count, minimumPerShare: 2) { share in
            Self.topFeatures(
                detector: detector, batch: batch, rows: Array(rows[share]), dimension: dimension, limit: limit)
        }.flatMap { $0 }
    }

    /// The `limit` features with the largest attributions of each of `rows` of `batch`
    /// (`[rows, dimension]`, flattened), largest first, as shares of the row's positive total.
    private static func topFeatures(
        detector: any AnomalyDetector, batch: [Float], rows: [Int], dimension: Int, limit: Int
    ) -> [[FeatureContribution]] {
        var values = [Float]()
        values.reserveCapacity(rows.count * dimension)
        for row in rows { values.append(contentsOf: batch[(row * dimension)..<((row + 1) * dimension)]) }
        let contributions = FeatureAttribution.attributions(
            of: detector, Tensor(shape: [rows.count, dimension], scalars: values))
        let scalars = contributions.scalars
        guard scalars.count == rows.count * dimension else { return rows.map { _ in [] } }
        return (0..<rows.count).map { index in
            let row = scalars[(index * dimension)..<((index + 1) * dimension)]
            let total = row.reduce(0) { $0 + Double(max($1, 0)) }
            guard total > 0, total.isFinite else { return [] }
            let ranked = row.enumerated().sorted { $0.element > $1.element }.prefix(limit)
            return ranked.map { FeatureContribution(feature: $0.offset, share: Double(max($0.element, 0)) / total) }
        }
    }
}

