/// An alert: a vector whose anomaly score crossed its model's threshold, from scoring through
/// the store to the wire (the alert PUB socket and the `alerts` reply, `Alert+Codable.swift`).
///
/// The store adds its row id (`Store.AlertRecord`); with `[alerts] episodes` on, the row of an
/// episode's first alert grows with the episode (`episode`).
public struct Alert: Sendable, Equatable {
    /// The stream; the store needs it registered.
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
    /// How far the score is over its threshold: `Alert.severity(anomalyScore:threshold:)`.
    public var severity: Double
    /// The version of the model that scored it.
    public var modelVersion: Int
    /// The features that contributed most, largest share first.
    public var topFeatures: [FeatureContribution]
    /// The episode this alert opened, when later crossings already joined it; nil for an
    /// episode of this one alert (count 1, its own times, score and severity), and on the wire
    /// for an alert from an aed before episodes were stored.
    public var episode: AlertEpisode?

    /// Crossings this alert's row stands for: `episode?.count`, else 1.
    public var episodeCount: Int { episode?.count ?? 1 }

    /// The episode this alert's row stands for: `episode`, or an episode of this one alert
    /// (count 1, its own times, score and severity).
    public var episodeOrSingle: AlertEpisode {
        episode
            ?? AlertEpisode(
                count: 1, lastVectorTime: vectorTime, lastReceiveTime: receiveTime, maxScore: anomalyScore,
                maxSeverity: severity)
    }

    /// This alert with its episode written out (`episodeOrSingle`), as aed publishes it and
    /// answers `alerts`: every alert it sends names its episode, an episode of one included.
    public var withEpisode: Alert {
        var alert = self
        alert.episode = episodeOrSingle
        return alert
    }

    /// Creates an alert; its `severity` is `Alert.severity(anomalyScore:threshold:)`.
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
