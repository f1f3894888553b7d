import Detectors
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// The ingest thread: owns the SUB socket, the control REP socket and the alert PUB socket.
///
/// Each turn it waits up to 100 ms for either socket, drains every ready message into the
/// streams' micro-batches (scoring a batch as soon as it reaches `max_batch`), scores what is
/// left, answers control requests, swaps in models the trainer promoted, and checks the
/// retrain triggers. Nothing here logs per vector; rejections are logged at most once per
/// stream and reason every 10 s.
final class IngestLoop: @unchecked Sendable {
    unowned let daemon: AnomalyDaemon
    let store: Store
    let trainer: Trainer
    let writer: AlertWriter
    var streams: [String: StreamRuntime]
    var configuration: DaemonConfiguration
    var logger: Logger { daemon.logger }

    private var context: Context?
    private var subscriber: Socket?
    private var control: Socket?
    private var alertPublisher: Socket?
    private var endpoints: AnomalyDaemon.Endpoints?
    private var decoder = WireDecoder()
    private let message = MultipartMessage(maximumStoredFrames: 4)
    private let controlMessage = MultipartMessage(maximumStoredFrames: 4)
    /// Rejections that could not be attributed to a stream.
    var unattributed = RejectionCounts()
    var unattributedExtra: [String: Int] = [:]
    private var lastRejectionLog: [String: Double] = [:]
    private var nextRequestID = 1
    /// Retrain requests waiting for a run, by stream.
    var requestedRuns: [String: [Int]] = [:]
    var completedRequests: [String: Int] = [:]
    var lastRuns: [String: [String: TrainingRunSummary]] = [:]
    private var lastTick = 0.0
    private var lastStatus = 0.0
    private var lastWatchdog = 0.0
    /// More streams than this are refused (a publisher inventing names cannot exhaust memory).
    static let maximumStreams = 1_024

    init(daemon: AnomalyDaemon, store: Store, trainer: Trainer, writer: AlertWriter, streams: [String: StreamRuntime]) {
        self.daemon = daemon
        self.store = store
        self.trainer = trainer
        self.writer = writer
        self.streams = streams
        self.configuration = daemon.configuration.withLock { $0 }
        for (name, runtime) in streams {
            lastRuns[name] = [:]
            if let runs = try? store.trainingRuns(stream: name, limit: 20) {
                for record in runs.reversed() {
                    let run = record.run
                    lastRuns[name]?[run.detector] = TrainingRunSummary(
                        detector: run.detector, outcome: run.outcome.rawValue, reason: run.reason, started: run.started,
                        finished: run.finished, samples: run.samples, epochs: run.epochs, trainLoss: run.trainLoss,
                        validationLoss: run.validationLoss, threshold: nil, heldOutFalsePositiveRate: nil,
                        modelVersion: runtime.models.first { $0.modelID == run.modelID }?.version, trigger: "restored")
                }
            }
        }
    }

    /// Creates and binds the sockets (on the ingest thread, which then owns them).
    func bind(configuration: DaemonConfiguration) throws -> AnomalyDaemon.Endpoints {
        let settings = configuration.daemon
        let context: Context
        do { context = try Context(ioThreads: 1) } catch { throw DaemonError.socket(endpoint: "-", reason: "\(error)") }
        self.context = context
        func attempt<T>(_ endpoint: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch {
                closeSockets()
                throw DaemonError.socket(endpoint: endpoint, reason: "\(error)")
            }
        }
        let subscriber = try attempt("SUB") { try context.socket(.sub, lingerMilliseconds: 0) }
        self.subscriber = subscriber
        try attempt("SUB options") {
            try subscriber.set(.maximumMessageSize(bytes: Int64(settings.maxMessageSize)))
            try subscriber.set(.receiveHighWaterMark(messages: 200_000))
            if settings.topics.isEmpty {
                try subscriber.subscribe("")
            } else {
                for topic in settings.topics { try subscriber.subscribe(topic) }
            }
        }
        decoder.maximumPayloadBytes = settings.maxMessageSize
        var ingest: [String] = []
        for endpoint in settings.resolvedIngestBinds {
            ingest.append(try attempt(endpoint) { try subscriber.bind(endpoint) })
        }
        for endpoint in settings.ingestConnects {
            try attempt(endpoint) { try subscriber.connect(endpoint) }
            ingest.append(endpoint)
        }
        let controlEndpoint = settings.resolvedControlEndpoint
        if controlEndpoint.hasPrefix("ipc://") {
            let path = String(controlEndpoint.dropFirst("ipc://".count))
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }
        // ROUTER, not REP: a `retrain --wait` reply can wait for its run while other requests
        // are answered; every request still gets exactly one reply.
        let control = try attempt(controlEndpoint) { try context.socket(.router, lingerMilliseconds: 200) }
        self.control = control
        let boundControl = try attempt(controlEndpoint) {
            try control.set(.maximumMessageSize(bytes: 1 << 20))
            try control.set(.sendTimeout(milliseconds: 1_000))
            return try control.bind(controlEndpoint)
        }
        var alertEndpoint: String?
        if let endpoint = settings.alertEndpoint {
            let publisher = try attempt(endpoint) { try context.socket(.pub, lingerMilliseconds: 200) }
            self.alertPublisher = publisher
            alertEndpoint = try attempt(endpoint) {
                try publisher.set(.sendHighWaterMark(messages: 10_000))
                return try publisher.bind(endpoint)
            }
        }
        let endpoints = AnomalyDaemon.Endpoints(ingest: ingest, control: boundControl, alertPublish: alertEndpoint)
        self.endpoints = endpoints
        return endpoints
    }

