import Detectors
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// The socket owner: the ingest thread's loop over the SUB, control ROUTER and alert PUB sockets.
///
/// Each turn it waits up to 100 ms for either socket, moves every ready message into a bounded
/// queue, hands the payloads to the stream pipeline (which scores a batch as soon as it reaches
/// `max_batch`), scores what is left, answers control requests and lets the pipeline do its
/// periodic work at the wall clock's time. It also keeps the status line and reloads, and
/// beats for the watchdog thread. Nothing here logs per vector.
final class IngestLoop: @unchecked Sendable {
    let environment: IngestEnvironment
    let pipeline: StreamPipeline
    var logger: Logger { environment.logger }

    var context: Context?
    /// The SUB sockets: one for CURVE tcp endpoints and one for the rest (ipc, inproc, plaintext
    /// tcp), as a socket has one security mechanism for all its endpoints.
    var subscribers: [Socket] = []
    /// CURVE on the tcp sockets: the ZAP handler and the refused handshakes (nil without CURVE).
    var curveGuard: CurveGuard?
    var control: Socket?
    var alertPublisher: Socket?
    var controlServer: ControlServer?
    var endpoints: AnomalyDaemon.Endpoints?
    /// The `ipc://` control socket file this daemon bound (removed at stop).
    var controlSocketPath: String?
    /// Received messages waiting to be decoded, bounded by `max_queue_bytes`.
    var queue = IngestQueue(maximumBytes: 256 << 20)
    let message = MultipartMessage(maximumStoredFrames: 4)
    private var lastTick = 0.0
    private var lastStatus = 0.0

    /// A loop feeding `pipeline`.
    init(environment: IngestEnvironment, pipeline: StreamPipeline) {
        self.environment = environment
        self.pipeline = pipeline
        pipeline.latencyClock = { Date().timeIntervalSince1970 }
    }

    var configuration: DaemonConfiguration { pipeline.configuration }

