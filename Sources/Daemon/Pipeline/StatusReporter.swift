import Foundation
import Store
import Wire

/// Builds the `status` reply and the one-line status summary from the pipeline's state.
struct StatusReporter {
    let pipeline: StreamPipeline
    let writer: AlertWriter
    let trainer: Trainer
    /// When aed started, seconds since the Unix epoch.
    let startTime: Double
    let endpoints: AnomalyDaemon.Endpoints?
    /// The reloads applied and refused (nil where there are none: a replay).
    var reloads: ReloadHistory? = nil
    /// The ingest backlog: messages and bytes waiting, and `max_queue_bytes` (nil in a replay).
    var backlog: (messages: Int, bytes: Int, maximumBytes: Int)? = nil
    /// CURVE on the tcp endpoints and the handshakes refused (nil without CURVE, in a replay).
    var curve: CurveStatus? = nil

    /// The status reply at wall-clock time `now`.
    func status(now: Double) -> StatusReply {
        // The writer counts a commit (`totals`) before it publishes the smaller queue
        // (`waiting`); reading in the opposite order, a document that shows the queue empty also
        // shows every alert it wrote (a commit between the reads may show an alert in both, never
        // in neither).
        let waiting = writer.waiting.withLock { $0 }
        let totals = writer.totals.withLock { $0 }
        let table = pipeline.table
        var unattributedCounts = table.unattributed.byName.filter { $0.value > 0 }
        for (key, value) in table.unattributedExtra { unattributedCounts[key, default: 0] += value }
        var ingest = IngestStatus()
        if let backlog {
            ingest.queuedMessages = backlog.messages
            ingest.queuedBytes = backlog.bytes
            ingest.maxQueueBytes = backlog.maximumBytes
        }
        let documents = table.streams.keys.sorted().compactMap { name -> StreamStatus? in
            guard let runtime = table[name] else { return nil }
            let c = runtime.counters
            var rejected = runtime.rejections.byName.filter { $0.value > 0 }
            for (reason, count) in runtime.dropped where count > 0 { rejected[reason, default: 0] += count }
            let runs = (pipeline.scheduler.lastRuns[name] ?? [:]).values.sorted { $0.detector < $1.detector }
            let last = runs.max { $0.finished < $1.finished }
            let received = c.accepted + runtime.rejections.total + runtime.dropped.values.reduce(0, +)
            ingest.received += received
            ingest.scored += c.scored
            for (reason, count) in rejected { ingest.rejected[reason, default: 0] += count }
            var document = StreamStatus(
                name: name, dimension: runtime.dimension,
                state: StreamState(rawValue: runtime.phase.rawValue) ?? .warming,
                received: received, scored: c.scored, rejected: rejected, gaps: runtime.sequence.gaps,
                alerts: c.alerts.values.reduce(0, +), bufferSize: runtime.buffer?.count ?? 0,
                models: runtime.models.map {
                    ModelStatus(
                        detector: $0.kind.rawValue, version: $0.version, created: $0.created, trainLoss: $0.trainLoss,
                        validationLoss: $0.validationLoss,
                        threshold: ThresholdStatus(
                            value: $0.threshold, method: $0.thresholdMethod.rawValue, targetFalsePositiveRate: $0.targetFalsePositiveRate),
                        latentHealth: $0.latentHealth)
                },
                lastTrainingRun: runtime.trainingInFlight
                    ? TrainingRunStatus(state: .running)
                    : last.map { TrainingRunStatus(state: .finished($0.outcome), reason: $0.reason, finished: $0.finished) })
            document.accepted = c.accepted
            document.scoredRate = runtime.scoredRate.rate(at: now)
            document.latency = runtime.latency
            document.bufferCapacity = runtime.settings.bufferSize
            document.minimumSamples = runtime.settings.minimumSamples
            document.alertsByDetector = c.alerts
            document.episodes = c.episodes
            document.alertsDropped = c.alertsDropped
            document.runs = runs
            let histogram = runtime.latencyHistogram.window(at: now)
            document.latencyP50 = histogram.quantile(0.5)
            document.latencyP99 = histogram.quantile(0.99)
            document.latencyMax = histogram.samples > 0 ? histogram.maximum : nil
            document.latencySamples = histogram.samples
            let recent = runtime.shifts.recentAlertRate
            document.recentAlertRate = recent?.rate
            document.recentAlertVectors = recent?.vectors ?? 0
            document.recentAlertSeconds = recent?.seconds ?? 0
            document.targetFalsePositiveRate = runtime.settings.targetFalsePositiveRate
            document.shifts = c.shifts
            document.trainingRuns = c.trainingRuns
            document.lastShift = runtime.lastShift
            document.futureTimestamps = c.futureTimestamps
            document.duplicates = runtime.sequence.duplicates
            document.sequenceRestarts = runtime.sequence.restarts
            return document
        }
        for (reason, count) in unattributedCounts {
            ingest.rejected[reason, default: 0] += count
            ingest.received += count
        }
        let settings = pipeline.configuration.daemon
        return StatusReply(
            daemon: Wire.DaemonStatus(
                version: AnomalyDaemon.version, uptimeSeconds: now - startTime, pid: getpid(),
                endpoints: EndpointsStatus(
                    ingest: endpoints?.ingest.filter { !settings.ingestConnects.contains($0) } ?? [],
                    connect: settings.ingestConnects, control: endpoints?.control ?? "",
                    alerts: endpoints?.alertPublish), blasKernel: AnomalyDaemon.blasKernel,
                scoringThreads: pipeline.scoring.threads,
                storage: Self.storageStatus(pipeline.store.storageHealth(), waiting: waiting),
                reload: reloads?.status, curve: curve),
            ingest: ingest, streams: documents, unattributedRejections: unattributedCounts,
            alertsWritten: totals.written, alertsDropped: totals.dropped, training: trainer.running.withLock { $0 })
    }