    /// The loop; returns after a stop request, with pending vectors scored and sockets closed.
    func run() {
        guard let subscriber, let control else { return }
        let poller = Poller()
        do {
            try poller.register(subscriber)
            try poller.register(control)
        } catch {
            logger.critical("cannot poll sockets", metadata: ["error": "\(error)"])
            closeSockets()
            return
        }
        while !daemon.stopFlag.withLock({ $0 }) {
            let ready: Int
            do {
                ready = try poller.wait(timeoutMilliseconds: 100)
            } catch {
                logger.critical("poll failed", metadata: ["error": "\(error)"])
                break
            }
            if ready > 0 && poller.isReady(0) { drainIngest(subscriber) }
            scoreAllPending()
            if ready > 0 && poller.isReady(1) { drainControl(control) }
            tick()
        }
        // Graceful stop: take what already arrived, score it, hand alerts to the writer.
        drainIngest(subscriber, limit: 100_000)
        scoreAllPending()
        closeSockets()
    }

    // MARK: Ingest

    private func drainIngest(_ socket: Socket, limit: Int = 50_000) {
        let maxBatch = configuration.daemon.maxBatch
        var taken = 0
        let now = Date().timeIntervalSince1970
        while taken < limit {
            let received: Bool
            do {
                received = try socket.receiveMultipart(into: message, dontWait: true)
            } catch {
                unattributedExtra["receive-error", default: 0] += 1
                break
            }
            guard received else { break }
            taken += 1
            let name: String
            do {
                name = try WireDecoder.stream(of: message)
            } catch {
                attributeEnvelopeRejection(error)
                continue
            }
            guard let runtime = runtime(for: name, now: now) else { continue }
            let start = runtime.pending.count
            let outcome = decoder.decodePayload(of: message, into: &runtime.pending, rejections: &runtime.rejections)
            if let rejection = outcome.lastRejection { logRejection(stream: name, rejection, now: now) }
            // Count vectors, not messages, so a turn stays short with many vectors a message and
            // control requests (status) are answered while a backlog drains.
            taken += max(0, runtime.pending.count - start - 1)
            if runtime.noteDecoded(from: start, receiveTime: now), let dimension = runtime.dimension {
                registerStream(name, dimension: dimension)
            }
            if runtime.pending.count >= maxBatch { score(runtime, now: now) }
        }
    }

    /// Counts an envelope rejection under its stream when the stream name is readable, else globally.
    private func attributeEnvelopeRejection(_ rejection: WireRejection) {
        if rejection.reason == .frames, message.frameCount >= 1 {
            let name = message[0].withUnsafeBytes { bytes -> String? in
                StreamName.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
            }
            if let name, let runtime = streams[name] {
                runtime.rejections.record(rejection)
                return
            }
        }
        unattributed.record(rejection)
        logRejection(stream: "-", rejection, now: Date().timeIntervalSince1970)
    }

