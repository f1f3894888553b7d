import Alerts
import Foundation
import Store

/// Groups a stream's consecutive alerts of one detector into episodes.
///
/// An alert at time `t` continues the open episode when `t - last <= gap` (seconds, receive
/// time) and fewer than `quietVectors` vectors without an alert came since the last one;
/// otherwise it starts a new one. When grouping is on, only the first alert of an episode is
/// stored and published; its row then grows with the episode: `takeGrowth()` hands over, once
/// per scored micro-batch, every episode that absorbed alerts since it was last reported.
struct AlertEpisodeTracker {
    struct Episode: Equatable {
        /// Numbers the tracker's episodes 1, 2, 3, ... in the order they started.
        var serial: Int
        var started: Double
        /// Receive time of the newest alert, seconds since the Unix epoch.
        var last: Double
        /// Vector timestamp of the newest alert, seconds since the Unix epoch.
        var lastVectorTime: Double
        var count: Int
        var peakScore: Double
        var peakSeverity: Double
        /// Vectors scored without an alert since the last alert.
        var quiet: Int = 0
        /// `count` when the episode was last reported (its first alert reports 1).
        var reported: Int = 1

        /// The episode as the store keeps it.
        var stored: AlertEpisode {
            AlertEpisode(
                count: count, lastVectorTime: lastVectorTime, lastReceiveTime: last, maxScore: peakScore,
                maxSeverity: peakSeverity)
        }
    }

    let gap: Double
    let quietVectors: Int
    private(set) var open: [String: Episode] = [:]
    /// Episodes that ended (a new one replaced them) with growth not yet reported.
    private var ended: [(detector: String, episode: Episode)] = []
    private var nextSerial = 1

    init(gap: Double, quietVectors: Int = 0) {
        self.gap = gap
        self.quietVectors = quietVectors
    }

    /// Counts `count` scored vectors in a row that `detector` did not flag (one dictionary
    /// access for the run, not one a vector).
    mutating func noteQuiet(detector: String, count: Int = 1) {
        guard count > 0 else { return }
        open[detector]?.quiet += count
    }

    /// Records an alert of `detector` received at `time` (its vector's own timestamp
    /// `vectorTime`, seconds); returns the serial of the episode it starts, or nil when it
    /// continues the open one.
    mutating func record(detector: String, time: Double, vectorTime: Double, score: Double, severity: Double) -> Int? {
        if var episode = open[detector], time - episode.last <= gap, time >= episode.started,
            quietVectors == 0 || episode.quiet < quietVectors
        {
            episode.last = time
            episode.lastVectorTime = vectorTime
            episode.quiet = 0
            episode.count += 1
            episode.peakScore = max(episode.peakScore, score)
            episode.peakSeverity = max(episode.peakSeverity, severity)
            open[detector] = episode
            return nil
        }
        if let previous = open[detector], previous.count > previous.reported {
            ended.append((detector, previous))
        }
        let serial = nextSerial
        nextSerial += 1
        open[detector] = Episode(
            serial: serial, started: time, last: time, lastVectorTime: vectorTime, count: 1, peakScore: score,
            peakSeverity: severity)
        return serial
    }

    /// The episodes that absorbed alerts since they were last reported, ended ones first, and
    /// marks them reported.
    mutating func takeGrowth() -> [(detector: String, episode: Episode)] {
        var grown = ended
        ended.removeAll()
        for (detector, episode) in open where episode.count > episode.reported {
            grown.append((detector, episode))
            open[detector]?.reported = episode.count
        }
        return grown
    }

    /// The open episode of `detector` still within the gap at `now`, if any.
    func current(detector: String, now: Double) -> Episode? {
        guard let episode = open[detector], now - episode.last <= gap else { return nil }
        return episode
    }
}
