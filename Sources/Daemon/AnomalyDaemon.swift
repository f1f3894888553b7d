import Detectors
import Foundation
import Logging
import ServiceLifecycle
import Store
import Tensor
import UnixSignals
import Wire
import ZeroMQ

/// The daemon: store, ingest thread, trainer thread and alert writer, wired together.
///
/// Its parts start in the order of `stages` (store, alert writer, trainer) and then the ingest
/// thread, and stop in reverse: ingest stops taking vectors, scores what arrived, hands the
/// alerts to the writer, snapshots the retrain buffers and closes its sockets; the trainer
/// stops (a run in progress is abandoned after a bound); the writer commits what is queued;
/// the store closes and the state lock is released. Two drivers run that same order:
/// - `run(gracefulShutdownSignals:services:)`, what `aed` uses: a `ServiceGroup` with one
///   `Service` per part, which shuts them down in reverse once `requestStop()` (SIGTERM,
///   SIGINT, ...: `SignalHandling`) ended the ingest loop.
/// - `start()`, `requestStop()` and `waitUntilStopped()`, for running the daemon in-process
///   (tests) without Swift concurrency: threads only.
///
/// Either way `READY=1` goes to systemd once every socket is bound, and `STOPPING=1` when the
/// ingest loop ends.
public final class AnomalyDaemon: @unchecked Sendable {
    /// aed's version string.
    public static let version = "0.1.0"

    /// The endpoints actually bound (ports resolved for `tcp://...:0` or `*`).
    public struct Endpoints: Sendable, Equatable {
        public var ingest: [String]
        public var control: String
        public var alertPublish: String?
    }

    let configuration: Locked<DaemonConfiguration>
    let logger: Logger
    let notifier: SystemdNotifier
    /// Pings systemd's watchdog from its own thread while the ingest loop beats (nil without one).
    let watchdog: WatchdogPinger?
    let stopFlag = Locked(false)
    /// Tests set this to stop like a crash would, without the final buffer snapshot.
    let skipsFinalSnapshot = Locked(false)
    let reloadRequests = Locked<[ReloadRequest]>([])
    /// The reloads applied and refused since start (`aectl status`).
    let reloads = ReloadHistory()
    /// Status documents for the metrics endpoint, built by the ingest thread on demand.
    let statusSnapshots: StatusSnapshots
    /// This daemon's Prometheus metrics (nil without `metrics_listen`).
    let metrics: DaemonMetrics?
    /// The HTTP endpoint serving `metrics` (nil without `metrics_listen`).
    let metricsEndpoint: MetricsEndpoint?
    private let stopped = DispatchSemaphore(value: 0)
    /// The open store (internal for tests: their fault hooks).
    private(set) var store: Store?
    private var trainer: Trainer?
    private var writer: AlertWriter?
    private var restoredStreams = 0
    private var restoredModels = 0
    private(set) var endpoints: Endpoints?
    let startTime = Date().timeIntervalSince1970

    /// A daemon for `configuration` (validated by the caller), logging to `logger`.
    public init(configuration: DaemonConfiguration, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.configuration = Locked(configuration)
        self.logger = logger
        self.notifier = notifier
        self.watchdog = WatchdogPinger(notifier: notifier)
        let snapshots = StatusSnapshots()
        statusSnapshots = snapshots
        if let address = configuration.daemon.metricsListen {
            let metrics = DaemonMetrics()
            self.metrics = metrics
            metricsEndpoint = MetricsEndpoint(address: address, metrics: metrics, snapshots: snapshots, logger: logger)
        } else {
            metrics = nil
            metricsEndpoint = nil
        }
    }

    /// The address the metrics endpoint listens on (`127.0.0.1:PORT`, with the real port when
    /// `metrics_listen` asked for port 0); nil without one or before it listens.
    public var boundMetricsAddress: MetricsListenAddress? {
        guard let endpoint = metricsEndpoint, let port = endpoint.listeningPort.withLock({ $0 }) else { return nil }
        return MetricsListenAddress(host: endpoint.address.host, port: port)
    }

