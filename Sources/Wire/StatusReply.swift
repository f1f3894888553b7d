import Detectors
/// The reply to `{"cmd": "status"}`: the daemon, ingest counters and every stream; the one type
/// the daemon builds and encodes and `aectl` decodes.
///
/// Every part the daemon added after the first release is optional, so `aectl` still reads an
/// older daemon's reply (a missing key is nil), and older clients keep reading newer replies
/// (unknown keys are ignored). The daemon fills every key it knows.
public struct StatusReply: Codable, Sendable, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// Process facts.
    public var daemon: DaemonStatus
    /// Counters over all streams.
    public var ingest: IngestStatus
    /// One entry per known stream, by name.
    public var streams: [StreamStatus]
    /// Messages rejected before a stream could be named, by reason; nil from older daemons.
    public var unattributedRejections: [String: Int]?
    /// Alerts committed to SQLite; nil from older daemons.
    public var alertsWritten: Int?
    /// Alerts lost: store errors or a full writer queue; nil from older daemons.
    public var alertsDropped: Int?
    /// The stream being trained now, if any.
    public var training: String?

    /// Creates a status reply.
    public init(
        daemon: DaemonStatus, ingest: IngestStatus, streams: [StreamStatus], unattributedRejections: [String: Int]? = nil,
        alertsWritten: Int? = nil, alertsDropped: Int? = nil, training: String? = nil
    ) {
        self.ok = true
        self.daemon = daemon
        self.ingest = ingest
        self.streams = streams
        self.unattributedRejections = unattributedRejections
        self.alertsWritten = alertsWritten
        self.alertsDropped = alertsDropped
        self.training = training
    }
}

/// The daemon process: version, uptime, pid, endpoints, BLAS kernel, scoring threads.
public struct DaemonStatus: Codable, Sendable, Equatable {
    /// `aed --version` text.
    public var version: String
    /// Seconds since start.
    public var uptimeSeconds: Double
    /// Process id.
    public var pid: Int32
    /// Where it listens and connects.
    public var endpoints: EndpointsStatus
    /// The BLAS library, the kernel it computes with, the CPU and why that kernel, e.g.
    /// `OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor (switched from Prescott to
    /// SkylakeX because the CPU has AVX-512 (F, BW, DQ, VL))`; nil from older daemons.
    public var blasKernel: String?
    /// The threads that compute anomaly scores, the ingest thread included
    /// (`daemon.scoring_threads`); nil from older daemons.
    public var scoringThreads: Int?
    /// The database's health: WAL size, last checkpoint, last write error; nil from older
    /// daemons.
    public var storage: StorageStatus?
    /// The configuration reloads (SIGHUP) since start: the last one applied and a failure after
    /// it; nil before the first reload and from older daemons.
    public var reload: ReloadStatus?
    /// CURVE on the tcp endpoints and the handshakes refused; nil without CURVE and from older
    /// daemons.
    public var curve: CurveStatus?

    /// Creates the daemon part.
    public init(
        version: String, uptimeSeconds: Double, pid: Int32, endpoints: EndpointsStatus, blasKernel: String? = nil,
        scoringThreads: Int? = nil, storage: StorageStatus? = nil, reload: ReloadStatus? = nil, curve: CurveStatus? = nil
    ) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.pid = pid
        self.endpoints = endpoints
        self.blasKernel = blasKernel
        self.scoringThreads = scoringThreads
        self.storage = storage
        self.reload = reload
        self.curve = curve
    }
}

/// CURVE (ZeroMQ RFC 26) on the daemon's tcp endpoints, and the handshakes it refused.
///
/// A refused handshake delivers nothing; its reason is one of `unauthorized-key` (the client's
/// public key is not in the authorized keys), `wrong-server-key` (the client's messages did
/// not decrypt: it uses another server key, or the handshake was corrupted),
/// `mechanism-mismatch` (the client does not use CURVE, e.g. a plaintext publisher), `protocol`
/// (another handshake protocol error) and `handshake-error` (a system error during it).
public struct CurveStatus: Codable, Sendable, Equatable {
    /// The server's public key, Z85: what clients set as their server key.
    public var serverKey: String
    /// Whether the tcp ingest endpoints use CURVE.
    public var ingest: Bool
    /// Whether the tcp control endpoint uses CURVE.
    public var control: Bool
    /// How many publisher keys are authorized.
    public var ingestKeys: Int
    /// How many `aectl` keys are authorized.
    public var controlKeys: Int
    /// Refused handshakes on the ingest endpoints, by reason.
    public var ingestRefused: [String: Int]
    /// Refused handshakes on the control endpoint, by reason.
    public var controlRefused: [String: Int]
    /// The last refused handshake, nil before the first.
    public var lastRefused: RefusedHandshakeStatus?

    /// Creates the CURVE part.
    public init(
        serverKey: String, ingest: Bool, control: Bool, ingestKeys: Int = 0, controlKeys: Int = 0,
        ingestRefused: [String: Int] = [:], controlRefused: [String: Int] = [:], lastRefused: RefusedHandshakeStatus? = nil
    ) {
        self.serverKey = serverKey
        self.ingest = ingest
        self.control = control
        self.ingestKeys = ingestKeys
        self.controlKeys = controlKeys
        self.ingestRefused = ingestRefused
        self.controlRefused = controlRefused
        self.lastRefused = lastRefused
    }

