/// A stored threshold of a model.
public struct ThresholdRecord: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The model it belongs to.
    public var modelID: Int64
    /// The calibration method, e.g. `quantile` or `pot`.
    public var method: String
    /// The target false-positive rate, in (0, 1).
    public var targetFalsePositiveRate: Double
    /// The threshold on the anomaly score.
    public var value: Double
    /// Held-out normal samples it was calibrated on.
    public var calibrationSamples: Int
    /// When it was calibrated, seconds since the Unix epoch.
    public var created: Double

    /// Creates a threshold record (the store creates these).
    public init(
        id: Int64, modelID: Int64, method: String, targetFalsePositiveRate: Double, value: Double,
        calibrationSamples: Int, created: Double
    ) {
        self.id = id
        self.modelID = modelID
        self.method = method
        self.targetFalsePositiveRate = targetFalsePositiveRate
        self.value = value
        self.calibrationSamples = calibrationSamples
        self.created = created
    }
}
