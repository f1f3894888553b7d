/// One alert episode: consecutive alerts of one detector grouped together, a row of the table.
public struct EpisodeRow: Sendable, Codable, Equatable {
    /// The detector that alerted.
    public var detector: String
    /// The vector time (seconds) of the episode's first alert.
    public var start: Double
    /// The vector time (seconds) of its last alert (equal to `start` for an episode of one).
    public var end: Double
    /// The number of alerting vectors in it, >= 1.
    public var vectors: Int
    /// Its largest anomaly score.
    public var peakScore: Double
    /// Its largest severity, `score / threshold` (> 1 for an alert).
    public var peakSeverity: Double
    /// The features contributing most to its peak score, largest share first.
    public var topFeatures: [FeatureShare]

    /// Creates an episode row.
    public init(
        detector: String, start: Double, end: Double, vectors: Int, peakScore: Double,
        peakSeverity: Double, topFeatures: [FeatureShare] = []
    ) {
        self.detector = detector
        self.start = start
        self.end = end
        self.vectors = vectors
        self.peakScore = peakScore
        self.peakSeverity = peakSeverity
        self.topFeatures = topFeatures
    }
}

/// One feature's share of an anomaly score.
public struct FeatureShare: Sendable, Codable, Equatable {
    /// The feature's name (its CSV column, or `f12` for index 12).
    public var name: String
    /// Its share of the score, in [0, 1] (e.g. its squared error over the total).
    public var share: Double

    /// Creates a feature's share.
    public init(name: String, share: Double) {
        self.name = name
        self.share = share
    }
}
