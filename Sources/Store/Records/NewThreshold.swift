/// A calibrated alert threshold to store with a model.
public struct NewThreshold: Sendable, Equatable {
    /// The calibration method, e.g. `quantile` or `pot` (peaks-over-threshold).
    public var method: String
    /// The target false-positive rate on normal data, in (0, 1).
    public var targetFalsePositiveRate: Double
    /// The threshold on the anomaly score: a score above it raises an alert. Finite.
    public var value: Double
    /// Held-out normal samples the threshold was calibrated on.
    public var calibrationSamples: Int
    /// When it was calibrated, seconds since the Unix epoch.
    public var created: Double

    /// Creates a threshold to store.
    public init(
        method: String, targetFalsePositiveRate: Double, value: Double, calibrationSamples: Int,
        created: Double
    ) {
        self.method = method
        self.targetFalsePositiveRate = targetFalsePositiveRate
        self.value = value
        self.calibrationSamples = calibrationSamples
        self.created = created
    }
}
