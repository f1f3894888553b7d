import Foundation
import Prometheus
import Tensor
import Wire

/// The daemon's Prometheus metrics: one `PrometheusCollectorRegistry` per daemon (never the
/// process-wide default, so several daemons in one process, as in the tests, keep theirs apart),
/// which renders the text format.
///
/// Counters and gauges come from the status reply that `aectl status` reads
/// (`StatusSnapshots`, `StatusReporter`): at each scrape `render(_:now:)` raises every counter by
/// the growth of its status counter since the last scrape and sets every gauge, so the two
/// always agree and no second counting path exists. Only the two histograms are fed directly,
/// because a histogram needs each observation: the publish-to-scored delay of every scored
/// vector with a `ts` (`scoringLatency(stream:)`, recorded on the ingest thread) and the duration
/// of every training run (`trainingDuration(stream:detector:)`).
///
/// Label values are bounded: streams by `max_streams`, detectors by the configured kinds,
/// reasons by the wire format's rejection reasons, outcomes by `ok`, `failed`, `skipped`.
public final class DaemonMetrics: Sendable {
    /// The registry that holds and renders every metric.
    public let registry = PrometheusCollectorRegistry()
    private let series = Locked(Series())
    private let buildLabels: [(String, String)]

    /// The exported counters and gauges, by name and label values, with each counter's last
    /// status value.
    private struct Series {
        var counters: [SeriesKey: (counter: Counter, value: Int)] = [:]
        var gauges: [SeriesKey: Gauge] = [:]
    }

    private struct SeriesKey: Hashable {
        var name: String
        var values: [String]
    }

    /// Metrics for a daemon of `version` computing with `blasKernel` (the OpenBLAS kernel name).
    public init(version: String = AnomalyDaemon.version, blasKernel: String = BLASKernel.summary.kernel) {
        buildLabels = [("version", version), ("blas_kernel", blasKernel)]
    }

    // MARK: Families

    static let vectorsReceived = MetricFamily(
        "aed_vectors_received_total", .counter, ["stream"], "Vectors received on a stream: accepted plus rejected.")
    static let vectorsScored = MetricFamily(
        "aed_vectors_scored_total", .counter, ["stream"], "Vectors scored by the stream's active models.")
    static let vectorsRejected = MetricFamily(
        "aed_vectors_rejected_total", .counter, ["stream", "reason"],
        "Vectors (or messages) of a stream rejected or dropped, by reason (docs/WIRE.md).")
    static let unattributedRejections = MetricFamily(
        "aed_unattributed_rejections_total", .counter, ["reason"],
        "Messages rejected before a stream could be named, by reason.")
    static let alerts = MetricFamily(
        "aed_alerts_total", .counter, ["stream", "detector"], "Threshold crossings (alerts raised), by detector.")
    static let episodes = MetricFamily(
        "aed_alert_episodes_total", .counter, ["stream", "detector"], "Alert episodes started, by detector.")
    static let alertsWritten = MetricFamily(
        "aed_alerts_written_total", .counter, [], "Alerts committed to the SQLite store.")
    static let alertsDropped = MetricFamily(
        "aed_alerts_dropped_total", .counter, [], "Alerts lost to store errors or a full writer queue.")
    static let shifts = MetricFamily(
        "aed_level_shifts_total", .counter, ["stream"], "Level shifts recognised (reversions included).")
    static let sequenceGaps = MetricFamily(
        "aed_sequence_gaps_total", .counter, ["stream"], "Vectors missing according to publisher sequence numbers.")
    static let futureTimestamps = MetricFamily(
        "aed_future_timestamps_total", .counter, ["stream"],
        "Vectors stamped more than max_clock_skew ahead of the clock (scored at receive time).")
    static let trainingRuns = MetricFamily(
        "aed_training_runs_total", .counter, ["stream", "detector", "outcome"],
        "Training runs ended, by outcome: ok (promoted), failed, skipped (too little data).")
    static let trainingDurations = MetricFamily(
        "aed_training_duration_seconds", .histogram, ["stream", "detector"],
        "Wall time of training runs that trained (outcome ok or failed), seconds.")
    static let scoringLatencies = MetricFamily(
        "aed_scoring_latency_seconds", .histogram, ["stream"],
        "Delay from a vector's ts to the end of its scoring, seconds (vectors with a ts).")
    static let modelVersion = MetricFamily(
        "aed_model_version", .gauge, ["stream", "detector"], "Version of the active model.")
    static let modelAge = MetricFamily(
        "aed_model_age_seconds", .gauge, ["stream", "detector"], "Time since the active model was created, seconds.")
    static let threshold = MetricFamily(
        "aed_threshold", .gauge, ["stream", "detector"],
        "The active model's anomaly-score threshold (score units of the detector; higher is more anomalous).")
    static let targetFalsePositiveRatio = MetricFamily(
        "aed_target_false_positive_ratio", .gauge, ["stream"], "The stream's target false-positive rate per vector.")
    static let recentAlertRatio = MetricFamily(
        "aed_recent_alert_ratio", .gauge, ["stream"],
        "Share of the vectors scored over the last shift window that alerted (any detector).")
    static let bufferVectors = MetricFamily(
        "aed_retrain_buffer_vectors", .gauge, ["stream"], "Vectors in the stream's retrain buffer.")
    static let bufferCapacity = MetricFamily(
        "aed_retrain_buffer_capacity_vectors", .gauge, ["stream"], "Capacity of the stream's retrain buffer, vectors.")
    static let streams = MetricFamily(
        "aed_streams", .gauge, ["state"], "Streams known, by state: warming, scoring, training.")
    static let queueBytes = MetricFamily(
        "aed_ingest_queue_bytes", .gauge, [], "Bytes of received messages waiting to be decoded and scored.")
    static let queueCapacity = MetricFamily(
        "aed_ingest_queue_capacity_bytes", .gauge, [], "The ingest queue's limit (max_queue_bytes), bytes.")
    static let queueMessages = MetricFamily(
        "aed_ingest_queue_messages", .gauge, [], "Received messages waiting to be decoded and scored.")
    static let walBytes = MetricFamily(
        "aed_wal_bytes", .gauge, [], "Size of the SQLite write-ahead log (aed.db-wal), bytes.")
    static let lastCheckpoint = MetricFamily(
        "aed_last_checkpoint_time_seconds", .gauge, [],
        "When aed last copied the write-ahead log into aed.db, seconds since the Unix epoch.")
    static let writesFailing = MetricFamily(
        "aed_storage_writes_failing", .gauge, [], "1 while the database refuses writes (disk full, read-only, ...), else 0.")
    static let lastWriteError = MetricFamily(
        "aed_last_write_error_time_seconds", .gauge, ["cause"],
        "When the database last refused a write, by cause (disk full, read-only filesystem, ...), seconds since the Unix epoch.")
    static let pendingAlerts = MetricFamily(
        "aed_pending_alerts", .gauge, [], "Alerts waiting in memory for the database (bounded by [alerts] max_pending).")
    static let startTime = MetricFamily(
        "aed_start_time_seconds", .gauge, [], "When aed started, seconds since the Unix epoch.")
    static let buildInfo = MetricFamily(
        "aed_build_info", .gauge, ["version", "blas_kernel"], "Always 1: aed's version and the OpenBLAS kernel in use.")

