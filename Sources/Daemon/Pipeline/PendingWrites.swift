import Alerts
import Store
import Wire

/// What the alert writer holds until the database takes it: alerts in arrival order, episode
/// growth, buffer snapshots, level shifts and stream registrations.
///
/// Growth is folded as it arrives (into its alert when that is still pending, else into one
/// update per episode), and a snapshot replaces its stream's earlier one, so only alerts grow
/// with time; `dropOldest(keeping:)` bounds them. Only the writer thread uses it.
struct PendingWrites {
    /// Streams to register (a registration the ingest thread could not write), in order.
    private(set) var streams: [(name: String, dimension: Int)] = []
    /// The newest buffer snapshot of each stream.
    private(set) var snapshots: [String: BufferSnapshotWrite] = [:]
    /// Level shifts to record, in order.
    private(set) var shifts: [LevelShift] = []
    /// Alerts in arrival order from `head` on; earlier slots were taken or dropped.
    private var alerts: [(alert: Alert, key: AlertEpisodeKey?)] = []
    private var head = 0
    /// Where each pending alert that opens an episode sits in `alerts`.
    private var opened: [AlertEpisodeKey: Int] = [:]
    /// The growth of episodes whose first alert is no longer pending, in first-seen order.
    private(set) var growth: [(key: AlertEpisodeKey, episode: AlertEpisode)] = []
    private var growthIndex: [AlertEpisodeKey: Int] = [:]

    /// Alerts waiting.
    var alertCount: Int { alerts.count - head }

    /// True when nothing waits.
    var isEmpty: Bool { alertCount == 0 && growth.isEmpty && snapshots.isEmpty && shifts.isEmpty && streams.isEmpty }

    /// The waiting alerts, oldest first, with the episode each opens.
    var pendingAlerts: ArraySlice<(alert: Alert, key: AlertEpisodeKey?)> { alerts[head...] }

    /// Adds `writes` in order.
    mutating func add(_ writes: [AlertWrite]) {
        for write in writes {
            switch write {
            case .stream(let name, let dimension):
                if !streams.contains(where: { $0.name == name }) { streams.append((name, dimension)) }
            case .snapshot(let snapshot):
                snapshots[snapshot.stream] = snapshot
            case .shift(let shift):
                shifts.append(shift)
            case .record(let alert, let key):
                if let key { opened[key] = alerts.count }
                alerts.append((alert, key))
            case .extend(let key, let episode):
                if let index = opened[key] {
                    alerts[index].alert.episode = episode
                } else if let index = growthIndex[key] {
                    growth[index].episode = episode
                } else {
                    growthIndex[key] = growth.count
                    growth.append((key, episode))
                }
            }
        }
    }

    /// Drops the oldest alerts beyond `limit`, in slices of at least 1/64 of the limit (so a
    /// full queue does not copy itself for every new alert); returns how many were dropped.
    /// The growth of a dropped episode is dropped with it when it arrives.
    mutating func dropOldest(keeping limit: Int) -> Int {
        let excess = alertCount - limit
        guard excess > 0 else { return 0 }
        let dropped = min(alertCount, max(excess, limit / 64))
        for index in head..<(head + dropped) {
            if let key = alerts[index].key, opened[key] == index { opened[key] = nil }
        }
        head += dropped
        compact()
        return dropped
    }

    /// Forgets the stream registrations now stored.
    mutating func removeStreams(_ count: Int) { streams.removeFirst(min(count, streams.count)) }

    /// Forgets the snapshot of `stream` now stored.
    mutating func removeSnapshot(of stream: String) { snapshots[stream] = nil }

    /// Forgets the first `count` shifts, now stored.
    mutating func removeShifts(_ count: Int) { shifts.removeFirst(min(count, shifts.count)) }

    /// Forgets the oldest `count` alerts, now stored (or refused for good).
    mutating func removeAlerts(_ count: Int) {
        let taken = min(count, alertCount)
        for index in head..<(head + taken) {
            if let key = alerts[index].key, opened[key] == index { opened[key] = nil }
        }
        head += taken
        compact()
    }

    /// Forgets all episode growth, now stored.
    mutating func removeGrowth() {
        growth.removeAll()
        growthIndex.removeAll()
    }

    /// Releases the slots before `head` once they are the larger part of the array.
    private mutating func compact() {
        guard head > 0, head * 2 >= alerts.count else { return }
        alerts.removeFirst(head)
        head = 0
        opened.removeAll(keepingCapacity: true)
        for (index, entry) in alerts.enumerated() {
            if let key = entry.key { opened[key] = index }
        }
    }
}
