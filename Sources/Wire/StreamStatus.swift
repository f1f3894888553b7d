/// One stream's status, as the daemon reports it and `aectl status` shows it.
///
/// The keys after `lastTrainingRun` came later: they are optional so that an older daemon's
/// reply still decodes (nil: not reported). The daemon fills every one of them.
/// Times are seconds since the Unix epoch; rates are vectors per second.
public struct StreamStatus: Codable, Sendable, Equatable {
    /// Stream name.
    public var name: String
    /// Features per vector, nil until the first accepted vector fixes it.
    public var dimension: Int?
    /// Life-cycle state: `warming`, `scoring` or `training`.
    public var state: StreamState
    /// Vectors received: accepted plus rejected.
    public var received: Int
    /// Vectors scored by the active models.
    public var scored: Int
    /// Rejected vectors (or messages) by reason: `frames`, `malformed`, `size`, `dim`, `nonfinite`, ...
    public var rejected: [String: Int]
    /// Vectors missing according to publisher sequence numbers.
    public var gaps: Int
    /// Alerts raised (every threshold crossing, all detectors).
    public var alerts: Int
    /// Vectors in the retrain buffer.
    public var bufferSize: Int
    /// The active model of each detector, with its threshold.
    public var models: [ModelStatus]
    /// The most recent training run of the stream (`running` while one is in flight), if any.
    public var lastTrainingRun: TrainingRunStatus?
    /// Vectors accepted (received minus rejected).
    public var accepted: Int?
    /// Smoothed scoring rate, vectors per second.
    public var scoredRate: Double?
    /// Smoothed delay from the vector's `ts` to scoring, seconds (0 without `ts`).
    public var latency: Double?
    /// The median delay from the vector's `ts` to the end of its scoring over a recent window of
    /// wall time, the last 5 to 10 minutes (two 5-minute histograms; the older is dropped every 5
    /// minutes, so a burst stops showing at most 10 minutes after it ended), seconds, to within
    /// about 4.4%; nil without any vector with a `ts` in the window.
    public var latencyP50: Double?
    /// The 99th percentile of the same delay over the same window, seconds.
    public var latencyP99: Double?
    /// The largest delay over the same window, seconds.
    public var latencyMax: Double?
    /// Vectors with a `ts` scored in that window.
    public var latencySamples: Int?
    /// Retrain buffer capacity, in vectors.
    public var bufferCapacity: Int?
    /// Vectors needed before the first model.
    public var minimumSamples: Int?
    /// Threshold crossings by detector.
    public var alertsByDetector: [String: Int]?
    /// Alert episodes started, by detector.
    public var episodes: [String: Int]?
    /// Alerts that could not be queued for the store.
    public var alertsDropped: Int?
    /// The last training run of each detector.
    public var runs: [TrainingRunSummary]?
    /// Training runs ended since aed started, by detector and outcome (`ok`, `failed`, `skipped`).
    public var trainingRuns: [String: [String: Int]]?
    /// Share of recently scored vectors that alerted (any detector), over the last shift window
    /// (`shift_window`, `shift_vectors`), nil before any vector was scored; compare it with
    /// `targetFalsePositiveRate` (per detector).
    public var recentAlertRate: Double?
    /// Vectors that `recentAlertRate` covers.
    public var recentAlertVectors: Int?
    /// Vector time that `recentAlertRate` covers, seconds.
    public var recentAlertSeconds: Double?
    /// The stream's target false-positive rate per vector and detector.
    public var targetFalsePositiveRate: Double?
    /// Level shifts recognised since aed started.
    public var shifts: Int?
    /// The last level shift (open while not adopted).
    public var lastShift: LevelShift?
    /// Vectors stamped more than `max_clock_skew` ahead of the clock (scored at receive time).
    public var futureTimestamps: Int?
    /// Vectors whose `seq` repeated or went back.
    public var duplicates: Int?
    /// Publisher restarts seen in `seq`.
    public var sequenceRestarts: Int?

    /// Creates a stream's status; the later keys (see the type) are set afterwards.
    public init(name: String, dimension: Int? = nil, state: StreamState, received: Int = 0, scored: Int = 0,
                rejected: [String: Int] = [:], gaps: Int = 0, alerts: Int = 0, bufferSize: Int = 0,
                models: [ModelStatus] = [], lastTrainingRun: TrainingRunStatus? = nil) {
        self.name = name
        self.dimension = dimension
        self.state = state
        self.received = received
        self.scored = scored
        self.rejected = rejected
        self.gaps = gaps
        self.alerts = alerts
        self.bufferSize = bufferSize
        self.models = models
        self.lastTrainingRun = lastTrainingRun
    }
}
