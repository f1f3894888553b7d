import Alerts
import Detectors
import Foundation
import Logging
import Store
import Wire

/// The stream pipeline, free of sockets and of the wall clock: decoded vectors in, alerts,
/// shifts and training runs out.
///
/// It decodes payloads into the streams' micro-batches, scores them with the active models,
/// groups alerts into episodes, buffers what did not alert for retraining, recognises and adopts
/// level shifts, starts training runs and swaps promoted models in. Every time it sees is
/// passed in as `now` (seconds): the wall clock when the live daemon feeds it from ZeroMQ, the
/// vectors' own time when `aed replay` feeds it from a file. Everything time-based (retrain
/// timers, episode gaps, snapshot cadence, shift windows) runs on that time, so the same series
/// and configuration give the same alerts in both.
///
/// One thread owns it (the ingest thread, or the replay); the trainer runs jobs on its own
/// thread, or synchronously in a replay, and hands results back through `trainer.events`.
final class StreamPipeline {
    /// The running configuration (replaced by a reload).
    var configuration: DaemonConfiguration
    let table: StreamTable
    let scheduler: RetrainScheduler
    let trainer: Trainer
    let writer: AlertWriter
    let store: Store
    let logger: Logger
    var decoder = WireDecoder()
    /// Sends a frame pair on the alert PUB socket (set by the socket owner once bound).
    var publish: (([UInt8], [UInt8]) -> Void)?
    /// The threads that compute anomaly scores with this one (`daemon.scoring_threads`).
    let scoring: ScoringWorkers
    /// Receives every scored batch (replay reports).
    var observer: ((ScoredBatch) -> Void)?
    /// The wall clock for the publish-to-scored latency; nil in a replay.
    var latencyClock: (() -> Double)?
    /// The Prometheus metrics' histograms (scoring latency, training durations); nil without a
    /// metrics endpoint and in a replay.
    var metrics: DaemonMetrics?
    /// When the retrain buffers were last handed to the writer, event time.
    private var lastSnapshot: Double
    /// Buffer snapshots handed to the writer so far (tests).
    private(set) var snapshotsSubmitted = 0
    /// Every shift recorded since start, oldest first.
    private(set) var shiftHistory: [LevelShift] = []
    /// The last alerts stored (an episode's first), oldest first, for the live page; nil
    /// (nothing kept, no recent scores either) until `keepRecent()`.
    private(set) var recentAlerts: RingBuffer<Alert>?
    /// Alerts kept in `recentAlerts`.
    static let recentAlertCapacity = 20

    /// A pipeline over the `restored` streams, starting at event time `now`.
    init(
        configuration: DaemonConfiguration, restored: [String: StreamRuntime], store: Store, trainer: Trainer,
        writer: AlertWriter, scheduler: RetrainScheduler, logger: Logger, now: Double
    ) {
        self.configuration = configuration
        self.table = StreamTable(restored: restored, logger: logger)
        self.scheduler = scheduler
        self.trainer = trainer
        self.writer = writer
        self.store = store
        self.logger = logger
        self.lastSnapshot = now
        decoder.maximumPayloadBytes = configuration.daemon.maxMessageSize
        scoring = ScoringWorkers(threads: configuration.daemon.resolvedScoringThreads)
        for name in restored.keys { scheduler.admit(name) }
    }

    var streams: [String: StreamRuntime] { table.streams }

    // MARK: Vectors in

    /// Decodes one payload of stream `name` received at `now` into its micro-batch, and scores
    /// the batch once it holds `max_batch` vectors.
    /// - Returns: the vectors the payload added (0 when rejected), and whether a batch was scored.
    @discardableResult
    func ingest(stream name: String, payload: UnsafeRawBufferPointer, now: Double) -> (added: Int, scored: Bool) {
        let isNew = table[name] == nil
        guard let runtime = table.runtime(for: name, configuration: configuration, now: now) else { return (0, false) }
        let start = runtime.pending.count
        let outcome = decoder.decode(payload: payload, into: &runtime.pending, rejections: &runtime.rejections)
        if let rejection = outcome.lastRejection { table.logRejection(stream: name, rejection, now: now) }
        return accept(runtime, from: start, isNew: isNew, now: now)
    }

    /// Appends one vector of stream `name` (a replayed row) with its time and sequence number.
    /// - Precondition: `values` are finite and of the stream's dimension (the caller validated them).
    @discardableResult
    func ingest(stream name: String, values: [Float], timestamp: Double?, sequence: UInt64?, now: Double) -> (added: Int, scored: Bool) {
        let isNew = table[name] == nil
        guard let runtime = table.runtime(for: name, configuration: configuration, now: now) else { return (0, false) }
        let start = runtime.pending.count
        runtime.pending.append(values, timestamp: timestamp, sequenceNumber: sequence)
        return accept(runtime, from: start, isNew: isNew, now: now)
    }

