/// An active model with its current (most recent) threshold: what the daemon loads to score.
public struct ActiveModel: Sendable, Equatable {
    /// The active model version.
    public var model: ModelRecord
    /// Its most recently stored threshold.
    public var threshold: ThresholdRecord

    /// Pairs a model with its threshold.
    public init(model: ModelRecord, threshold: ThresholdRecord) {
        self.model = model
        self.threshold = threshold
    }
}
