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

    var context: Context?
    var subscriber: Socket?
    var control: Socket?
    var alertPublisher: Socket?
    var endpoints: AnomalyDaemon.Endpoints?
    /// The `ipc://` control socket file this daemon bound (removed at stop).
    var controlSocketPath: String?
    var decoder = WireDecoder()
    /// Received messages waiting to be decoded, bounded by `max_queue_bytes`.
    var queue = IngestQueue(maximumBytes: 256 << 20)
    let message = MultipartMessage(maximumStoredFrames: 4)
    let controlMessage = MultipartMessage(maximumStoredFrames: 4)
    /// Rejections that could not be attributed to a stream.
    var unattributed = RejectionCounts()
    var unattributedExtra: [String: Int] = [:]
    var lastRejectionLog: [String: Double] = [:]
    var nextRequestID = 1
    /// Retrain requests waiting for a run, by stream.
    var requestedRuns: [String: [Int]] = [:]
    var completedRequests: [String: Int] = [:]
    var lastRuns: [String: [String: TrainingRunSummary]] = [:]
    var lastTick = 0.0
    var lastStatus = 0.0
    var lastWatchdog = 0.0
    /// When the retrain buffers were last handed to the writer (periodic snapshots).
    var lastSnapshot = Date().timeIntervalSince1970
    /// Buffer snapshots handed to the writer so far (tests).
    var snapshotsSubmitted = 0
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
            // libzmq drops the connection of a peer over its limit without telling us; set it
            // above the decoder's so an oversized frame up to 4x the limit arrives and is
            // counted as a `size` rejection, while a larger one still cannot exhaust memory.
            try subscriber.set(.maximumMessageSize(bytes: Int64(settings.maxMessageSize) * 4))
            try subscriber.set(.receiveHighWaterMark(messages: 200_000))
            if settings.topics.isEmpty {
                try subscriber.subscribe("")
            } else {
                for topic in settings.topics { try subscriber.subscribe(topic) }
            }
        }
        decoder.maximumPayloadBytes = settings.maxMessageSize
        queue.maximumBytes = settings.maxQueueBytes
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
            // Binding an ipc endpoint replaces its socket file: never take over a live daemon's.
            if FileManager.default.fileExists(atPath: path) {
                if Self.controlAnswers(controlEndpoint) {
                    closeSockets()
                    throw DaemonError.controlInUse(endpoint: controlEndpoint)
                }
                logger.notice("removing a stale control socket", metadata: ["path": "\(path)"])
                try? FileManager.default.removeItem(atPath: path)
            }
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
        if controlEndpoint.hasPrefix("ipc://") { controlSocketPath = String(controlEndpoint.dropFirst("ipc://".count)) }
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
                ready = try poller.wait(timeoutMilliseconds: queue.isEmpty ? 100 : 0)
            } catch {
                logger.critical("poll failed", metadata: ["error": "\(error)"])
                break
            }
            if (ready > 0 && poller.isReady(0)) || !queue.isEmpty { drainIngest(subscriber) }
            scoreAllPending()
            if ready > 0 && poller.isReady(1) { drainControl(control) }
            tick()
        }
        // Graceful stop: take what already arrived, score it, hand alerts to the writer.
        drainIngest(subscriber, limit: 100_000)
        scoreAllPending()
        closeSockets()
    }

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

    func closeSockets() {
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
        if let path = controlSocketPath {
            try? FileManager.default.removeItem(atPath: path)
            controlSocketPath = nil
        }
    }

    /// Whether something answers a `status` request on `endpoint` within 500 ms.
    static func controlAnswers(_ endpoint: String) -> Bool {
        guard let client = try? ControlClient(endpoint: endpoint, timeoutMilliseconds: 500) else { return false }
        return (try? client.send(.status)) != nil
    }
}
