import Foundation

/// Settings of the daemon process: state, sockets, logging.
public struct DaemonSettings: Sendable, Equatable {
    /// Folder holding `aed.db` and, by default, the control socket.
    public var stateDirectory: String = "./state"
    /// SUB endpoints aed binds (publishers connect to them), e.g. `tcp://*:7600`.
    public var ingestBinds: [String] = []
    /// Publisher endpoints aed connects to (publishers that bind).
    public var ingestConnects: [String] = []
    /// Topic prefixes to subscribe to; empty subscribes to every stream.
    public var topics: [String] = []
    /// The control REP endpoint, or `nil` for `ipc://<state_dir>/control.sock`.
    public var controlEndpoint: String? = nil
    /// The PUB endpoint where alerts are published, or `nil` for none.
    public var alertEndpoint: String? = nil
    /// Where the Prometheus metrics endpoint (`GET /metrics`) listens, or `nil` for no endpoint
    /// (the default). Loopback (`127.0.0.1:9464`) unless an address beyond it is written out.
    public var metricsListen: MetricsListenAddress? = nil
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// Largest accepted message, in bytes; larger frames are dropped by ZeroMQ.
    public var maxMessageSize: Int = 16 << 20
    /// Largest accepted feature count of a stream; a stream whose first vector is wider is
    /// rejected (`dim`), so one message cannot make aed allocate a huge buffer.
    public var maxDimension: Int = 4_096
    /// Most bytes of received messages waiting to be decoded; a message that would exceed it
    /// is dropped and counted (`queue-full`, under its stream when the name is readable), so a
    /// burst cannot grow aed's memory without bound and the ingest loop never blocks.
    public var maxQueueBytes: Int = 256 << 20
    /// Most messages libzmq holds for aed per connected publisher before aed reads them
    /// (`ZMQ_RCVHWM`). Beyond it the publisher's side drops new messages, which aed cannot
    /// count; aed reads continuously into its own `max_queue_bytes` backlog, where drops are
    /// counted, so this queue fills only while the ingest thread is descheduled. Bounds
    /// memory at most `receiveHighWaterMark` × 4 × `maxMessageSize` bytes per publisher.
    public var receiveHighWaterMark: Int = 10_000
    /// Most streams aed tracks; a new stream beyond it is refused (`stream-limit`, logged), so a
    /// publisher inventing names cannot exhaust memory. A name gets a slot only once it has an
    /// accepted vector, so junk names cannot use the slots up.
    public var maxStreams: Int = 1_024
    /// Largest micro-batch scored at once, in vectors.
    public var maxBatch: Int = 1_024
    /// Most threads that compute anomaly scores, the ingest thread included; `nil` (the
    /// default) for the cores the process may use. A micro-batch is split over them only when
    /// each share holds at least 64 vectors, so a light load stays on the ingest thread.
    public var scoringThreads: Int? = nil
    /// How often the retrain buffers are snapshotted to the store while running (so a crash
    /// loses at most this much), in seconds; 0 snapshots only at a clean stop.
    public var snapshotInterval: Double = 300
    /// How often the status line (systemd STATUS= and the log) is refreshed, in seconds.
    public var statusInterval: Double = 10
    /// How far a vector's `ts` may lie ahead of the daemon's clock, seconds. A vector stamped
    /// later is scored and buffered as usual but counted (`future_ts`) and given its receive
    /// time instead, so it cannot move event time (alert times, episodes) forward.
    public var maxClockSkew: Double = 900
    /// CURVE on the tcp ingest and control endpoints (`curve_secret_key_file`,
    /// `ingest_authorized_keys`, `control_authorized_keys`); nil for none.
    public var curve: CurveSettings? = nil
    /// `control_allow_plaintext_tcp`: accept a tcp control endpoint without CURVE (refused
    /// otherwise, by `checkControlTransport()`).
    public var controlAllowPlaintextTCP = false

    /// The built-in defaults.
    public init() {}

    /// The endpoint bound when neither configuration nor flags name an ingest endpoint.
    public static let defaultIngest = "tcp://127.0.0.1:7600"

    /// The SUB endpoints actually bound: the configured ones, or `defaultIngest` when no bind
    /// and no connect is configured.
    public var resolvedIngestBinds: [String] {
        ingestBinds.isEmpty && ingestConnects.isEmpty ? [Self.defaultIngest] : ingestBinds
    }

    /// The scoring threads actually used: `scoringThreads`, or the cores the process may use.
    public var resolvedScoringThreads: Int { scoringThreads ?? ScoringWorkers.availableCores }

    /// The control endpoint actually used: the configured one or `ipc://<state_dir>/control.sock`.
    public var resolvedControlEndpoint: String {
        controlEndpoint ?? "ipc://\(stateDirectory)/control.sock"
    }
}
