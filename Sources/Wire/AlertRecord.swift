import Alerts

/// The reply to `{"cmd": "alerts"}`.
public struct AlertsReply: Codable, Sendable, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// Alerts, newest first, each with its episode (an episode of one included).
    public var alerts: [Alert]
    /// Level shifts recorded in the same range (stream, `since`), newest first; absent from
    /// daemons older than the `shifts` table.
    public var shifts: [LevelShift]?

    /// Creates an alerts reply.
    public init(alerts: [Alert], shifts: [LevelShift]? = nil) {
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
