import Detectors
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// Periodic work: retrain triggers, promoted models, reloads, status line, watchdog.
extension IngestLoop {

    func tick() {
        let now = Date().timeIntervalSince1970
        applyTrainingEvents()
        answerWaits(now: now)
        applyReloads()
        guard now - lastTick >= 0.25 else { return }
        lastTick = now
        checkRetrainTriggers(now: now)
        if let interval = daemon.notifier.watchdogInterval, now - lastWatchdog >= interval / 2 {
            lastWatchdog = now
            daemon.notifier.watchdog()
        }
        let snapshotInterval = configuration.daemon.snapshotInterval
        if snapshotInterval > 0, now - lastSnapshot >= snapshotInterval {
            lastSnapshot = now
            submitBufferSnapshots()
        }
        if now - lastStatus >= configuration.daemon.statusInterval {
            lastStatus = now
            let line = statusLine(now: now)
            daemon.notifier.status(line)
            logger.info("status", metadata: ["summary": "\(line)"])
        }
    }

    func statusLine(now: Double) -> String {
        var received = 0.0, scored = 0.0
        var scoring = 0
        for runtime in streams.values {
            scored += runtime.scoredRate.rate(at: now)
            if runtime.phase != .warming { scoring += 1 }
            received += Double(runtime.counters.accepted)
        }
        let alerts = writer.totals.withLock { $0.written }
        return "\(streams.count) streams (\(scoring) scoring), \(String(format: "%.0f", scored)) vectors/s scored, \(alerts) alerts stored"
    }

    func applyTrainingEvents() {
        let events = trainer.events.withLock { events -> [TrainingEvent] in
            let taken = events
            events.removeAll()
            return taken
        }
        for event in events {
            switch event {
            case .promoted(let stream, let model):
                guard let runtime = streams[stream] else { continue }
                runtime.models.removeAll { $0.kind == model.kind }
                runtime.models.append(model)
                runtime.models.sort { $0.kind.rawValue < $1.kind.rawValue }
                logger.info(
                    "model promoted",
                    metadata: [
                        "stream": "\(stream)", "detector": "\(model.kind.rawValue)", "version": "\(model.version)",
                        "threshold": "\(model.threshold)",
                    ])
            case .finished(let stream, let runs, let requestIDs):
                guard let runtime = streams[stream] else { continue }
                runtime.trainingInFlight = false
                for run in runs { lastRuns[stream, default: [:]][run.detector] = run }
                if let highest = requestIDs.max() {
                    completedRequests[stream] = max(completedRequests[stream] ?? 0, highest)
                }
            }
        }
    }

    func applyReloads() {
        let reloads = daemon.reloadRequests.withLock { requests -> [DaemonConfiguration] in
            let taken = requests
            requests.removeAll()
            return taken
        }
        guard let newConfiguration = reloads.last else { return }
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
        var applied = newConfiguration
        applied.daemon.stateDirectory = old.stateDirectory
        applied.daemon.ingestBinds = old.ingestBinds
        applied.daemon.ingestConnects = old.ingestConnects
        applied.daemon.topics = old.topics
        applied.daemon.controlEndpoint = old.controlEndpoint
        applied.daemon.alertEndpoint = old.alertEndpoint
        applied.daemon.maxMessageSize = old.maxMessageSize
        configuration = applied
        daemon.configuration.withLock { $0 = applied }
        for (name, runtime) in streams {
            let settings = applied.settings(forStream: name)
            if settings.bufferSize != runtime.settings.bufferSize { notReloaded.append("streams.\(name).buffer_size") }
            var kept = settings
            kept.bufferSize = runtime.settings.bufferSize
            runtime.settings = kept
            runtime.models.removeAll { !kept.detectors.contains($0.kind) }
        }
        logger.notice(
            "configuration reloaded",
            metadata: ["not reloaded (restart needed)": "\(notReloaded.isEmpty ? "none" : notReloaded.joined(separator: ", "))"])
        daemon.notifier.send("READY=1")
    }

    func checkRetrainTriggers(now: Double) {
        for (name, runtime) in streams {
            guard !runtime.trainingInFlight, let dimension = runtime.dimension, let buffer = runtime.buffer else { continue }
            let settings = runtime.settings
            let requested = requestedRuns[name] ?? []
            var trigger: String?
            if !requested.isEmpty {
                trigger = "request"
            } else if buffer.count >= settings.minimumSamples {
                if runtime.models.count < settings.detectors.count {
                    // First model (or a detector without one): retry a failed attempt after a pause.
                    let pause = max(60, min(settings.retrainInterval, 600))
                    let failedRecently = (lastRuns[name] ?? [:]).values.contains {
                        $0.outcome == "failed" && now - $0.finished < pause
                    }
                    if !failedRecently { trigger = "initial" }
                } else if settings.retrainInterval > 0, now - runtime.lastTrainingRequest >= settings.retrainInterval {
                    trigger = "interval"
                } else if settings.retrainSamples > 0, runtime.acceptedSinceTraining >= settings.retrainSamples {
                    trigger = "samples"
                }
            }
            guard let trigger else { continue }
            let job = TrainingJob(
                stream: name, settings: settings, dimension: dimension, values: buffer.snapshot(), count: buffer.count,
                trigger: trigger, requestIDs: requested)
            requestedRuns[name] = []
            runtime.trainingInFlight = true
            runtime.lastTrainingRequest = now
            runtime.acceptedSinceTraining = 0
            trainer.jobs.put(job)
            logger.info("retrain queued", metadata: ["stream": "\(name)", "trigger": "\(trigger)", "samples": "\(buffer.count)"])
        }
    }

    /// Hands a copy of every retrain buffer that changed since the last snapshot to the store
    /// writer thread (periodic; the ingest thread never waits for SQLite).
    func submitBufferSnapshots() {
        var writes: [AlertWrite] = []
        for (name, runtime) in streams {
            guard let buffer = runtime.buffer, let dimension = runtime.dimension, buffer.count > 0,
                runtime.counters.accepted != runtime.acceptedAtSnapshot
            else { continue }
            runtime.acceptedAtSnapshot = runtime.counters.accepted
            writes.append(.snapshot(BufferSnapshotWrite(
                stream: name, dimension: dimension, count: buffer.count, values: AnomalyDaemon.data(buffer.snapshot()))))
        }
        guard !writes.isEmpty else { return }
        writer.submit(writes)
        snapshotsSubmitted += writes.count
    }

    /// Saves every stream's retrain buffer to the store (at shutdown).
    func snapshotBuffers() {
        for (name, runtime) in streams {
            guard let buffer = runtime.buffer, let dimension = runtime.dimension, buffer.count > 0 else { continue }
            do {
                try store.saveBufferSnapshot(
                    stream: name, dimension: dimension, count: buffer.count, values: AnomalyDaemon.data(buffer.snapshot()))
            } catch {
                logger.error("buffer snapshot failed", metadata: ["stream": "\(name)", "error": "\(error)"])
            }
        }
    }
}