    private func runtime(for name: String, now: Double) -> StreamRuntime? {
        if let runtime = streams[name] { return runtime }
        guard streams.count < Self.maximumStreams else {
            unattributedExtra["stream-limit", default: 0] += 1
            return nil
        }
        let settings = configuration.settings(forStream: name)
        let runtime = StreamRuntime(
            name: name, settings: settings, dimension: settings.dimension,
            episodeGap: configuration.alerts.episodeGap, now: now)
        streams[name] = runtime
        lastRuns[name] = [:]
        logger.info("new stream", metadata: ["stream": "\(name)"])
        return runtime
    }

    private func registerStream(_ name: String, dimension: Int) {
        do {
            try store.upsertStream(name: name, dimension: dimension)
            logger.info("stream dimension fixed", metadata: ["stream": "\(name)", "dimension": "\(dimension)"])
        } catch {
            logger.error("cannot register stream", metadata: ["stream": "\(name)", "error": "\(error)"])
        }
    }

    private func logRejection(stream: String, _ rejection: WireRejection, now: Double) {
        let key = "\(stream)/\(rejection.reason.rawValue)"
        if now - (lastRejectionLog[key] ?? 0) >= 10 {
            lastRejectionLog[key] = now
            logger.warning(
                "rejected input", metadata: ["stream": "\(stream)", "reason": "\(rejection.reason.rawValue)", "detail": "\(rejection.detail)"])
        }
    }

    private func scoreAllPending() {
        let now = Date().timeIntervalSince1970
        for runtime in streams.values where runtime.pendingCount > 0 { score(runtime, now: now) }
    }

    private func score(_ runtime: StreamRuntime, now: Double) {
        let alerts = runtime.scorePending(alertSettings: configuration.alerts, now: now)
        guard !alerts.isEmpty else { return }
        let dropped = writer.submit(alerts)
        runtime.counters.alertsDropped += dropped
        if let publisher = alertPublisher { publish(alerts, on: publisher) }
    }

    private func publish(_ alerts: [NewAlert], on publisher: Socket) {
        let encoder = JSONEncoder()
        for alert in alerts {
            guard let body = try? encoder.encode(Self.alertRecord(alert)) else { continue }
            _ = try? publisher.sendMultipart([Array("alerts.\(alert.stream)".utf8), Array(body)], dontWait: true)
        }
    }

    // MARK: Periodic work

    private func tick() {
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
        if now - lastStatus >= configuration.daemon.statusInterval {
            lastStatus = now
            let line = statusLine(now: now)
            daemon.notifier.status(line)
            logger.info("status", metadata: ["summary": "\(line)"])
        }
    }

    private func statusLine(now: Double) -> String {
        var received = 0.0, scored = 0.0
        var scoring = 0
        for runtime in streams.values {
            runtime.receivedRate.roll(now: now)
            runtime.scoredRate.roll(now: now)
            scored += runtime.scoredRate.rate
            if runtime.phase != .warming { scoring += 1 }
            received += Double(runtime.counters.accepted)
        }
        let alerts = writer.totals.withLock { $0.written }
        return "\(streams.count) streams (\(scoring) scoring), \(String(format: "%.0f", scored)) vectors/s scored, \(alerts) alerts stored"
    }

