import Detectors

/// What a control reply says of a stream's training in its `outcome` field: how a run ended,
/// or where a run is.
///
/// The status reply's `lastTrainingRun` says `running` while a run is under way, else how the
/// last one ended; `retrain` without `--wait` answers `started` or `coalesced` (the request
/// joined a run already queued or running); `retrain --wait` answers how each run ended. A
/// finished run is spelled by `TrainingOutcome.replyValue` (`trained`, `failed`, `skipped`).
public enum TrainingRunState: Sendable, Equatable, Codable {
    /// The run ended so.
    case finished(TrainingOutcome)
    /// A run is fitting now (status).
    case running
    /// The request queued a run of its own (`retrain` without `--wait`).
    case started
    /// The request joined a run already queued or running (`retrain` without `--wait`).
    case coalesced

    /// The reply's spelling: `trained`, `failed`, `skipped`, `running`, `started` or `coalesced`.
    public var replyValue: String {
        switch self {
        case .finished(let outcome): outcome.replyValue
        case .running: "running"
        case .started: "started"
        case .coalesced: "coalesced"
        }
    }

    /// The state a reply spelled `value`; nil for a spelling this version does not know. The
    /// stored spelling of a finished run (`ok`) is read too.
    public init?(replyValue value: String) {
        switch value {
        case "running": self = .running
        case "started": self = .started
        case "coalesced": self = .coalesced
        default:
            guard let outcome = TrainingOutcome.allCases.first(where: { $0.replyValue == value })
                ?? TrainingOutcome(rawValue: value)
            else { return nil }
            self = .finished(outcome)
        }
    }

    /// Decodes the reply's spelling.
    /// - Throws: `DecodingError.dataCorrupted` for a spelling this version does not know.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(String.self)
        guard let state = Self(replyValue: value) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown training run state \"\(value)\"")
        }
        self = state
    }

    /// Encodes the reply's spelling.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(replyValue)
    }
}

extension TrainingRunStatus {
    /// The state `outcome` spells (nil for a spelling this version does not know).
    public var state: TrainingRunState? { TrainingRunState(replyValue: outcome) }

    /// The status of a run in `state`, with why it failed or was skipped and when it ended.
    public init(state: TrainingRunState, reason: String? = nil, finished: Double? = nil) {
        self.init(outcome: state.replyValue, reason: reason, finished: finished)
    }
}

extension RetrainResult {
    /// The state `outcome` spells (nil for a spelling this version does not know).
    public var state: TrainingRunState? { TrainingRunState(replyValue: outcome) }
}
