/// How far an alert episode grew: consecutive threshold crossings of one stream and detector
/// stored as one `alerts` row (the row's own fields are the episode's first alert).
///
/// The daemon groups crossings into episodes by its `[alerts]` settings; the store keeps what
/// the daemon reports and does not group by itself.
public struct AlertEpisode: Sendable, Equatable {
    /// Threshold crossings in the episode, first alert included, >= 1.
    public var count: Int
    /// The newest crossing's vector timestamp, seconds since the Unix epoch.
    public var lastVectorTime: Double
    /// When aed received the newest crossing, seconds since the Unix epoch; retention keeps the
    /// episode until this is older than the retention age.
    public var lastReceiveTime: Double
    /// The largest anomaly score in the episode (higher is more anomalous).
    public var maxScore: Double
    /// The largest severity (anomalyScore / threshold) in the episode.
    public var maxSeverity: Double

    /// Creates an episode summary.
    public init(count: Int, lastVectorTime: Double, lastReceiveTime: Double, maxScore: Double, maxSeverity: Double) {
        self.count = count
        self.lastVectorTime = lastVectorTime
        self.lastReceiveTime = lastReceiveTime
        self.maxScore = maxScore
        self.maxSeverity = maxSeverity
    }
}
