import Detectors
import Wire
import Foundation

/// The per-stream model and retraining settings; `[defaults]` with `[streams.<name>]` overrides.
public struct StreamSettings: Sendable, Equatable {
    /// The detectors that score this stream, each with its own threshold (default AE and VAE).
    public var detectors: [DetectorKind] = [.autoencoder, .variationalAutoencoder]
    /// The options of the detectors' models: architecture, training, the regularizers (sparsity,
    /// corruption), PCA and the self-supervised detectors' transformations. Their defaults are the
    /// Detectors' own, the ones `aectl eval` uses, so an offline backtest and the daemon train the
    /// same models; the seed is set per training run.
    public var model = DetectorOptions()
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
    /// Alerting vectors whose score is at most this many thresholds (`threshold + (s - 1) x
    /// |threshold|`, so negative thresholds work too) still join the retrain buffer, so periodic
    /// retrains follow slow drift; stronger crossings never do (anomalies are not learned).
    /// 1 keeps every alerting vector out.
    public var retrainAdmitSeverity: Double = 2
    /// What to do about a level shift (a storm of alerts that outlasts the shift window).
    public var shiftPolicy: ShiftPolicy = .adapt
    /// A shift is recognised when alerts stay far above the target for at least this long, in
    /// seconds of vector time, and for at least `shiftVectors` vectors: longer than any
    /// anomaly episode should last. Anomalies shorter than both are never adopted.
    public var shiftWindow: Double = 43_200
    /// The least number of vectors a shift window spans.
    public var shiftVectors: Int = 360
    /// The alert rate (any detector) that counts as "far above the target": the window's
    /// share of alerting vectors must reach it, and each sixth of the window half of it; nil
    /// means `max(0.3, 20 x target_false_positive_rate)`.
    public var shiftAlertRate: Double? = nil

    /// `shiftAlertRate`, or its default for the target false-positive rate.
    public var effectiveShiftAlertRate: Double {
        shiftAlertRate ?? min(0.99, max(0.3, 20 * targetFalsePositiveRate))
    }
    /// The fixed feature count of the stream, or `nil` to take it from the first accepted vector.
    public var dimension: Int? = nil

    /// The built-in defaults.
    public init() {}
}
