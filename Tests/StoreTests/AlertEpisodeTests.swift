import Alerts
import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Alert episodes")
struct AlertEpisodeTests {
    static func episode(count: Int, last: Double, maxScore: Double = 9) -> AlertEpisode {
        AlertEpisode(
            count: count, lastVectorTime: last - 0.5, lastReceiveTime: last, maxScore: maxScore,
            maxSeverity: maxScore / 2.5)
    }

    @Test("an alert is stored as an episode of one; an episode grows by updates to its row")
    func extendGrowsTheRow() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let ids = try store.recordAlerts([Fixture.alert(time: 10), Fixture.alert(time: 11, detector: "vae")])
        #expect(ids.count == 2)
        #expect(ids[0] < ids[1])
        let stored = try store.alerts(stream: "s1")
        #expect(stored.map(\.id) == [ids[1], ids[0]])
        #expect(stored.allSatisfy { $0.alert.episodeCount == 1 && $0.alert.episode == nil })
        // The columns hold the single alert's own values.
        let single = try store.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT episode_count, last_vector_time, last_receive_time, max_score, max_severity
                FROM alerts WHERE id = ?
                """, arguments: [ids[0]])
        }
        let row = try #require(single)
        #expect(row[0] as Int == 1)
        #expect(row[1] as Double == 9.5)
        #expect(row[2] as Double == 10)
        #expect(row[3] as Double == 5)
        #expect(row[4] as Double == 2)

        #expect(try store.extendAlertEpisode(
            id: ids[0], count: 2, lastVectorTime: 11.5, lastReceiveTime: 12, maxScore: 6, maxSeverity: 2.4))
        try store.recordAlerts([], extendingEpisodes: [AlertEpisodeUpdate(alertID: ids[0], episode: Self.episode(count: 7, last: 20))])
        let grown = try #require(try store.alerts(stream: "s1").first { $0.id == ids[0] })
        #expect(grown.alert.episode == Self.episode(count: 7, last: 20))
        #expect(grown.alert.episodeCount == 7)
        // The row's own fields stay those of the first alert.
        #expect(grown.alert.receiveTime == 10)
        #expect(grown.alert.anomalyScore == 5)
        let other = try #require(try store.alerts(stream: "s1").first { $0.id == ids[1] })
        #expect(other.alert.episodeCount == 1)
        try store.close()
    }

    @Test("an episode that grew before its first commit is inserted with its count")
    func insertWithEpisode() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        var alert = Fixture.alert(time: 10)
        alert.episode = Self.episode(count: 40, last: 30, maxScore: 12)
        let ids = try store.recordAlerts([alert])
        let stored = try #require(try store.alerts().first)
        #expect(stored.id == ids.first)
        #expect(stored.alert == alert)
        #expect(stored.alert.episode?.maxSeverity == 12 / 2.5)
        try store.close()
    }

    @Test("inserts and updates share one transaction: a bad alert rolls the updates back too")
    func batchIsAtomic() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let id = try #require(try store.recordAlerts([Fixture.alert(time: 1)]).first)
        let update = AlertEpisodeUpdate(alertID: id, episode: Self.episode(count: 3, last: 3))
        #expect(throws: StoreError.unknownStream("ghost")) {
            try store.recordAlerts([Fixture.alert(time: 4), Fixture.alert(stream: "ghost", time: 5)], extendingEpisodes: [update])
        }
        #expect(try store.alerts().map(\.alert.episodeCount) == [1])
        // Both parts commit together when the batch is good.
        let ids = try store.recordAlerts([Fixture.alert(time: 4)], extendingEpisodes: [update])
        #expect(ids.count == 1)
        #expect(try store.alerts().map(\.alert.episodeCount) == [1, 3])
        try store.close()
    }

    @Test("bad episodes are refused; an update of a missing row writes nothing")
    func badEpisodes() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let id = try #require(try store.recordAlerts([Fixture.alert(time: 1)]).first)
        #expect(throws: StoreError.self) {
            try store.extendAlertEpisode(id: id, count: 0, lastVectorTime: 1, lastReceiveTime: 1, maxScore: 5, maxSeverity: 2)
        }
        #expect(throws: StoreError.self) {
            try store.extendAlertEpisode(id: id, count: 2, lastVectorTime: 1, lastReceiveTime: .nan, maxScore: 5, maxSeverity: 2)
        }
        var alert = Fixture.alert(time: 2)
        alert.episode = AlertEpisode(count: 2, lastVectorTime: 2, lastReceiveTime: 2, maxScore: .nan, maxSeverity: 2)
        #expect(throws: StoreError.self) { try store.recordAlerts([alert]) }
        #expect(try store.extendAlertEpisode(
            id: id + 100, count: 2, lastVectorTime: 1, lastReceiveTime: 1, maxScore: 5, maxSeverity: 2) == false)
        #expect(try store.alerts().map(\.alert.episodeCount) == [1])

        let reader = try Store.openReadOnly(path: store.path)
        #expect(throws: StoreError.readOnly) {
            try reader.extendAlertEpisode(id: id, count: 2, lastVectorTime: 1, lastReceiveTime: 1, maxScore: 5, maxSeverity: 2)
        }
        try reader.close()
        try store.close()
    }

    @Test("retention keeps an episode until its newest crossing is older than the cutoff")
    func retentionUsesTheLastCrossing() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let ids = try store.recordAlerts([Fixture.alert(time: 100), Fixture.alert(time: 110), Fixture.alert(time: 500)])
        // The first episode is still growing at 400; the second ended at 110.
        try store.extendAlertEpisode(id: ids[0], count: 50, lastVectorTime: 400, lastReceiveTime: 400, maxScore: 5, maxSeverity: 2)
        let report = try store.prune(alertsReceivedBefore: 300, keepModelVersions: 5)
        #expect(report.alertsDeleted == 1)
        #expect(Set(try store.alerts().map(\.id)) == [ids[0], ids[2]])
        #expect(try store.prune(alertsReceivedBefore: 450, keepModelVersions: 5).alertsDeleted == 1)
        #expect(try store.alerts().map(\.id) == [ids[2]])
        try store.close()
    }
}