    private func applyTrainingEvents() {
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

    private func applyReloads() {
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

    private func checkRetrainTriggers(now: Double) {
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
                    let firstAttempt = lastRuns[name]?.isEmpty ?? true
                    if firstAttempt || now - runtime.lastTrainingRequest >= max(60, min(settings.retrainInterval, 600)) {
                        trigger = "initial"
                    }
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

    // MARK: Control

    /// A `retrain --wait` whose reply waits for its runs.
    struct PendingWait {
        var envelope: [[UInt8]]
        var requestID: Int
        var streams: [String]
        var deadline: Double
    }
    var pendingWaits: [PendingWait] = []
    /// How long a `retrain --wait` may wait before it is answered with what finished, seconds.
    static let maximumWait = 3_600.0

    private func drainControl(_ socket: Socket) {
        for _ in 0..<64 {
            let received: Bool
            do {
                received = try socket.receiveMultipart(into: controlMessage, dontWait: true)
            } catch {
                logger.warning("control receive failed", metadata: ["error": "\(error)"])
                return
            }
            guard received else { return }
            // ROUTER framing: [identity][...][empty][request] from REQ; echo everything before
            // the request as the envelope. Without a delimiter the peer gets [identity][reply].
            let frames = controlMessage.arrays
            let stored = controlMessage.storedFrameCount
            guard stored >= 1 else { continue }
            var envelope: [[UInt8]]
            let body: [UInt8]?
            if let delimiter = frames.firstIndex(where: { $0.isEmpty }), delimiter >= 1,
                delimiter == frames.count - 2, controlMessage.frameCount == stored
            {
                envelope = Array(frames[0...delimiter])
                body = frames[delimiter + 1]
            } else {
                envelope = [frames[0]]
                body = nil
            }
            let reply: [UInt8]?
            if let body {
                reply = handleControl(body, envelope: envelope)
            } else {
                reply = ControlReply.error("expected a request frame from a REQ socket: [empty][JSON]")
            }
            guard let reply else { continue }
            envelope.append(reply)
            sendControl(envelope)
        }
    }

    private func sendControl(_ frames: [[UInt8]]) {
        guard let control else { return }
        do {
            _ = try control.sendMultipart(frames, dontWait: true)
        } catch {
            logger.warning("control reply failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one control request; returns nil when the reply is deferred (`retrain` with wait).
    func handleControl(_ body: [UInt8], envelope: [[UInt8]]) -> [UInt8]? {
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(body)
        } catch {
            return ControlReply.error("\(error)")
        }
        do {
            switch request {
            case .status:
                return try ControlReply.encode(status())
            case .retrain(let names, let wait):
                let unknown = names.filter { streams[$0] == nil }
                guard unknown.isEmpty else { return ControlReply.error("unknown stream(s): \(unknown.joined(separator: ", "))") }
                let targets = names.isEmpty ? streams.keys.sorted() : names
                guard !targets.isEmpty else { return ControlReply.error("no streams yet: nothing to retrain") }
                let id = nextRequestID
                nextRequestID += 1
                for name in targets { requestedRuns[name, default: []].append(id) }
                logger.info("retrain requested", metadata: ["streams": "\(targets.joined(separator: ","))", "request": "\(id)", "wait": "\(wait)"])
                if wait {
                    pendingWaits.append(
                        PendingWait(envelope: envelope, requestID: id, streams: targets,
                                    deadline: Date().timeIntervalSince1970 + Self.maximumWait))
                    return nil
                }
                return try ControlReply.encode(
                    RetrainReply(runs: targets.map { RetrainResult(stream: $0, outcome: "started") }))
            case .alerts(let stream, let since, let limit):
                let records = try store.alerts(stream: stream, since: since, limit: min(limit ?? 100, 100_000))
                return try ControlReply.encode(AlertsReply(alerts: records.map { Self.alertRecord($0.alert) }))
            }
        } catch {
            return ControlReply.error("\(request.command) failed: \(error)")
        }
    }

    static func alertRecord(_ record: StoredAlert) -> Wire.AlertRecord {
        alertRecord(record.alert)
    }

    static func alertRecord(_ alert: NewAlert) -> Wire.AlertRecord {
        Wire.AlertRecord(
            stream: alert.stream, ts: alert.vectorTime, receivedAt: alert.receiveTime, detector: alert.detector,
            score: alert.anomalyScore, threshold: alert.threshold, severity: alert.severity,
            modelVersion: alert.modelVersion,
            topFeatures: alert.topFeatures.map { Wire.FeatureContribution(index: $0.feature, share: $0.share) })
    }

    /// Answers the `retrain --wait` requests whose runs have all finished (or timed out).
    func answerWaits(now: Double) {
        guard !pendingWaits.isEmpty else { return }
        var still: [PendingWait] = []
        for wait in pendingWaits {
            let done = wait.streams.allSatisfy { (completedRequests[$0] ?? 0) >= wait.requestID || streams[$0] == nil }
            guard done || now >= wait.deadline else {
                still.append(wait)
                continue
            }
            var results: [RetrainResult] = []
            for name in wait.streams {
                for run in (lastRuns[name] ?? [:]).values.sorted(by: { $0.detector < $1.detector }) {
                    results.append(
                        RetrainResult(
                            stream: name, detector: run.detector, outcome: run.outcome == "ok" ? "trained" : run.outcome,
                            reason: run.reason, modelVersion: run.modelVersion, validationLoss: run.validationLoss,
                            finished: run.finished))
                }
            }
            var frames = wait.envelope
            if done {
                frames.append((try? ControlReply.encode(RetrainReply(runs: results))) ?? ControlReply.error("encoding failed"))
            } else {
                frames.append(ControlReply.error("retrain still running after \(Int(Self.maximumWait)) s"))
            }
            sendControl(frames)
        }
        pendingWaits = still
    }

    func status() -> StatusDocument {
        let now = Date().timeIntervalSince1970
        let totals = writer.totals.withLock { $0 }
        var unattributedCounts = unattributed.byName.filter { $0.value > 0 }
        for (key, value) in unattributedExtra { unattributedCounts[key, default: 0] += value }
        var ingest = IngestStatus()
        let documents = streams.keys.sorted().compactMap { name -> StreamDocument? in
            guard let runtime = streams[name] else { return nil }
            runtime.scoredRate.roll(now: now)
            let c = runtime.counters
            let rejected = runtime.rejections.byName.filter { $0.value > 0 }
            let runs = (lastRuns[name] ?? [:]).values.sorted { $0.detector < $1.detector }
            let last = runs.max { $0.finished < $1.finished }
            let received = c.accepted + runtime.rejections.total
            ingest.received += received
            ingest.scored += c.scored
            for (reason, count) in rejected { ingest.rejected[reason, default: 0] += count }
            var document = StreamDocument(
                name: name, dimension: runtime.dimension,
                state: StreamState(rawValue: runtime.phase.rawValue) ?? .warming,
                received: received, scored: c.scored, rejected: rejected, gaps: c.gaps,
                alerts: c.alerts.values.reduce(0, +), bufferSize: runtime.buffer?.count ?? 0,
                models: runtime.models.map {
                    ModelStatus(
                        detector: $0.kind.rawValue, version: $0.version, created: $0.created, trainLoss: $0.trainLoss,
                        validationLoss: $0.validationLoss,
                        threshold: ThresholdStatus(
                            value: $0.threshold, method: $0.thresholdMethod, targetFalsePositiveRate: $0.targetFalsePositiveRate))
                },
                lastTrainingRun: runtime.trainingInFlight
                    ? TrainingRunStatus(outcome: "running")
                    : last.map {
                        TrainingRunStatus(outcome: $0.outcome == "ok" ? "trained" : $0.outcome, reason: $0.reason, finished: $0.finished)
                    },
                accepted: c.accepted, scoredRate: runtime.scoredRate.rate, latency: runtime.latency,
                bufferCapacity: runtime.settings.bufferSize, minimumSamples: runtime.settings.minimumSamples,
                alertsByDetector: c.alerts, episodes: c.episodes, alertsDropped: c.alertsDropped, runs: runs)
            let histogram = runtime.latencyHistogram
            document.latencyP50 = histogram.quantile(0.5)
            document.latencyP99 = histogram.quantile(0.99)
            document.latencyMax = histogram.samples > 0 ? histogram.maximum : nil
            document.latencySamples = histogram.samples
            return document
        }
        for (reason, count) in unattributedCounts {
            ingest.rejected[reason, default: 0] += count
            ingest.received += count
        }
        let settings = configuration.daemon
        return StatusDocument(
            daemon: Wire.DaemonStatus(
                version: AnomalyDaemon.version, uptimeSeconds: now - daemon.startTime, pid: getpid(),
                endpoints: EndpointsStatus(
                    ingest: endpoints?.ingest.filter { !settings.ingestConnects.contains($0) } ?? [],
                    connect: settings.ingestConnects, control: endpoints?.control ?? "",
                    alerts: endpoints?.alertPublish)),
            ingest: ingest, streams: documents, unattributedRejections: unattributedCounts,
            alertsWritten: totals.written, alertsDropped: totals.dropped, training: trainer.running.withLock { $0 })
    }

    private func closeSockets() {
        // Answer waiting clients before the socket goes.
        for wait in pendingWaits {
            sendControl(wait.envelope + [ControlReply.error("aed is stopping")])
        }
        pendingWaits = []
        subscriber?.close()
        control?.close()
        alertPublisher?.close()
        subscriber = nil
        control = nil
        alertPublisher = nil
        context?.shutdown()
        context = nil
    }
}
