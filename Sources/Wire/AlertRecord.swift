/// One alert, as published on `alerts.<stream>`, stored, and returned by `{"cmd": "alerts"}`.
public struct AlertRecord: Codable, Sendable, Equatable {
    /// Stream name.
    public var stream: String
    /// The vector's timestamp, seconds since the Unix epoch (receive time if none was sent).
    public var ts: Double
    /// When aed received the vector, seconds since the Unix epoch.
    public var receivedAt: Double
    /// Detector name (`ae`, `vae`, ...).
    public var detector: String
    /// The anomaly score (higher = more anomalous).
    public var score: Double
    /// The threshold it crossed.
    public var threshold: Double
    /// `score / threshold` (> 1 for an alert).
    public var severity: Double
    /// The version of the model that scored it.
    public var modelVersion: Int
    /// The features contributing most to the score, largest share first.
    public var topFeatures: [FeatureContribution]
    /// Threshold crossings of this stream and detector grouped into this alert's episode, >= 1
    /// (this alert is the first; nil from an aed before episodes were stored).
    public var episodeCount: Int?
    /// The episode's newest crossing: its vector timestamp and receive time, seconds since the
    /// Unix epoch (equal to `ts` and `receivedAt` for an episode of one).
    public var lastTs: Double?
    public var lastReceivedAt: Double?
    /// The episode's largest anomaly score and largest severity.
    public var maxScore: Double?
    public var maxSeverity: Double?

    /// Creates an alert record; the episode fields default to nil (unknown).
    public init(stream: String, ts: Double, receivedAt: Double, detector: String, score: Double,
                threshold: Double, severity: Double, modelVersion: Int, topFeatures: [FeatureContribution],
                episodeCount: Int? = nil, lastTs: Double? = nil, lastReceivedAt: Double? = nil,
                maxScore: Double? = nil, maxSeverity: Double? = nil) {
        self.stream = stream
        self.ts = ts
        self.receivedAt = receivedAt
        self.detector = detector
        self.score = score
        self.threshold = threshold
        self.severity = severity
        self.modelVersion = modelVersion
        self.topFeatures = topFeatures
        self.episodeCount = episodeCount
        self.lastTs = lastTs
        self.lastReceivedAt = lastReceivedAt
        self.maxScore = maxScore
        self.maxSeverity = maxSeverity
    }
}

/// One feature's share of an anomaly score.
public struct FeatureContribution: Codable, Sendable, Equatable {
    /// Feature index, 0-based.
    public var index: Int
    /// Its share of the score, in [0, 1].
    public var share: Double

    /// Creates a contribution.
    public init(index: Int, share: Double) {
        self.index = index
        self.share = share
    }
}

/// The reply to `{"cmd": "alerts"}`.
public struct AlertsReply: Codable, Sendable, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// Alerts, newest first.
    public var alerts: [AlertRecord]
    /// Level shifts recorded in the same range (stream, `since`), newest first; absent from
    /// daemons older than the `shifts` table.
    public var shifts: [LevelShift]?

    /// Creates an alerts reply.
    public init(alerts: [AlertRecord], shifts: [LevelShift]? = nil) {
        self.ok = true
        self.alerts = alerts
        self.shifts = shifts
    }
}

/// The reply to `{"cmd": "retrain"}`: what started, or with `wait` how each run ended.
public struct RetrainReply: Codable, Sendable, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// One entry per stream and detector.
    public var runs: [RetrainResult]

    /// Creates a retrain reply.
    public init(runs: [RetrainResult]) {
        self.ok = true
        self.runs = runs
    }
}

/// One retrain's result.
public struct RetrainResult: Codable, Sendable, Equatable {
    /// Stream name.
    public var stream: String
    /// Detector name, nil when the run covers all detectors of the stream.
    public var detector: String?
    /// `started`, `coalesced` (joined a run already queued or running), `trained`, `skipped`, `failed`.
    public var outcome: String
    /// Why it was skipped or failed, or which run it was coalesced with.
    public var reason: String?
    /// The new model's version when trained.
    public var modelVersion: Int?
    /// The new model's validation loss when trained.
    public var validationLoss: Double?
    /// End time, seconds since the Unix epoch.
    public var finished: Double?
    /// True when the request started no run of its own for this stream: it joined the run
    /// already queued or running (at most one per stream at a time), which answers it. Nil
    /// otherwise and from older daemons.
    public var coalesced: Bool?

    /// Creates a retrain result.
    public init(stream: String, detector: String? = nil, outcome: String, reason: String? = nil,
                modelVersion: Int? = nil, validationLoss: Double? = nil, finished: Double? = nil, coalesced: Bool? = nil) {
        self.stream = stream
        self.detector = detector
        self.outcome = outcome
        self.reason = reason
        self.modelVersion = modelVersion
        self.validationLoss = validationLoss
        self.finished = finished
        self.coalesced = coalesced
    }
}
