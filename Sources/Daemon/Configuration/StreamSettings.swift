import Detectors
import Foundation

/// The per-stream model and retraining settings; `[defaults]` with `[streams.<name>]` overrides.
public struct StreamSettings: Sendable, Equatable {
    /// The detectors that score this stream, each with its own threshold (default AE and VAE).
    public var detectors: [DetectorKind] = [.autoencoder, .variationalAutoencoder]
    /// Widths of the hidden layers of the encoder (the decoder mirrors them).
    public var hiddenDimensions: [Int] = [32]
    /// Width of the bottleneck (the latent dimension for the VAE).
    public var latentDimensions: Int = 8
    /// Maximum training epochs per fit.
    public var epochs: Int = 30
    /// Mini-batch size for training, in vectors.
    public var batchSize: Int = 128
    /// Adam learning rate.
    public var learningRate: Double = 0.001
    /// Capacity of the retrain ring buffer, in vectors.
    public var bufferSize: Int = 50_000
    /// Vectors that must be buffered before the first model is trained (`warming` until then).
    public var minimumSamples: Int = 2_000
    /// Retrain after this many seconds since the last run (0 disables the timer).
    public var retrainInterval: Double = 3_600
    /// Retrain after this many newly accepted vectors (0 disables the count trigger).
    public var retrainSamples: Int = 0
    /// How thresholds are calibrated.
    public var thresholdMethod: ThresholdMethod = .quantile
    /// The target false-positive rate per vector on held-out normal data, in (0, 0.5).
    public var targetFalsePositiveRate: Double = 0.01
    /// Fraction of the buffer held out (never trained on) to calibrate thresholds, in (0, 0.9).
    public var holdoutFraction: Double = 0.25
    /// The fixed feature count of the stream, or `nil` to take it from the first accepted vector.
    public var dimension: Int? = nil

    /// The built-in defaults.
    public init() {}
}

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
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// Largest accepted message, in bytes; larger frames are dropped by ZeroMQ.
    public var maxMessageSize: Int = 16 << 20
    /// Largest accepted feature count of a stream; a stream whose first vector is wider is
    /// rejected (`dim`), so one message cannot make aed allocate a huge buffer.
    public var maxDimension: Int = 4_096
    /// Largest micro-batch scored at once, in vectors.
    public var maxBatch: Int = 1_024
    /// How often the status line (systemd STATUS= and the log) is refreshed, in seconds.
    public var statusInterval: Double = 10

    /// The built-in defaults.
    public init() {}

    /// The endpoint bound when neither configuration nor flags name an ingest endpoint.
    public static let defaultIngest = "tcp://127.0.0.1:7600"

    /// The SUB endpoints actually bound: the configured ones, or `defaultIngest` when no bind
    /// and no connect is configured.
    public var resolvedIngestBinds: [String] {
        ingestBinds.isEmpty && ingestConnects.isEmpty ? [Self.defaultIngest] : ingestBinds
    }

    /// The control endpoint actually used: the configured one or `ipc://<state_dir>/control.sock`.
    public var resolvedControlEndpoint: String {
        controlEndpoint ?? "ipc://\(stateDirectory)/control.sock"
    }
}

/// How alerts are grouped and kept.
public struct AlertSettings: Sendable, Equatable {
    /// Group consecutive alerts of a stream and detector into one episode row with a count.
    public var episodes: Bool = true
    /// An episode ends after this many seconds without an alert, in seconds.
    public var episodeGap: Double = 60
    /// An episode also ends after this many consecutive scored vectors without an alert
    /// (0 = only the time gap ends it).
    public var episodeQuietVectors: Int = 10
    /// Alerts older than this are deleted, in seconds (0 keeps them forever).
    public var retention: Double = 30 * 86_400
    /// Number of top contributing features recorded with each alert.
    public var topFeatures: Int = 3

    /// The built-in defaults.
    public init() {}
}