    private func accept(_ runtime: StreamRuntime, from start: Int, isNew: Bool, now: Double) -> (added: Int, scored: Bool) {
        let fixedDimension = runtime.noteDecoded(from: start, receiveTime: now, maxClockSkew: configuration.daemon.maxClockSkew)
        let added = max(0, runtime.pending.count - start)
        if isNew {
            // A stream gets a slot (and later a `streams` row) only with an accepted vector;
            // a name whose first message is refused leaves its rejections global.
            guard runtime.counters.accepted > 0 else {
                table.refuse(runtime)
                return (0, false)
            }
            table.admit(runtime)
            scheduler.admit(runtime.name)
        }
        if fixedDimension, let dimension = runtime.dimension { registerStream(runtime.name, dimension: dimension) }
        guard runtime.pending.count >= configuration.daemon.maxBatch else { return (added, false) }
        score(runtime, now: now)
        return (added, true)
    }

    /// Counts a rejection of stream `name` that never reached the decoder (an oversized frame).
    func reject(stream name: String, _ rejection: WireRejection, now: Double) {
        if let runtime = table[name] {
            runtime.rejections.record(rejection)
        } else {
            table.unattributed.record(rejection)
        }
        table.logRejection(stream: name, rejection, now: now)
    }

    private func registerStream(_ name: String, dimension: Int) {
        do {
            try store.upsertStream(name: name, dimension: dimension)
            logger.info("stream dimension fixed", metadata: ["stream": "\(name)", "dimension": "\(dimension)"])
        } catch {
            if let cause = store.failureCause(of: error), cause.isTransient {
                // The database refuses writes for now: the writer registers it when it can,
                // before the stream's alerts.
                writer.submit([.stream(name: name, dimension: dimension)])
                logger.warning(
                    "cannot register stream yet: \(cause.rawValue); the alert writer retries",
                    metadata: ["stream": "\(name)", "error": "\(error)"])
            } else {
                logger.error("cannot register stream", metadata: ["stream": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Keeps, from now on, each stream's recent anomaly scores (`RecentScores`) and the last
    /// `recentAlertCapacity` alerts, for the live page of the metrics endpoint.
    func keepRecent() {
        if recentAlerts == nil { recentAlerts = RingBuffer(capacity: Self.recentAlertCapacity) }
    }

    // MARK: Scoring

    /// Scores every stream's pending micro-batch.
    func scoreAllPending(now: Double) {
        for runtime in table.streams.values where runtime.pendingCount > 0 { score(runtime, now: now) }
    }

    /// Scores `runtime`'s pending micro-batch, hands its alerts to the writer and the PUB socket,
    /// and records a level shift recognised in it.
    func score(_ runtime: StreamRuntime, now: Double) {
        if runtime.latencyMetric == nil, let metrics { runtime.latencyMetric = metrics.scoringLatency(stream: runtime.name) }
        if runtime.recentScores == nil, recentAlerts != nil { runtime.recentScores = RecentScores() }
        let writes = runtime.scorePending(
            alertSettings: configuration.alerts, now: now, scoredAt: latencyClock, observer: observer, scoring: scoring)
        if !writes.isEmpty {
            runtime.counters.alertsDropped += writer.submit(writes)
            if recentAlerts != nil {
                for case .record(let alert, _) in writes { recentAlerts?.append(alert) }
            }
            if let publish {
                let encoder = JSONEncoder()
                for case .record(let alert, _) in writes {
                    guard let body = try? encoder.encode(alert.withEpisode) else { continue }
                    publish(Array("alerts.\(alert.stream)".utf8), Array(body))
                }
            }
        }
        if let shift = runtime.recognisedShift {
            runtime.recognisedShift = nil
            handle(shift, of: runtime, now: now)
        }
        if runtime.adoptionWantsRun {
            runtime.adoptionWantsRun = false
            scheduler.requestShiftRun(runtime.name)
        }
    }

    // MARK: Level shifts

    /// Records a recognised shift once and, under `adapt`, adopts it and asks for a retrain.
    private func handle(_ recognised: LevelShift, of runtime: StreamRuntime, now: Double) {
        var shift = recognised
        if shift.policy == .adapt {
            let level = runtime.shiftLevelStart ?? shift.started
            shift.features = Array(
                runtime.adoptShift(startedAt: level, reversion: shift.reversion == true).prefix(LevelShiftAdoption.namedFeatures))
            shift.adopted = true
            scheduler.requestShiftRun(runtime.name)
        } else {
            let level = runtime.shiftLevelStart ?? shift.started
            shift.features = Array(runtime.movedFeatures(startedAt: level).prefix(LevelShiftAdoption.namedFeatures))
            runtime.shifts.armed = false
        }
        runtime.lastShift = shift
        runtime.counters.shifts += 1
        shiftHistory.append(shift)
        writer.submit([.shift(shift)])
        if let publish, let body = try? JSONEncoder().encode(shift) {
            publish(Array("shifts.\(runtime.name)".utf8), Array(body))
        }
        logger.notice(
            "level shift",
            metadata: [
                "stream": "\(runtime.name)", "policy": "\(shift.policy.rawValue)",
                "alert_rate": "\(String(format: "%.3f", shift.alertRate))", "vectors": "\(shift.vectors)",
                "reversion": "\(shift.reversion == true)",
                "features": "\(shift.features.map { "f\($0.index) \(String(format: "%+.1f", $0.sigmas))σ" }.joined(separator: ", "))",
            ])
    }

    /// Adopts the open (recorded, not adopted) shift of `name`, as `aectl retrain --accept-shift`.
    /// - Returns: false when the stream has no open shift.
    func acceptShift(of name: String) -> Bool {
        guard let runtime = table[name], var shift = runtime.lastShift, !shift.adopted else { return false }
        // The level it is at by now: the alerting vectors since the shift's last sub-window.
        shift.features = Array(
            runtime.adoptShift(startedAt: runtime.shiftLevelStart ?? shift.started, reversion: shift.reversion == true)
                .prefix(LevelShiftAdoption.namedFeatures))
        shift.adopted = true
        runtime.lastShift = shift
        logger.notice("level shift accepted", metadata: ["stream": "\(name)"])
        return true
    }

    // MARK: Periodic work

    /// Applies finished training runs, then starts the runs that are due at event time `now`
    /// (scoring a stream's pending vectors first, so the run sees every vector before `now`),
    /// and snapshots the retrain buffers every `snapshot_interval`.
    func tick(now: Double) {
        applyTrainingEvents()
        for name in table.streams.keys.sorted() {
            guard let runtime = table[name], let trigger = scheduler.dueTrigger(runtime, now: now) else { continue }
            if runtime.pendingCount > 0 { score(runtime, now: now) }
            scheduler.start(runtime, trigger: trigger, now: now)
            // A synchronous trainer (replay) has finished by now: swap its model in at once.
            applyTrainingEvents()
        }
        let interval = configuration.daemon.snapshotInterval
        if interval > 0, now - lastSnapshot >= interval {
            lastSnapshot = now
            submitBufferSnapshots()
        }
    }

    /// Swaps in the models the trainer promoted and takes its finished runs.
    func applyTrainingEvents() {
        let events = trainer.events.withLock { events -> [TrainingEvent] in
            let taken = events
            events.removeAll()
            return taken
        }
        for event in events {
            switch event {
            case .promoted(let stream, let model):
                guard let runtime = table[stream] else { continue }
                // Versions only go up: a model never replaces a newer one of its detector.
                if let current = runtime.models.first(where: { $0.kind == model.kind }), current.version >= model.version {
                    logger.warning(
                        "promoted model older than the active one; not swapped in",
                        metadata: [
                            "stream": "\(stream)", "detector": "\(model.kind.rawValue)", "version": "\(model.version)",
                            "active": "\(current.version)",
                        ])
                    continue
                }
                runtime.models.removeAll { $0.kind == model.kind }
                runtime.models.append(model)
                runtime.models.sort { $0.kind.rawValue < $1.kind.rawValue }
                logger.info(
                    "model promoted",
                    metadata: [
                        "stream": "\(stream)", "detector": "\(model.kind.rawValue)", "version": "\(model.version)",
                        "threshold": "\(model.threshold)",
                    ])
            case .finished(let stream, let runs, let requestIDs, let trigger):
                table[stream]?.trainingInFlight = false
                for run in runs {
                    table[stream]?.counters.trainingRuns[run.detector, default: [:]][run.outcome.rawValue, default: 0] += 1
                    if run.outcome != .skipped {
                        metrics?.recordTraining(stream: stream, detector: run.detector, seconds: run.finished - run.started)
                    }
                }
                scheduler.finished(stream: stream, runs: runs, requestIDs: requestIDs, trigger: trigger)
            }
        }
    }

    /// Hands a copy of every retrain buffer that changed since the last snapshot to the store
    /// writer thread (the pipeline never waits for SQLite).
    func submitBufferSnapshots() {
        var writes: [AlertWrite] = []
        for (name, runtime) in table.streams {
            guard let buffer = runtime.buffer, buffer.count > 0,
                runtime.counters.accepted != runtime.acceptedAtSnapshot
            else { continue }
            runtime.acceptedAtSnapshot = runtime.counters.accepted
            writes.append(.snapshot(BufferSnapshotWrite(stream: name, buffer: buffer)))
        }
        guard !writes.isEmpty else { return }
        writer.submit(writes)
        snapshotsSubmitted += writes.count
    }

    /// Saves every stream's retrain buffer to the store (at shutdown).
    func snapshotBuffers() {
        for (name, runtime) in table.streams {
            guard let buffer = runtime.buffer, buffer.count > 0 else { continue }
            let snapshot = BufferSnapshotWrite(stream: name, buffer: buffer)
            do {
                try store.saveBufferSnapshot(
                    stream: name, dimension: snapshot.dimension, count: snapshot.count, values: snapshot.values,
                    censored: snapshot.censored)
            } catch {
                logger.error(
                    "buffer snapshot failed",
                    metadata: [
                        "stream": "\(name)", "cause": "\(store.failureCause(of: error)?.rawValue ?? "-")", "error": "\(error)",
                    ])
            }
        }
    }

    /// Applies a reloaded configuration: what can change at run time changes, and the keys that
    /// need a restart are returned (they keep their running values).
    func reload(_ newConfiguration: DaemonConfiguration) -> [String] {
        var notReloaded: [String] = []
        let old = configuration.daemon
        let new = newConfiguration.daemon
        if old.stateDirectory != new.stateDirectory { notReloaded.append("daemon.state_dir") }
        if old.ingestBinds != new.ingestBinds || old.ingestConnects != new.ingestConnects || old.topics != new.topics {
            notReloaded.append("daemon.ingest/connect/topics")
        }
        if old.resolvedControlEndpoint != new.resolvedControlEndpoint { notReloaded.append("daemon.control") }
        if old.alertEndpoint != new.alertEndpoint { notReloaded.append("daemon.alert_publish") }
        if old.maxMessageSize != new.maxMessageSize { notReloaded.append("daemon.max_message_size") }
        if old.receiveHighWaterMark != new.receiveHighWaterMark { notReloaded.append("daemon.receive_high_water_mark") }
        if old.scoringThreads != new.scoringThreads { notReloaded.append("daemon.scoring_threads") }
        if configuration.alerts.maxPending != newConfiguration.alerts.maxPending { notReloaded.append("alerts.max_pending") }
        // The authorized keys reload (the ZAP handler reads them per handshake); the server key
        // and which sides use CURVE are fixed when the sockets are made.
        var curve = old.curve
        if let oldCurve = old.curve, let newCurve = new.curve, oldCurve.serverKeys == newCurve.serverKeys,
            oldCurve.ingest == newCurve.ingest, oldCurve.control == newCurve.control
        {
            curve = newCurve
        } else if old.curve != new.curve {
            notReloaded.append("daemon.curve_secret_key_file/ingest_authorized_keys/control_authorized_keys")
        }
        if old.controlAllowPlaintextTCP != new.controlAllowPlaintextTCP { notReloaded.append("daemon.control_allow_plaintext_tcp") }
        if old.metricsListen != new.metricsListen { notReloaded.append("daemon.metrics_listen") }
        var applied = newConfiguration
        applied.daemon.curve = curve
        applied.daemon.controlAllowPlaintextTCP = old.controlAllowPlaintextTCP
        applied.daemon.stateDirectory = old.stateDirectory
        applied.daemon.ingestBinds = old.ingestBinds
        applied.daemon.ingestConnects = old.ingestConnects
        applied.daemon.topics = old.topics
        applied.daemon.controlEndpoint = old.controlEndpoint
        applied.daemon.alertEndpoint = old.alertEndpoint
        applied.daemon.maxMessageSize = old.maxMessageSize
        applied.daemon.receiveHighWaterMark = old.receiveHighWaterMark
        applied.daemon.scoringThreads = old.scoringThreads
        applied.alerts.maxPending = configuration.alerts.maxPending
        applied.daemon.metricsListen = old.metricsListen
        configuration = applied
        for (name, runtime) in table.streams {
            let settings = applied.settings(forStream: name)
            if settings.bufferSize != runtime.settings.bufferSize { notReloaded.append("streams.\(name).buffer_size") }
            var kept = settings
            kept.bufferSize = runtime.settings.bufferSize
            runtime.settings = kept
            runtime.models.removeAll { !kept.detectors.contains($0.kind) }
            runtime.recentScores?.keep(only: Set(kept.detectors.map(\.rawValue)))
        }
        return notReloaded
    }
}
