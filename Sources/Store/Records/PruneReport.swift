/// What one `Store.prune(alertsOlderThan:keepModelVersions:)` call removed.
public struct PruneReport: Sendable, Equatable {
    /// Alerts deleted.
    public var alertsDeleted: Int
    /// Model versions deleted (their thresholds went with them).
    public var modelsDeleted: Int
    /// WAL frames the final checkpoint could not copy yet (0 when it completed).
    public var walFramesAfterCheckpoint: Int

    /// Creates a report.
    public init(alertsDeleted: Int, modelsDeleted: Int, walFramesAfterCheckpoint: Int) {
        self.alertsDeleted = alertsDeleted
        self.modelsDeleted = modelsDeleted
        self.walFramesAfterCheckpoint = walFramesAfterCheckpoint
    }
}