    /// All refused handshakes, both sides.
    public var refusedTotal: Int { ingestRefused.values.reduce(0, +) + controlRefused.values.reduce(0, +) }
}

/// One refused handshake: where, why and when (and, for an unauthorized key, which key from where).
public struct RefusedHandshakeStatus: Codable, Sendable, Equatable {
    /// `ingest` or `control`.
    public var side: String
    /// The reason (see `CurveStatus`).
    public var reason: String
    /// The endpoint it arrived on.
    public var endpoint: String
    /// When, seconds since the Unix epoch.
    public var time: Double
    /// For `unauthorized-key`: the client's public key, Z85 (nil otherwise, and from older daemons).
    public var clientKey: String?
    /// For `unauthorized-key`: the client's address.
    public var clientAddress: String?
    /// libzmq's detail: the ZAP status code, the `ZMQ_PROTOCOL_ERROR_*` code or the `errno`,
    /// e.g. `errno 104 (Connection reset by peer)`.
    public var detail: String?

    /// Creates a refused handshake.
    public init(
        side: String, reason: String, endpoint: String, time: Double, clientKey: String? = nil, clientAddress: String? = nil,
        detail: String? = nil
    ) {
        self.detail = detail
        self.side = side
        self.reason = reason
        self.endpoint = endpoint
        self.time = time
        self.clientKey = clientKey
        self.clientAddress = clientAddress
    }
}

/// The configuration reloads (SIGHUP) since the daemon started.
///
/// A reload either applies the whole new file (but for the keys that need a restart) or none of
/// it: a file that does not read or validate leaves the running configuration as it was.
public struct ReloadStatus: Codable, Sendable, Equatable {
    /// When the last reload was applied, seconds since the Unix epoch (nil when none was).
    public var lastApplied: Double?
    /// Keys of the last applied reload that kept their running values (they need a restart).
    public var notReloaded: [String]?
    /// The last reload that failed, when it was read after the last applied one (a later
    /// reload that applies clears it).
    public var lastFailure: ReloadFailureStatus?

    /// Creates the reload part.
    public init(lastApplied: Double? = nil, notReloaded: [String]? = nil, lastFailure: ReloadFailureStatus? = nil) {
        self.lastApplied = lastApplied
        self.notReloaded = notReloaded
        self.lastFailure = lastFailure
    }
}

/// A reload that left the running configuration in place: why and when.
public struct ReloadFailureStatus: Codable, Sendable, Equatable {
    /// Why the file was refused, naming the key or line, e.g. `configuration key
    /// 'defaults.target_false_positive_rate' has invalid value 2.0: ...`.
    public var reason: String
    /// When the file was read, seconds since the Unix epoch.
    public var time: Double

    /// Creates a reload failure.
    public init(reason: String, time: Double) {
        self.reason = reason
        self.time = time
    }
}

/// The health of the daemon's SQLite database (`<state_dir>/aed.db`).
public struct StorageStatus: Codable, Sendable, Equatable {
    /// Bytes in the write-ahead log `aed.db-wal` (0 right after a checkpoint truncated it).
    public var walBytes: Int
    /// When aed last copied the whole WAL into `aed.db`, seconds since the Unix epoch (nil
    /// before the first checkpoint: aed checkpoints when it prunes, hourly, and at a clean stop).
    public var lastCheckpoint: Double?
    /// The last write SQLite refused (disk full, read-only file system, I/O error), nil when
    /// none failed since aed started.
    public var lastWriteError: StorageErrorStatus?
    /// True while writes fail (the last one failed and none succeeded since); nil from older
    /// daemons.
    public var writesFailing: Bool?
    /// Alerts waiting in memory for the database to take them again (`[alerts] max_pending`
    /// at most); nil from older daemons.
    public var pendingAlerts: Int?
    /// Alerts the database never took: dropped from a full pending queue (the oldest first), or
    /// still pending when aed stopped; nil from older daemons. They are also counted in the
    /// status reply's `alertsDropped`.
    public var droppedAlerts: Int?

    /// Creates the storage part.
    public init(
        walBytes: Int, lastCheckpoint: Double? = nil, lastWriteError: StorageErrorStatus? = nil,
        writesFailing: Bool? = nil, pendingAlerts: Int? = nil, droppedAlerts: Int? = nil
    ) {
        self.walBytes = walBytes
        self.lastCheckpoint = lastCheckpoint
        self.lastWriteError = lastWriteError
        self.writesFailing = writesFailing
        self.pendingAlerts = pendingAlerts
        self.droppedAlerts = droppedAlerts
    }
}