    /// The endpoints bound by `start()`.
    public var boundEndpoints: Endpoints? { endpoints }

    /// Opens the store, restores state, binds sockets and starts the threads (the in-process
    /// driver); returns once every socket is bound.
    /// - Throws: `ConfigurationError` for a tcp control endpoint without CURVE (see
    ///   `DaemonSettings.checkControlTransport()`); `DaemonError` when the state folder, the
    ///   store or a socket cannot be set up; whatever had started is stopped again.
    public func start() throws {
        let ingest = try prepare()
        let stages = stages()
        for stage in stages { stage.start() }
        let bound = launchIngest(ingest) { [self] in
            metricsEndpoint?.stop()
            for stage in stages.reversed() { stage.stop() }
            logger.info("aed stopped")
            stopped.signal()
        }
        switch bound.wait() {
        case .success(let endpoints):
            if let metricsEndpoint {
                do {
                    _ = try metricsEndpoint.start()
                } catch {
                    requestStop()
                    stopped.wait()
                    stopped.signal()
                    throw error
                }
            }
            announceReady(endpoints)
        case .failure(let error):
            stopped.wait()
            stopped.signal()
            throw error
        }
    }

    /// Opens the store, restores state and runs the daemon's parts as a `ServiceGroup` until
    /// `requestStop()` (or one of `gracefulShutdownSignals`, or a failure) stops it; returns
    /// after the graceful shutdown ended.
    ///
    /// - Parameters:
    ///   - gracefulShutdownSignals: signals the group itself traps to begin the graceful
    ///     shutdown. aed passes none: `SignalHandling` calls `requestStop()` instead, from before
    ///     the store opens (do not combine the two: a stop request racing the group's own
    ///     shutdown ends the ingest part out of order, and the group then cancels the rest).
    ///   - services: more services to run beside the daemon's own (aed: SIGHUP reload); they
    ///     start after and stop before the daemon's parts.
    /// - Throws: `DaemonError` when the state folder, the store or a socket cannot be set up or
    ///   the ingest loop ended without a stop request; `ServiceGroupError`.
    public func run(gracefulShutdownSignals: [UnixSignal], services: [any Service] = []) async throws {
        let prepared = await onOwnThread("aed-prepare") { [self] in Result { try prepare() } }
        let ingest = try prepared.get()
        if stopRequested {
            // A stop signal arrived while aed started: nothing runs yet but the open store.
            closeStore()
            logger.info("aed stopped before it was ready")
            return
        }
        var configurations = stages().map { ServiceGroupConfiguration.ServiceConfiguration(service: StageService(stage: $0)) }
        // The ingest loop ends on a stop request (`requestStop()`, a stop signal): its end shuts
        // the group down gracefully, the other parts in reverse start order.
        configurations.append(
            .init(service: IngestService(daemon: self, ingest: ingest), successTerminationBehavior: .gracefullyShutdownGroup))
        // The metrics endpoint starts after and stops before the ingest; a bind failure
        // (`DaemonError.metricsListen`) shuts the group down gracefully and is aed's error.
        if let metricsEndpoint {
            configurations.append(.init(service: metricsEndpoint, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        configurations += services.map { .init(service: $0) }
        var group = ServiceGroupConfiguration(
            services: configurations, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(Self.maximumShutdownSeconds)
        defer { logger.info("aed stopped") }
        try await ServiceGroup(configuration: group).run()
    }

    /// Longest graceful shutdown before the service group cancels what is left, seconds (the
    /// parts' own bounds add up to about 10 s).
    static let maximumShutdownSeconds: Int64 = 30

    /// The parts that run beside the ingest thread, in start order: store, alert writer, trainer.
    func stages() -> [DaemonStage] {
        var stages = [DaemonStage(name: "store", start: {}, stop: { [self] in closeStore() })]
        if let writer {
            stages.append(
                DaemonStage(name: "alert-writer", start: writer.start) { [logger] in
                    if !writer.stop(timeout: 5) { logger.warning("alert writer did not finish within 5 s") }
                })
        }
        if let trainer {
            stages.append(
                DaemonStage(name: "trainer", start: trainer.start) { [logger] in
                    if !trainer.stop(timeout: 3) {
                        logger.notice("a training run was still in progress at shutdown; it is abandoned")
                    }
                })
        }
        return stages
    }

    /// Creates the state folder, takes its lock, opens the store, restores active models,
    /// thresholds and buffers, and builds the trainer, writer and ingest loop (no thread yet).
    /// - Throws: `DaemonError`; nothing stays open or locked then.
    private func prepare() throws -> IngestLoop {
        // One OpenBLAS thread: our shapes (at most [1024, 64] · [64, 38]) are too small to split,
        // and an idle OpenBLAS worker spins in sched_yield (measured: 83 µs of CPU a vector at
        // 10k vectors/s with the default 2 threads, 16 µs with 1; p99 latency 4.0 ms -> 0.4 ms).
        // Scoring and training each call BLAS on their own thread.
        BLAS.setThreadCount(1)
        let extender = StartTimeoutExtender(notifier: notifier)
        extender?.start()
        defer { extender?.stop() }
        let config = configuration.withLock { $0 }
        try config.daemon.checkControlTransport()
        let stateDirectory = config.daemon.stateDirectory
        try DaemonError.createStateDirectory(stateDirectory)
        try lockStateDirectory(stateDirectory)
        let store: Store
        do {
            store = try Store.open(path: (stateDirectory as NSString).appendingPathComponent("aed.db"))
        } catch {
            unlockStateDirectory()
            throw DaemonError.store(reason: "\(error)")
        }
        self.store = store
        extender?.enter("restoring streams, models and retrain buffers")
        let restored: [String: StreamRuntime]
        do {
            restored = try restore(store: store, configuration: config)
        } catch {
            closeStore()
            throw error
        }
        restoredStreams = restored.count
        restoredModels = restored.values.reduce(0) { $0 + $1.models.count }
        let trainer = Trainer(store: store, logger: logger)
        let writer = AlertWriter(
            store: store, logger: logger, retention: config.alerts.retention, capacity: config.alerts.maxPending)
        self.trainer = trainer
        self.writer = writer
        let scheduler = RetrainScheduler(logger: logger) { job in trainer.jobs.put(job) }
        for (name, runtime) in restored {
            scheduler.restore(stream: name, runs: restoredRuns(store: store, stream: name, runtime: runtime))
        }
        let pipeline = StreamPipeline(
            configuration: config, restored: restored, store: store, trainer: trainer, writer: writer,
            scheduler: scheduler, logger: logger, now: Date().timeIntervalSince1970)
        pipeline.metrics = metrics
        // The live page (GET / on the metrics endpoint) charts recent scores and lists recent alerts.
        if metricsEndpoint != nil { pipeline.keepRecent() }
        let environment = IngestEnvironment(
            stopFlag: stopFlag, reloadRequests: reloadRequests, reloads: reloads, sharedConfiguration: configuration,
            notifier: notifier, watchdog: watchdog,
            logger: logger, startTime: startTime, snapshots: statusSnapshots)
        return IngestLoop(environment: environment, pipeline: pipeline)
    }

    /// Starts the ingest thread: it binds every socket (the returned value tells how that
    /// went), runs the loop until a stop request, sends `STOPPING=1`, snapshots the retrain
    /// buffers, and then calls `ended` (also when binding failed).
    func launchIngest(_ ingest: IngestLoop, ended: @escaping @Sendable () -> Void) -> OneShot<Result<Endpoints, Error>> {
        let config = configuration.withLock { $0 }
        let bound = OneShot<Result<Endpoints, Error>>()
        let thread = Thread { [self] in
            do {
                let endpoints = try ingest.bind(configuration: config)
                self.endpoints = endpoints
                bound.set(.success(endpoints))
                ingest.run()
                watchdog?.stop()
                notifier.stopping()
                if !skipsFinalSnapshot.withLock({ $0 }) { ingest.pipeline.snapshotBuffers() }
            } catch {
                bound.set(.failure(error))
            }
            ended()
        }
        thread.name = "aed-ingest"
        thread.stackSize = 8 << 20
        thread.start()
        return bound
    }

    /// Logs what runs and tells systemd `READY=1`.
    func announceReady(_ endpoints: Endpoints) {
        logger.info(
            "aed ready",
            metadata: [
                "version": "\(Self.version)", "ingest": "\(endpoints.ingest.joined(separator: ","))",
                "control": "\(endpoints.control)", "streams": "\(restoredStreams)", "models": "\(restoredModels)",
                "state": "\(configuration.withLock { $0.daemon.stateDirectory })", "blas": "\(Self.blasKernel)",
            ])
        notifier.ready(status: "scoring \(restoredStreams) streams with \(restoredModels) models")
        // systemd arms the watchdog at READY=1; the pings come from a thread of their own.
        watchdog?.start()
    }

    /// Checkpoints the WAL into `aed.db` and truncates it, closes the store and releases the
    /// state folder's lock.
    ///
    /// Runs after the alert writer committed what was queued and the trainer stopped, so
    /// `aed.db` alone then holds every row (`systemctl stop aed && cp aed.db backup` is a
    /// complete backup). Closing the connections alone leaves the `-wal` file, with rows that
    /// `aed.db` lacks, beside it (CleanStopBackupTests fails without this checkpoint).
    private func closeStore() {
        if let store {
            do {
                let remaining = try store.checkpoint()
                if remaining > 0 {
                    logger.warning(
                        "the final checkpoint left WAL frames behind; aed.db alone is not a complete copy",
                        metadata: ["frames": "\(remaining)"])
                }
            } catch {
                logger.warning(
                    "the final checkpoint failed",
                    metadata: ["cause": "\(store.failureCause(of: error)?.rawValue ?? "-")", "error": "\(error)"])
            }
        }
        do { try store?.close() } catch { logger.warning("closing the store failed", metadata: ["error": "\(error)"]) }
        unlockStateDirectory()
    }

    /// The open descriptor holding the `flock` on `<state_dir>/aed.lock` (-1 when not held).
    private var lockDescriptor: Int32 = -1

    /// Takes an exclusive lock on `<state_dir>/aed.lock`, so two daemons never share a state
    /// folder (the second would take over the control socket and interleave writes).
    /// - Throws: `DaemonError.alreadyRunning` when another process holds it.
    private func lockStateDirectory(_ directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("aed.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonError.stateDirectory(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw DaemonError.alreadyRunning(stateDirectory: directory)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        lockDescriptor = descriptor
    }

    private func unlockStateDirectory() {
        guard lockDescriptor >= 0 else { return }
        close(lockDescriptor)
        lockDescriptor = -1
    }

    /// Begins a graceful stop; safe to call from any thread, more than once.
    public func requestStop() {
        stopFlag.withLock { $0 = true }
    }

    /// Whether a stop was requested.
    var stopRequested: Bool { stopFlag.withLock { $0 } }

    /// Queues a configuration reload (SIGHUP), read from its file at `readAt` (seconds since
    /// the Unix epoch); the ingest thread applies all of it but the keys that need a restart.
    public func requestReload(_ newConfiguration: DaemonConfiguration, readAt: Double = Date().timeIntervalSince1970) {
        reloadRequests.withLock { $0.append(ReloadRequest(configuration: newConfiguration, readAt: readAt)) }
    }

    /// Records a reload whose file was read at `time` (seconds since the Unix epoch) and refused
    /// for `reason`: the running configuration stays, and `aectl status` shows the failure
    /// until a configuration read later is applied.
    public func recordReloadFailure(reason: String, time: Double = Date().timeIntervalSince1970) {
        reloads.recordFailure(reason: reason, time: time)
    }

    /// Blocks until a daemon started with `start()` stopped.
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// Active models, thresholds and buffer snapshots from the store.
    private func restore(store: Store, configuration: DaemonConfiguration) throws -> [String: StreamRuntime] {
        var streams: [String: StreamRuntime] = [:]
        let now = Date().timeIntervalSince1970
        do {
            for record in try store.streams() {
                let settings = configuration.settings(forStream: record.name)
                let runtime = StreamRuntime(
                    name: record.name, settings: settings, dimension: record.dimension,
                    alerts: configuration.alerts, maximumDimension: configuration.daemon.maxDimension, now: now,
                    restored: true)
                if let snapshot = try store.bufferSnapshot(stream: record.name), snapshot.dimension == record.dimension {
                    runtime.restoreBuffer(
                        BufferSnapshotWrite.floats(snapshot.values),
                        censored: snapshot.censored.map(BufferSnapshotWrite.counts) ?? [])
                }
                let recentRuns = try store.trainingRuns(stream: record.name, limit: 50)
                for active in try store.activeModels(stream: record.name) {
                    guard let kind = DetectorKind(rawValue: active.model.detector) else { continue }
                    guard let method = ThresholdMethod(rawValue: active.threshold.method) else {
                        logger.error("stored threshold method unknown; the stream retrains",
                            metadata: ["stream": "\(record.name)", "detector": "\(kind.rawValue)", "method": "\(active.threshold.method)"])
                        continue
                    }
                    guard settings.detectors.contains(kind) else {
                        logger.notice("stored model not configured for this stream; not scoring with it",
                            metadata: ["stream": "\(record.name)", "detector": "\(kind.rawValue)"])
                        continue
                    }
                    do {
                        let detector = try DetectorTraining.load(
                            SavedDetector(
                                kind: kind, configuration: active.model.configuration, scaler: active.model.scaler,
                                weights: active.model.weights))
                        runtime.models.append(
                            ScoringModel(
                                kind: kind, detector: detector, threshold: active.threshold.value,
                                thresholdMethod: method,
                                targetFalsePositiveRate: active.threshold.targetFalsePositiveRate,
                                version: active.model.version, modelID: active.model.id, created: active.model.created,
                                trainLoss: active.model.trainLoss, validationLoss: active.model.validationLoss,
                                latentHealth: Trainer.latentHealth(
                                    document: recentRuns.first { $0.run.modelID == active.model.id }?.run.latentHealth)))
                    } catch {
                        logger.error("cannot load stored model; the stream retrains",
                            metadata: ["stream": "\(record.name)", "detector": "\(kind.rawValue)", "error": "\(error)"])
                    }
                }
                // Resume the retrain clock from the last run instead of retraining at once.
                if let last = recentRuns.first {
                    runtime.lastTrainingRequest = last.run.finished
                }
                streams[record.name] = runtime
                logger.info("restored stream",
                    metadata: [
                        "stream": "\(record.name)", "dimension": "\(record.dimension)",
                        "models": "\(runtime.models.map { "\($0.kind.rawValue) v\($0.version)" }.joined(separator: ","))",
                        "buffered": "\(runtime.buffer?.count ?? 0)",
                    ])
            }
        } catch {
            throw DaemonError.store(reason: "restoring state: \(error)")
        }
        return streams
    }

    /// The last training runs of a restored stream, as the scheduler keeps them.
    private func restoredRuns(store: Store, stream: String, runtime: StreamRuntime) -> [TrainingRunSummary] {
        guard let runs = try? store.trainingRuns(stream: stream, limit: 20) else { return [] }
        return runs.reversed().map { record in
            let run = record.run
            var summary = TrainingRunSummary(
                detector: run.detector, outcome: run.outcome, reason: run.reason, started: run.started,
                finished: run.finished, samples: run.samples, epochs: run.epochs, trainLoss: run.trainLoss,
                validationLoss: run.validationLoss, threshold: nil, heldOutFalsePositiveRate: nil,
                modelVersion: runtime.models.first { $0.modelID == run.modelID }?.version, trigger: .restored)
            summary.latentHealth = Trainer.latentHealth(document: run.latentHealth)
            return summary
        }
    }
}
