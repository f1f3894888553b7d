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
