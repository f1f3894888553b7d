import struct Foundation.Data

/// A stored model version with its blobs, as saved by `Store.promoteModel(_:threshold:)`.
public struct ModelRecord: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The stream the model scores.
    public var stream: String
    /// The detector kind (`ae`, `vae`, ...).
    public var detector: String
    /// The version, 1, 2, ... per stream and detector.
    public var version: Int
    /// When training finished, seconds since the Unix epoch.
    public var created: Double
    /// Architecture and training configuration, opaque.
    public var configuration: Data
    /// The fitted feature scaler, opaque.
    public var scaler: Data
    /// The weights in the tensor engine's checkpoint format, opaque.
    public var weights: Data
    /// 64-bit FNV-1a of configuration, scaler and weights, 16 hex digits; verified on load.
    public var checksum: String
    /// The random seed training used.
    public var seed: UInt64
    /// Final training loss, if known.
    public var trainLoss: Double?
    /// Final validation loss, if known.
    public var validationLoss: Double?
    /// True for the one model of its stream and detector that scores.
    public var isActive: Bool

    /// Creates a model record (the store creates these).
    public init(
        id: Int64, stream: String, detector: String, version: Int, created: Double,
        configuration: Data, scaler: Data, weights: Data, checksum: String, seed: UInt64,
        trainLoss: Double?, validationLoss: Double?, isActive: Bool
    ) {
        self.id = id
        self.stream = stream
        self.detector = detector
        self.version = version
        self.created = created
        self.configuration = configuration
        self.scaler = scaler
        self.weights = weights
        self.checksum = checksum
        self.seed = seed
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.isActive = isActive
    }
}
