/// A recorded training run.
public struct TrainingRunRecord: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The run as it was recorded.
    public var run: NewTrainingRun

    /// Creates a training run record (the store creates these).
    public init(id: Int64, run: NewTrainingRun) {
        self.id = id
        self.run = run
    }
}
