import Alerts

/// A stored alert episode's new extent: the row `alertID` now covers `episode`.
public struct AlertEpisodeUpdate: Sendable, Equatable {
    /// The id of the episode's row (its first alert), as `recordAlerts` returned it.
    public var alertID: Int64
    /// The episode as far as it has grown: absolute values, not increments, so a later update
    /// supersedes an earlier one that was lost.
    public var episode: AlertEpisode

    /// Creates an update of row `alertID`.
    public init(alertID: Int64, episode: AlertEpisode) {
        self.alertID = alertID
        self.episode = episode
    }
}