    /// Every family aed exports.
    public static let families: [MetricFamily] = [
        vectorsReceived, vectorsScored, vectorsRejected, unattributedRejections, alerts, episodes, alertsWritten,
        alertsDropped, shifts, sequenceGaps, futureTimestamps, trainingRuns, trainingDurations, scoringLatencies,
        modelVersion, modelAge, threshold, targetFalsePositiveRatio, recentAlertRatio, bufferVectors, bufferCapacity,
        streams, queueBytes, queueCapacity, queueMessages, walBytes, lastCheckpoint, writesFailing, lastWriteError,
        pendingAlerts, startTime, buildInfo,
    ]

    /// Upper bounds of the scoring-latency buckets, seconds (100 µs to 30 s).
    static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]
    /// Upper bounds of the training-duration buckets, seconds (100 ms to 1 h).
    static let trainingBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600]

    // MARK: Observations

    /// The scoring-latency histogram of `stream`; the ingest thread records each scored
    /// vector's delay from its `ts`, in seconds.
    func scoringLatency(stream: String) -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: Self.descriptor(Self.scoringLatencies), labels: [("stream", stream)], buckets: Self.latencyBuckets)
    }

    /// Records a training run of `detector` on `stream` that took `seconds` of wall time.
    func recordTraining(stream: String, detector: String, seconds: Double) {
        registry.makeValueHistogram(
            descriptor: Self.descriptor(Self.trainingDurations), labels: [("stream", stream), ("detector", detector)],
            buckets: Self.trainingBuckets
        ).record(max(0, seconds))
    }

    // MARK: Scrapes

    /// Brings every counter and gauge up to `status` (taken at `now`, seconds since the Unix
    /// epoch) and renders the registry in the Prometheus text format (version 0.0.4).
    ///
    /// Scrapes are serialised, so two at once never both add the same growth.
    public func render(_ status: StatusReply?, now: Double) -> [UInt8] {
        series.withLock { series in
            if let status { update(&series, from: status, now: now) }
            return registry.emitToBuffer()
        }
    }

    private func update(_ series: inout Series, from status: StatusReply, now: Double) {
        var seenGauges = Set<SeriesKey>()
        func count(_ family: MetricFamily, _ values: [String], _ value: Int) {
            let key = SeriesKey(name: family.name, values: values)
            if let existing = series.counters[key] {
                // A status counter never goes down; should one (a stream forgotten and seen
                // again), start from its new value rather than count backwards.
                if value > existing.value { existing.counter.increment(by: Int64(value - existing.value)) }
                series.counters[key]?.value = value
            } else {
                let counter = registry.makeCounter(descriptor: Self.descriptor(family), labels: labels(family, values))
                if value > 0 { counter.increment(by: Int64(value)) }
                series.counters[key] = (counter, value)
            }
        }
        func set(_ family: MetricFamily, _ values: [String], _ value: Double) {
            let key = SeriesKey(name: family.name, values: values)
            seenGauges.insert(key)
            let gauge =
                series.gauges[key] ?? registry.makeGauge(descriptor: Self.descriptor(family), labels: labels(family, values))
            series.gauges[key] = gauge
            gauge.set(value)
        }

        set(Self.buildInfo, buildLabels.map(\.1), 1)
        set(Self.startTime, [], now - status.daemon.uptimeSeconds)
        var states: [String: Int] = [:]
        for state in [StreamState.warming, .scoring, .training] { states[state.rawValue] = 0 }
        for stream in status.streams {
            let name = stream.name
            states[stream.state.rawValue, default: 0] += 1
            count(Self.vectorsReceived, [name], stream.received)
            count(Self.vectorsScored, [name], stream.scored)
            for (reason, value) in stream.rejected { count(Self.vectorsRejected, [name, reason], value) }
            for (detector, value) in stream.alertsByDetector ?? [:] { count(Self.alerts, [name, detector], value) }
            for (detector, value) in stream.episodes ?? [:] { count(Self.episodes, [name, detector], value) }
            count(Self.shifts, [name], stream.shifts ?? 0)
            count(Self.sequenceGaps, [name], stream.gaps)
            count(Self.futureTimestamps, [name], stream.futureTimestamps ?? 0)
            for (detector, outcomes) in stream.trainingRuns ?? [:] {
                for (outcome, value) in outcomes { count(Self.trainingRuns, [name, detector, outcome], value) }
            }
            for model in stream.models {
                set(Self.modelVersion, [name, model.detector], Double(model.version))
                set(Self.modelAge, [name, model.detector], max(0, now - model.created))
                if let threshold = model.threshold { set(Self.threshold, [name, model.detector], threshold.value) }
            }
            if let target = stream.targetFalsePositiveRate { set(Self.targetFalsePositiveRatio, [name], target) }
            if let recent = stream.recentAlertRate { set(Self.recentAlertRatio, [name], recent) }
            set(Self.bufferVectors, [name], Double(stream.bufferSize))
            set(Self.bufferCapacity, [name], Double(stream.bufferCapacity ?? 0))
        }
        for (state, value) in states { set(Self.streams, [state], Double(value)) }
        for (reason, value) in status.unattributedRejections ?? [:] { count(Self.unattributedRejections, [reason], value) }
        count(Self.alertsWritten, [], status.alertsWritten ?? 0)
        count(Self.alertsDropped, [], status.alertsDropped ?? 0)
        if let bytes = status.ingest.queuedBytes { set(Self.queueBytes, [], Double(bytes)) }
        if let messages = status.ingest.queuedMessages { set(Self.queueMessages, [], Double(messages)) }
        if let capacity = status.ingest.maxQueueBytes { set(Self.queueCapacity, [], Double(capacity)) }
        if let storage = status.daemon.storage {
            set(Self.walBytes, [], Double(storage.walBytes))
            if let time = storage.lastCheckpoint { set(Self.lastCheckpoint, [], time) }
            set(Self.writesFailing, [], storage.writesFailing == true ? 1 : 0)
            if let error = storage.lastWriteError { set(Self.lastWriteError, [error.cause ?? "SQLite error"], error.time) }
            if let pending = storage.pendingAlerts { set(Self.pendingAlerts, [], Double(pending)) }
        }
        // A gauge whose subject went away (a detector no longer configured) leaves the output.
        for (key, gauge) in series.gauges where !seenGauges.contains(key) {
            registry.unregisterGauge(gauge)
            series.gauges[key] = nil
        }
    }

    private func labels(_ family: MetricFamily, _ values: [String]) -> [(String, String)] {
        Array(zip(family.labels, values))
    }

    /// The registry's descriptor of `family` (its full name as the metric name, its help text).
    private static func descriptor(_ family: MetricFamily) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: family.name, unitName: "", helpText: family.help)
    }
}
