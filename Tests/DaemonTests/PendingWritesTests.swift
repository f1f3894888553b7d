import Alerts
import Foundation
import Store
import Testing

@testable import Daemon

/// The alert writer's pending queue: order, the bound (oldest dropped), folded episode growth.
@Suite struct PendingWritesTests {
    static func alert(_ time: Double) -> Alert {
        Alert(
            stream: "s", vectorTime: time, receiveTime: time, detector: "ae", anomalyScore: 5, threshold: 1, modelVersion: 1,
            topFeatures: [])
    }

    static func episode(count: Int, last: Double) -> AlertEpisode {
        AlertEpisode(count: count, lastVectorTime: last, lastReceiveTime: last, maxScore: 5, maxSeverity: 5)
    }

    @Test func theOldestAlertsGoBeyondTheLimitAndTheRestKeepTheirOrder() {
        var pending = PendingWrites()
        pending.add((0..<100).map { .record(Self.alert(Double($0)), episode: nil) })
        #expect(pending.dropOldest(keeping: 40) == 60)
        #expect(pending.alertCount == 40)
        #expect(pending.pendingAlerts.map(\.alert.receiveTime) == (60..<100).map(Double.init))
        #expect(pending.dropOldest(keeping: 40) == 0)
        pending.removeAlerts(10)
        #expect(pending.pendingAlerts.first?.alert.receiveTime == 70)
        pending.removeAlerts(30)
        #expect(pending.isEmpty)
    }

    @Test func growthFoldsIntoItsPendingAlertOrIntoOneUpdate() {
        let open = AlertEpisodeKey(stream: "s", detector: "ae", serial: 2)
        let stored = AlertEpisodeKey(stream: "s", detector: "ae", serial: 1)
        var pending = PendingWrites()
        pending.add([
            .extend(stored, Self.episode(count: 3, last: 1)), .record(Self.alert(2), episode: open),
            .extend(open, Self.episode(count: 2, last: 3)), .extend(stored, Self.episode(count: 4, last: 1.5)),
            .extend(open, Self.episode(count: 5, last: 4)),
        ])
        #expect(pending.alertCount == 1)
        #expect(pending.pendingAlerts.first?.alert.episode?.count == 5)
        #expect(pending.growth.count == 1)
        #expect(pending.growth.first?.episode.count == 4)
        // Once its alert is dropped, an episode's growth waits as an update (the writer finds
        // no row for it and lets it go).
        _ = pending.dropOldest(keeping: 0)
        pending.add([.extend(open, Self.episode(count: 6, last: 5))])
        #expect(pending.growth.map(\.key) == [stored, open])
    }

    @Test func aSnapshotReplacesItsStreamsEarlierOne() {
        var pending = PendingWrites()
        let data = Data([0, 0, 128, 63])
        pending.add([
            .snapshot(BufferSnapshotWrite(stream: "s", dimension: 1, count: 1, values: data)),
            .snapshot(BufferSnapshotWrite(stream: "s", dimension: 1, count: 1, values: data + data)),
            .stream(name: "s", dimension: 1), .stream(name: "s", dimension: 1),
        ])
        #expect(pending.snapshots.count == 1)
        #expect(pending.snapshots["s"]?.values.count == 8)
        #expect(pending.streams.count == 1)
    }
}
