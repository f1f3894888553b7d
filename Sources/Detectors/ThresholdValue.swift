import Foundation

/// How a threshold was calibrated.
public enum ThresholdMethod: String, Sendable, Codable, CaseIterable {
    /// The empirical `(1 - falsePositiveRate)` quantile of held-out normal scores.
    case quantile
    /// Peaks-over-threshold: a generalized Pareto tail fitted above a high empirical quantile
    /// and extrapolated to the target rate (Siffer et al., KDD 2017).
    case peaksOverThreshold = "pot"
}

/// A calibrated alert threshold: a score above `value` raises an alert.
public struct ThresholdValue: Sendable, Codable, Equatable {
    /// The method that produced `value`.
    public var method: ThresholdMethod
    /// The threshold in anomaly-score units; `anomalyScore > value` alerts.
    public var value: Double
    /// The target false-positive rate the threshold was calibrated for, in (0, 1).
    public var targetFalsePositiveRate: Double
    /// The number of held-out normal scores used.
    public var sampleCount: Int
    /// Peaks-over-threshold only: the initial (empirical) threshold `t` above which peaks were taken.
    public var initialThreshold: Double?
    /// Peaks-over-threshold only: the number of peaks (scores above `initialThreshold`).
    public var peakCount: Int?
    /// Peaks-over-threshold only: the fitted generalized Pareto shape `gamma` (0 = exponential tail).
    public var shape: Double?
    /// Peaks-over-threshold only: the fitted generalized Pareto scale `sigma`, in score units.
    public var scale: Double?

    /// Creates a threshold record.
    public init(
        method: ThresholdMethod, value: Double, targetFalsePositiveRate: Double, sampleCount: Int,
        initialThreshold: Double? = nil, peakCount: Int? = nil, shape: Double? = nil, scale: Double? = nil
    ) {
        self.method = method
        self.value = value
        self.targetFalsePositiveRate = targetFalsePositiveRate
        self.sampleCount = sampleCount
        self.initialThreshold = initialThreshold
        self.peakCount = peakCount
        self.shape = shape
        self.scale = scale
    }

    /// Whether `anomalyScore` crosses this threshold (strictly above it).
    public func isAnomalous(_ anomalyScore: Float) -> Bool { Double(anomalyScore) > value }
}
