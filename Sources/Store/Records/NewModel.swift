import struct Foundation.Data

/// A trained model to store: the detector's opaque blobs and its training summary.
///
/// The store never interprets the blobs: `configuration` (architecture and training settings,
/// e.g. JSON), `scaler` (the fitted `StandardScaler`) and `weights` (the tensor engine's
/// checkpoint format) come from the detectors and are returned bit-exact.
public struct NewModel: Sendable, Equatable {
    /// The stream the model scores; it must be registered.
    public var stream: String
    /// The detector kind: `ae`, `vae`, `sparse-ae`, `denoising-ae`, `pca`.
    public var detector: String
    /// When training finished, seconds since the Unix epoch.
    public var created: Double
    /// Architecture and training configuration, opaque.
    public var configuration: Data
    /// The fitted feature scaler, opaque.
    public var scaler: Data
    /// The weights in the tensor engine's checkpoint format, opaque.
    public var weights: Data
    /// The random seed training used (stored as its 64-bit pattern).
    public var seed: UInt64
    /// Final training loss (the detector's loss: MSE, negative ELBO in nats, ...), if known.
    public var trainLoss: Double?
    /// Final validation loss, if known.
    public var validationLoss: Double?

    /// Creates a model to store.
    public init(
        stream: String, detector: String, created: Double, configuration: Data, scaler: Data,
        weights: Data, seed: UInt64, trainLoss: Double?, validationLoss: Double?
    ) {
        self.stream = stream
        self.detector = detector
        self.created = created
        self.configuration = configuration
        self.scaler = scaler
        self.weights = weights
        self.seed = seed
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
    }
}
