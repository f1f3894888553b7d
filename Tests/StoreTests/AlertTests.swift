import Alerts
import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Alerts")
struct AlertTests {
    @Test("alerts are queried by stream and time range, newest first, with a limit")
    func queries() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        try store.upsertStream(name: "s2", dimension: 38)
        try store.recordAlerts((0..<10).map { Fixture.alert(stream: "s1", time: Double($0)) })
        try store.recordAlerts((0..<5).map { Fixture.alert(stream: "s2", time: Double($0) + 0.5, detector: "vae") })

        let all = try store.alerts(limit: 100)
        #expect(all.count == 15)
        #expect(all.map(\.alert.receiveTime) == all.map(\.alert.receiveTime).sorted(by: >))
        #expect(try store.alerts(stream: "s1", limit: 3).map(\.alert.receiveTime) == [9, 8, 7])
        #expect(try store.alerts(stream: "s1", since: 4, until: 7).map(\.alert.receiveTime) == [6, 5, 4])
        #expect(try store.alerts(stream: "s2", since: 3).map(\.alert.receiveTime) == [4.5, 3.5])
        #expect(try store.alerts(stream: "nope").isEmpty)
        #expect(try store.alerts(limit: 0).isEmpty)
        #expect(throws: StoreError.self) { try store.alerts(limit: -1) }

        let first = try #require(try store.alerts(stream: "s1", limit: 1).first)
        #expect(first.alert == Fixture.alert(stream: "s1", time: 9))
        #expect(first.alert.severity == 2)
        #expect(first.alert.topFeatures == Fixture.features)

        #expect(try store.alertCounts() == [
            AlertCount(stream: "s1", detector: "ae", count: 10, lastReceiveTime: 9),
            AlertCount(stream: "s2", detector: "vae", count: 5, lastReceiveTime: 4.5),
        ])
        #expect(try store.alertCounts(since: 4) == [
            AlertCount(stream: "s1", detector: "ae", count: 6, lastReceiveTime: 9),
            AlertCount(stream: "s2", detector: "vae", count: 1, lastReceiveTime: 4.5),
        ])
        #expect(try store.alertCounts(since: 100).isEmpty)
        try store.close()
    }

    @Test("a zero threshold (a constant stream) or an infinite score never stores an infinite severity")
    func severityIsAlwaysFinite() throws {
        #expect(Alert.severity(anomalyScore: 3, threshold: 1.5) == 2)
        #expect(Alert.severity(anomalyScore: 0.25, threshold: 0) == 0.25)
        #expect(Alert.severity(anomalyScore: 5, threshold: -1) == 5)
        #expect(Alert.severity(anomalyScore: .infinity, threshold: 2).isFinite)
        #expect(Alert.severity(anomalyScore: 1e300, threshold: 1e-300).isFinite)
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "constant", dimension: 3)
        let alert = Alert(
            stream: "constant", vectorTime: 1, receiveTime: 1, detector: "ae", anomalyScore: 0.5, threshold: 0,
            modelVersion: 1, topFeatures: [])
        #expect(alert.severity == 0.5)
        try store.recordAlerts([alert])
        let stored = try #require(try store.alerts(stream: "constant").first)
        #expect(stored.alert.severity == 0.5)
        let raw = try store.database.read { try Double.fetchOne($0, sql: "SELECT severity FROM alerts") }
        #expect(raw == 0.5)
        try store.close()
    }

    @Test("alert queries use the time indexes and need no sort")
    func queryPlanUsesIndex() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        // Each row of EXPLAIN QUERY PLAN is (id, parent, notused, detail); fetch the detail.
        let details = try store.database.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT a.id FROM alerts a
                WHERE a.stream_id = (SELECT id FROM streams WHERE name = ?) AND a.receive_time >= ?
                ORDER BY a.receive_time DESC, a.id DESC LIMIT ?
                """, arguments: ["s1", 0, 10]).map { row -> String in try row.decode(atIndex: 3) }
        }
        #expect(details.contains { $0.contains("alerts_by_stream_time") })
        #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(details)")
        let allStreams = try store.database.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT a.id FROM alerts a WHERE a.receive_time >= ?
                ORDER BY a.receive_time DESC, a.id DESC LIMIT ?
                """, arguments: [0, 10]).map { row -> String in try row.decode(atIndex: 3) }
        }
        #expect(allStreams.contains { $0.contains("alerts_by_time") }, "\(allStreams)")
        #expect(!allStreams.contains { $0.contains("TEMP B-TREE") }, "\(allStreams)")
        try store.close()
    }

    @Test("a batch with an unknown stream or a NaN score stores nothing")
    func batchIsAtomic() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        let good = (0..<3).map { Fixture.alert(time: Double($0)) }
        #expect(throws: StoreError.unknownStream("ghost")) {
            try store.recordAlerts(good + [Fixture.alert(stream: "ghost", time: 9)])
        }
        #expect(throws: StoreError.self) {
            try store.recordAlerts(good + [Fixture.alert(time: 9, score: .nan)])
        }
        var badShare = Fixture.alert(time: 9)
        badShare.topFeatures = [FeatureContribution(feature: 1, share: .infinity)]
        #expect(throws: StoreError.self) { try store.recordAlerts([badShare]) }
        #expect(try store.alerts().isEmpty)
        try store.recordAlerts([])
        try store.recordAlerts(good)
        #expect(try store.alerts().count == 3)
        try store.close()
    }

    @Test("top features are stored as the documented JSON text")
    func topFeaturesJSON() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("aed.db"))
        try store.upsertStream(name: "s1", dimension: 38)
        var alert = Fixture.alert(time: 1)
        alert.topFeatures = [FeatureContribution(feature: 3, share: 0.41), FeatureContribution(feature: 12, share: 1e-5)]
        try store.recordAlerts([alert])
        let text = try store.database.read { db in
            try String.fetchOne(db, sql: "SELECT top_features FROM alerts")
        }
        #expect(text == #"[{"feature": 3, "share": 0.41}, {"feature": 12, "share": 1e-05}]"#)
        #expect(try store.alerts().first?.alert.topFeatures == alert.topFeatures)
        try store.close()
    }
}
