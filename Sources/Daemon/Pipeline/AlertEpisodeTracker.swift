import Foundation

/// Groups a stream's consecutive alerts of one detector into episodes.
///
/// An alert at time `t` continues the open episode when `t - last <= gap` (seconds, receive
/// time) and fewer than `quietVectors` vectors without an alert came since the last one;
/// otherwise it starts a new one. Only the first alert of an episode is stored and
/// published when grouping is on; the episode keeps a count of the alerts it absorbed.
struct AlertEpisodeTracker {
    struct Episode {
        var started: Double
        var last: Double
        var count: Int
        var peakSeverity: Double
        /// Vectors scored without an alert since the last alert.
        var quiet: Int = 0
    }

    let gap: Double
    let quietVectors: Int
    private(set) var open: [String: Episode] = [:]

    init(gap: Double, quietVectors: Int = 0) {
        self.gap = gap
        self.quietVectors = quietVectors
    }

    /// Counts a scored vector that `detector` did not flag.
    mutating func noteQuiet(detector: String) {
        open[detector]?.quiet += 1
    }

    /// Records an alert of `detector` at `time`; returns true when it starts a new episode.
    mutating func record(detector: String, time: Double, severity: Double) -> Bool {
        if var episode = open[detector], time - episode.last <= gap, time >= episode.started,
            quietVectors == 0 || episode.quiet < quietVectors
        {
            episode.last = time
            episode.quiet = 0
            episode.count += 1
            episode.peakSeverity = max(episode.peakSeverity, severity)
            open[detector] = episode
            return false
        }
        open[detector] = Episode(started: time, last: time, count: 1, peakSeverity: severity)
        return true
    }

    /// The open episode of `detector` still within the gap at `now`, if any.
    func current(detector: String, now: Double) -> Episode? {
        guard let episode = open[detector], now - episode.last <= gap else { return nil }
        return episode
    }
}