    /// The status reply at wall-clock time `now` for readers off the ingest thread
    /// (`StatusSnapshots`), with, when `recent`, the recent anomaly scores of the streams the
    /// live page charts (`StatusSnapshot.chartedStreams`) and the recent alerts. The scores are
    /// copied on write: building this costs the ingest thread a reference per stream and
    /// detector, and a copy of a ring (32 kB) when it next scores into it.
    func snapshot(now: Double, recent: Bool) -> StatusSnapshot {
        var snapshot = StatusSnapshot(status: status(now: now))
        guard recent else { return snapshot }
        for name in StatusSnapshot.chartedStreams(snapshot.status.streams) {
            if let scores = pipeline.table[name]?.recentScores { snapshot.recentScores[name] = scores }
        }
        snapshot.recentAlerts = pipeline.recentAlerts?.elements ?? []
        return snapshot
    }

    /// The storage part of the status from the store's health report and the alert writer's
    /// state: alerts waiting, alerts dropped, and whether its last attempt failed (writes fail
    /// while either the store's last write or the writer's last attempt failed).
    static func storageStatus(
        _ health: StorageHealth, waiting: (pending: Int, dropped: Int, failing: Bool) = (0, 0, false)
    ) -> StorageStatus {
        StorageStatus(
            walBytes: health.walBytes, lastCheckpoint: health.lastCheckpoint,
            lastWriteError: health.lastWriteError.map {
                StorageErrorStatus(message: $0.message, time: $0.time, cause: $0.cause.rawValue)
            },
            writesFailing: health.writesFailing || waiting.failing, pendingAlerts: waiting.pending, droppedAlerts: waiting.dropped)
    }

    /// The one-line summary for systemd's STATUS= and the log.
    func line(now: Double) -> String {
        var scored = 0.0
        var scoring = 0
        let streams = pipeline.streams
        for runtime in streams.values {
            scored += runtime.scoredRate.rate(at: now)
            if runtime.phase != .warming { scoring += 1 }
        }
        let alerts = writer.totals.withLock { $0.written }
        return "\(streams.count) streams (\(scoring) scoring), \(String(format: "%.0f", scored)) vectors/s scored, \(alerts) alerts stored"
    }
}
