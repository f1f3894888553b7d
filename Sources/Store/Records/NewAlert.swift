/// An alert to store: a vector whose anomaly score crossed its model's threshold.
public struct NewAlert: Sendable, Equatable {
    /// The stream; it must be registered.
    public var stream: String
    /// The vector's own timestamp (or its receive time when it had none), seconds since epoch.
    public var vectorTime: Double
    /// When aed received the vector, seconds since the Unix epoch; retention and `since` use it.
    public var receiveTime: Double
    /// The detector kind that scored it (`ae`, `vae`, ...).
    public var detector: String
    /// The anomaly score (higher is more anomalous).
    public var anomalyScore: Double
    /// The threshold it crossed.
    public var threshold: Double
    /// How far the score is over its threshold: `NewAlert.severity(anomalyScore:threshold:)`.
    public var severity: Double
    /// The version of the model that scored it.
    public var modelVersion: Int
    /// The features that contributed most, largest share first.
    public var topFeatures: [FeatureContribution]
    /// The episode this alert opened, when later crossings already joined it; nil for an
    /// episode of this one alert (count 1, its own times, score and severity).
    public var episode: AlertEpisode?

    /// Crossings this alert's row stands for: `episode?.count`, else 1.
    public var episodeCount: Int { episode?.count ?? 1 }

    /// Creates an alert; its `severity` is `NewAlert.severity(anomalyScore:threshold:)`.
    public init(
        stream: String, vectorTime: Double, receiveTime: Double, detector: String,
        anomalyScore: Double, threshold: Double, modelVersion: Int,
        topFeatures: [FeatureContribution]
    ) {
        self.stream = stream
        self.vectorTime = vectorTime
        self.receiveTime = receiveTime
        self.detector = detector
        self.anomalyScore = anomalyScore
        self.threshold = threshold
        self.severity = Self.severity(anomalyScore: anomalyScore, threshold: threshold)
        self.modelVersion = modelVersion
        self.topFeatures = topFeatures
        self.episode = nil
    }

    /// The one severity formula: `anomalyScore / threshold`, above 1 for an alert over a positive
    /// threshold. A threshold that is not positive (0, calibrated on a constant stream) gives the
    /// score itself, and a non-finite score the largest finite `Float`, so a severity is always
    /// finite and SQLite never stores `inf`.
    public static func severity(anomalyScore: Double, threshold: Double) -> Double {
        let score = anomalyScore.isFinite ? anomalyScore : Double(Float.greatestFiniteMagnitude)
        guard threshold > 0, threshold.isFinite else { return score }
        let severity = score / threshold
        return severity.isFinite ? severity : Double(Float.greatestFiniteMagnitude)
    }
}