/// A failed database write: what SQLite said and when.
public struct StorageErrorStatus: Codable, Sendable, Equatable {
    /// SQLite's message and result code, e.g. `database or disk is full (SQLite error 13)`.
    public var message: String
    /// When it failed, seconds since the Unix epoch.
    public var time: Double
    /// Why, in plain words: `disk full`, `disk quota exceeded`, `file size limit reached`,
    /// `read-only filesystem`, `database is read-only`, `I/O error`, `cannot open a database
    /// file`, `database locked`, `database corrupt`, `out of memory` or `SQLite error`; nil from
    /// older daemons.
    public var cause: String?

    /// Creates a write error.
    public init(message: String, time: Double, cause: String? = nil) {
        self.message = message
        self.time = time
        self.cause = cause
    }
}

/// The daemon's endpoints, as bound (real ports) or connected.
public struct EndpointsStatus: Codable, Sendable, Equatable {
    /// SUB endpoints bound for publishers (`--ingest`).
    public var ingest: [String]
    /// Publisher endpoints dialed (`--connect`).
    public var connect: [String]
    /// The control REP endpoint.
    public var control: String
    /// The alert PUB endpoint, if any.
    public var alerts: String?

    /// Creates the endpoints part.
    public init(ingest: [String] = [], connect: [String] = [], control: String, alerts: String? = nil) {
        self.ingest = ingest
        self.connect = connect
        self.control = control
        self.alerts = alerts
    }
}

/// Ingest counters in vectors (a whole-message rejection of unknown size counts 1).
public struct IngestStatus: Codable, Sendable, Equatable {
    /// Vectors received (accepted and rejected).
    public var received: Int
    /// Vectors scored.
    public var scored: Int
    /// Rejections by reason name (`"dim"`, `"nonfinite"`, ...; see `RejectionReason`).
    public var rejected: [String: Int]
    /// The backlog: received messages waiting to be decoded and scored (nil from a daemon
    /// that does not report it, and in a replay).
    public var queuedMessages: Int?
    /// The backlog's size in bytes (payloads and stream names), at most `maxQueueBytes`.
    public var queuedBytes: Int?
    /// `max_queue_bytes`: a message that does not fit beside the backlog is dropped and counted
    /// as `queue-full`.
    public var maxQueueBytes: Int?

    /// Creates the counters.
    public init(
        received: Int = 0, scored: Int = 0, rejected: [String: Int] = [:], queuedMessages: Int? = nil,
        queuedBytes: Int? = nil, maxQueueBytes: Int? = nil
    ) {
        self.received = received
        self.scored = scored
        self.rejected = rejected
        self.queuedMessages = queuedMessages
        self.queuedBytes = queuedBytes
        self.maxQueueBytes = maxQueueBytes
    }
}

/// Where a stream is in its life.
public enum StreamState: String, Codable, Sendable, CaseIterable {
    /// Collecting samples for its first model.
    case warming
    /// Scoring with an active model.
    case scoring
    /// Scoring (if it has a model) while a retrain runs.
    case training
}

/// An active model of one detector.
public struct ModelStatus: Codable, Sendable, Equatable {
    /// Detector name (`ae`, `vae`, ...).
    public var detector: String
    /// Model version, increasing per stream and detector.
    public var version: Int
    /// Creation time, seconds since the Unix epoch.
    public var created: Double
    /// Final training loss (the detector's objective, e.g. MSE or negative ELBO in nats).
    public var trainLoss: Double?
    /// Validation loss on held-out normal data.
    public var validationLoss: Double?
    /// The calibrated threshold.
    public var threshold: ThresholdStatus?
    /// A VAE's use of its latent space after the fit that made this model (KL per latent
    /// dimension, active units, posterior collapse); nil for other detectors and for models
    /// trained before aed recorded it.
    public var latentHealth: LatentHealth?

    /// Creates a model status.
    public init(detector: String, version: Int, created: Double, trainLoss: Double? = nil,
                validationLoss: Double? = nil, threshold: ThresholdStatus? = nil, latentHealth: LatentHealth? = nil) {
        self.detector = detector
        self.version = version
        self.created = created
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.threshold = threshold
        self.latentHealth = latentHealth
    }
}

/// A calibrated threshold on the anomaly score (higher score = more anomalous).
public struct ThresholdStatus: Codable, Sendable, Equatable {
    /// The threshold value, in the detector's score units.
    public var value: Double
    /// Calibration method (`quantile`, `pot`).
    public var method: String
    /// The target false-positive rate it was calibrated for.
    public var targetFalsePositiveRate: Double

    /// Creates a threshold status.
    public init(value: Double, method: String, targetFalsePositiveRate: Double) {
        self.value = value
        self.method = method
        self.targetFalsePositiveRate = targetFalsePositiveRate
    }
}

/// The outcome of a training run.
public struct TrainingRunStatus: Codable, Sendable, Equatable {
    /// `trained`, `skipped`, `failed`, `running`.
    public var outcome: String
    /// Why it was skipped or failed.
    public var reason: String?
    /// End time, seconds since the Unix epoch (nil while running).
    public var finished: Double?

    /// Creates a training run status.
    public init(outcome: String, reason: String? = nil, finished: Double? = nil) {
        self.outcome = outcome
        self.reason = reason
        self.finished = finished
    }
}
