/// One detector's anomaly scores over vector time, with its thresholds and alerts: one chart.
public struct DetectorTrace: Sendable, Codable, Equatable {
    /// The detector's name (`ae`, `vae`, `pca`, ...).
    public var name: String
    /// The vector time of each score, seconds (epoch or from the start; see `ReplayReport`),
    /// in the order scored. Same count as `scores`.
    public var times: [Double]
    /// Each vector's anomaly score (higher is more anomalous); may be zero, negative (a VAE's
    /// negative log-likelihood), NaN or infinite (NaN is skipped and ±∞ drawn at the plot's
    /// edge; to encode those as JSON, set the encoder's `nonConformingFloatEncodingStrategy`).
    public var scores: [Double]
    /// The threshold over time as steps, in time order; empty if no model was ever promoted.
    public var thresholds: [ThresholdStep]
    /// The vector times (seconds) of the vectors that alerted.
    public var alertTimes: [Double]
    /// Per-detector label/value pairs shown under the chart's heading (alerts, precision, ...).
    public var facts: [ReportFact]

    /// Creates a trace.
    /// - Precondition: `times.count == scores.count`.
    public init(
        name: String, times: [Double] = [], scores: [Double] = [], thresholds: [ThresholdStep] = [],
        alertTimes: [Double] = [], facts: [ReportFact] = []
    ) {
        precondition(
            times.count == scores.count,
            "DetectorTrace \(name): \(times.count) times but \(scores.count) scores")
        self.name = name
        self.times = times
        self.scores = scores
        self.thresholds = thresholds
        self.alertTimes = alertTimes
        self.facts = facts
    }
}

/// A threshold in force from `start` until the next step's start (the last one until the end).
///
/// Before the first step no model was active (warming up): no threshold line is drawn there.
public struct ThresholdStep: Sendable, Codable, Equatable {
    /// The vector time (seconds) from which this threshold applies (a model's promotion).
    public var start: Double
    /// The threshold on the anomaly score; a score above it alerts.
    public var value: Double

    /// Creates a threshold step.
    public init(start: Double, value: Double) {
        self.start = start
        self.value = value
    }
}

/// A closed interval of vector time, seconds: `start...end` (`end == start` for one vector).
public struct TimeSpan: Sendable, Codable, Equatable {
    /// The first vector time in the span, seconds.
    public var start: Double
    /// The last vector time in the span, seconds (not before `start`).
    public var end: Double

    /// Creates a span.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}