    /// The status reporter over the pipeline.
    var reporter: StatusReporter {
        StatusReporter(
            pipeline: pipeline, writer: pipeline.writer, trainer: pipeline.trainer, startTime: environment.startTime,
            endpoints: endpoints, reloads: environment.reloads,
            backlog: (queue.count, queue.bytes, queue.maximumBytes), curve: curveGuard?.status)
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
        if let curve = settings.curve {
            // Bound before any CURVE socket exists, stopped after they all closed.
            curveGuard = try attempt(ZAPHandler.endpoint) { try CurveGuard(context: context, settings: curve, logger: logger) }
        }
        pipeline.decoder.maximumPayloadBytes = settings.maxMessageSize
        queue.maximumBytes = settings.maxQueueBytes
        var plainSubscriber: Socket?
        var curveSubscriber: Socket?
        /// The SUB socket for `endpoint`, made on first use.
        func subscriber(for endpoint: String) throws -> Socket {
            let secure = endpoint.hasPrefix("tcp://") && (settings.curve?.ingest ?? false)
            if let existing = secure ? curveSubscriber : plainSubscriber { return existing }
            let socket = try attempt("SUB") { try context.socket(.sub, lingerMilliseconds: 0) }
            subscribers.append(socket)
            try attempt("SUB options") {
                // libzmq drops the connection of a peer over its limit without telling us; set it
                // above the decoder's so an oversized frame up to 4x the limit arrives and is
                // counted as a `size` rejection, while a larger one still cannot exhaust memory.
                try socket.set(.maximumMessageSize(bytes: Int64(settings.maxMessageSize) * 4))
                try socket.set(.receiveHighWaterMark(messages: Int32(settings.receiveHighWaterMark)))
                if settings.topics.isEmpty {
                    try socket.subscribe("")
                } else {
                    for topic in settings.topics { try socket.subscribe(topic) }
                }
                if secure, let curveGuard { try curveGuard.secure(socket, side: .ingest, context: context) }
            }
            if secure { curveSubscriber = socket } else { plainSubscriber = socket }
            return socket
        }
        var ingest: [String] = []
        for endpoint in settings.resolvedIngestBinds {
            let socket = try subscriber(for: endpoint)
            ingest.append(try attempt(endpoint) { try socket.bind(endpoint) })
        }
        for endpoint in settings.ingestConnects {
            let socket = try subscriber(for: endpoint)
            try attempt(endpoint) { try socket.connect(endpoint) }
            ingest.append(endpoint)
        }
        if !(settings.curve?.ingest ?? false), let plain = ingest.first(where: { $0.hasPrefix("tcp://") }) {
            logger.notice(
                "tcp ingest without CURVE: anyone who can reach it can feed streams (see README, Security)",
                metadata: ["endpoint": "\(plain)"])
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
            try control.set(.maximumMessageSize(bytes: Int64(ControlServer.maximumFrameBytes)))
            try control.set(.sendTimeout(milliseconds: 1_000))
            if settings.controlUsesCurve, let curveGuard { try curveGuard.secure(control, side: .control, context: context) }
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
        controlServer = ControlServer(socket: control, pipeline: pipeline, logger: logger) { [unowned self] in
            reporter.status(now: Date().timeIntervalSince1970)
        }
        if let publisher = alertPublisher {
            pipeline.publish = { topic, body in _ = try? publisher.sendMultipart([topic, body], dontWait: true) }
        }
        return endpoints
    }

    /// The loop; returns after a stop request, with pending vectors scored and sockets closed.
    func run() {
        guard !subscribers.isEmpty, let control else { return }
        let poller = Poller()
        let controlIndex = subscribers.count
        let monitorCount = curveGuard?.monitors.count ?? 0
        do {
            for subscriber in subscribers { try poller.register(subscriber) }
            try poller.register(control)
            for monitor in curveGuard?.monitors ?? [] { try poller.register(monitor.socket) }
        } catch {
            logger.critical("cannot poll sockets", metadata: ["error": "\(error)"])
            closeSockets()
            return
        }
        while !environment.stopFlag.withLock({ $0 }) {
            environment.watchdog?.beat()
            let ready: Int
            do {
                ready = try poller.wait(timeoutMilliseconds: queue.isEmpty ? 100 : 0)
            } catch {
                logger.critical("poll failed", metadata: ["error": "\(error)"])
                break
            }
            let anyIngest = ready > 0 && (0..<controlIndex).contains { poller.isReady($0) }
            if anyIngest || !queue.isEmpty { drainIngest(subscribers) }
            let now = Date().timeIntervalSince1970
            pipeline.scoreAllPending(now: now)
            if ready > 0 && poller.isReady(controlIndex) { controlServer?.drain(now: now) }
            if ready > 0, let curveGuard {
                for index in 0..<monitorCount where poller.isReady(controlIndex + 1 + index) {
                    curveGuard.drainMonitor(index, now: now)
                }
            }
            environment.snapshots.publish { recent in reporter.snapshot(now: now, recent: recent) }
            tick()
        }
        // Graceful stop: take what already arrived, score it, hand alerts to the writer.
        drainIngest(subscribers, limit: 100_000)
        pipeline.scoreAllPending(now: Date().timeIntervalSince1970)
        // The last document covers every vector scored; later scrapes get it at once.
        environment.snapshots.publish(force: true) { recent in reporter.snapshot(now: Date().timeIntervalSince1970, recent: recent) }
        environment.snapshots.close()
        closeSockets()
    }

    /// Receives what ZeroMQ has ready into `queue`, then hands up to `limit` vectors from it to
    /// the pipeline, receiving again after every scored micro-batch so libzmq's own queue only
    /// holds what arrives while one batch is scored.
    func drainIngest(_ sockets: [Socket], limit: Int = 50_000) {
        var taken = 0
        let now = Date().timeIntervalSince1970
        for socket in sockets { receiveReady(socket, now: now) }
        while taken < limit, let entry = queue.popFirst() {
            let (added, scored) = entry.payload.withUnsafeBytes { pipeline.ingest(stream: entry.stream, payload: $0, now: now) }
            // Count vectors, not messages, so a turn stays short with many vectors a message and
            // control requests (status) are answered while a backlog drains.
            taken += max(1, added)
            if scored { for socket in sockets { receiveReady(socket, now: now) } }
        }
    }

    /// Moves every message ZeroMQ has ready (at most `limit`) into `queue`; a message that
    /// does not fit under `max_queue_bytes` is dropped and counted as `queue-full`. Never blocks.
    func receiveReady(_ socket: Socket, now: Double, limit: Int = 200_000) {
        var received = 0
        let table = pipeline.table
        while received < limit {
            let got: Bool
            do {
                got = try socket.receiveMultipart(into: message, dontWait: true)
            } catch {
                table.unattributedExtra["receive-error", default: 0] += 1
                break
            }
            guard got else { break }
            received += 1
            let name: String
            do {
                name = try WireDecoder.stream(of: message)
            } catch {
                attributeEnvelopeRejection(error, now: now)
                continue
            }
            let payloadSize = message[1].count
            let limit = pipeline.decoder.maximumPayloadBytes
            if payloadSize > limit {
                // Rejected as `size` without copying it.
                pipeline.reject(
                    stream: name, WireRejection(.size, detail: "payload of \(payloadSize) bytes over the limit of \(limit)"),
                    now: now)
                continue
            }
            guard queue.append(IngestQueue.Entry(stream: name, payload: message[1].bytes)) else {
                table.countDrop(
                    stream: name, reason: "queue-full", detail: "ingest queue over max_queue_bytes \(queue.maximumBytes)", now: now)
                continue
            }
        }
    }

    /// Counts an envelope rejection under its stream when the stream name is readable, else globally.
    func attributeEnvelopeRejection(_ rejection: WireRejection, now: Double) {
        if rejection.reason == .frames, message.frameCount >= 1 {
            let name = message[0].withUnsafeBytes { bytes -> String? in
                StreamName.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
            }
            if let name, let runtime = pipeline.table[name] {
                runtime.rejections.record(rejection)
                return
            }
        }
        pipeline.table.unattributed.record(rejection)
        pipeline.table.logRejection(stream: "-", rejection, now: now)
    }

    /// Periodic work at the wall clock: the pipeline's (promotions, retrain triggers, shift
    /// runs, snapshots), `retrain --wait` replies, reloads and the status line (the watchdog
    /// pings come from `WatchdogPinger`'s thread, which each turn of the loop beats for).
    func tick() {
        let now = Date().timeIntervalSince1970
        pipeline.applyTrainingEvents()
        controlServer?.answerWaits(now: now)
        applyReloads()
        guard now - lastTick >= 0.25 else { return }
        lastTick = now
        pipeline.tick(now: now)
        let notifier = environment.notifier
        if now - lastStatus >= configuration.daemon.statusInterval {
            lastStatus = now
            let line = reporter.line(now: now)
            notifier.status(line)
            logger.info("status", metadata: ["summary": "\(line)"])
        }
    }

    private func applyReloads() {
        let reloads = environment.reloadRequests.withLock { requests -> [ReloadRequest] in
            let taken = requests
            requests.removeAll()
            return taken
        }
        guard let request = reloads.last else { return }
        let notReloaded = pipeline.reload(request.configuration)
        environment.sharedConfiguration.withLock { $0 = pipeline.configuration }
        if let curveGuard, let curve = pipeline.configuration.daemon.curve {
            curveGuard.settings.withLock { $0 = curve }
        }
        environment.reloads.recordApplied(
            readAt: request.readAt, appliedAt: Date().timeIntervalSince1970, notReloaded: notReloaded)
        logger.notice(
            "configuration reloaded",
            metadata: ["not reloaded (restart needed)": "\(notReloaded.isEmpty ? "none" : notReloaded.joined(separator: ", "))"])
        environment.notifier.send("READY=1")
    }

    func closeSockets() {
        // Answer waiting clients before the socket goes.
        controlServer?.close()
        controlServer = nil
        pipeline.publish = nil
        for subscriber in subscribers { subscriber.close() }
        control?.close()
        alertPublisher?.close()
        subscribers = []
        control = nil
        alertPublisher = nil
        // After the CURVE sockets: a handshake never runs without the handler.
        curveGuard?.stop()
        curveGuard = nil
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
