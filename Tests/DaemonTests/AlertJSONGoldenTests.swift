import Alerts
import Foundation
import Testing
import Wire

@testable import Daemon

/// An alert's JSON is a contract: the alert PUB socket (`[alerts.<stream>][JSON alert]`), the
/// `alerts` control reply and `aectl alerts --json`. An alert of an episode and an alert of its
/// own, as the daemon writes them (recorded before the Store and Wire alert types became one).
@Suite struct AlertJSONGoldenTests {
    /// An alert that opened an episode of 5 crossings.
    static func episodeAlert() -> Alert {
        var alert = Alert(
            stream: "db-1", vectorTime: 1_700_000_000.25, receiveTime: 1_700_000_000.5, detector: "vae", anomalyScore: 30.5,
            threshold: 25, modelVersion: 3,
            topFeatures: [FeatureContribution(feature: 7, share: 0.625), FeatureContribution(feature: 2, share: 0.25)])
        alert.episode = AlertEpisode(
            count: 5, lastVectorTime: 1_700_000_060.25, lastReceiveTime: 1_700_000_060.5, maxScore: 80, maxSeverity: 3.2)
        return alert
    }

    /// An alert of its own (an episode of one).
    static func singleAlert() -> Alert {
        Alert(
            stream: "db-2", vectorTime: 1_700_000_100, receiveTime: 1_700_000_100.5, detector: "ae", anomalyScore: 3,
            threshold: 1.5, modelVersion: 1, topFeatures: [FeatureContribution(feature: 0, share: 1)])
    }

    /// The published body of `alert`, as `StreamPipeline` encodes it for the alert PUB socket
    /// (a plain `JSONEncoder`, whose key order is not fixed), with its keys sorted.
    static func published(_ alert: Alert) throws -> String {
        let body = try JSONEncoder().encode(alert.withEpisode)
        let object = try JSONSerialization.jsonObject(with: body)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("an alert published on the PUB socket has the recorded keys and values")
    func publishedAlertsAreTheRecordedJSON() throws {
        #expect(
            try Self.published(Self.episodeAlert())
                == #"{"detector":"vae","episodeCount":5,"lastReceivedAt":1700000060.5,"lastTs":1700000060.25,"#
                + #""maxScore":80,"maxSeverity":3.2,"modelVersion":3,"receivedAt":1700000000.5,"score":30.5,"#
                + #""severity":1.22,"stream":"db-1","threshold":25,"topFeatures":[{"index":7,"share":0.625},"#
                + #"{"index":2,"share":0.25}],"ts":1700000000.25}"#)
        #expect(
            try Self.published(Self.singleAlert())
                == #"{"detector":"ae","episodeCount":1,"lastReceivedAt":1700000100.5,"lastTs":1700000100,"maxScore":3,"#
                + #""maxSeverity":2,"modelVersion":1,"receivedAt":1700000100.5,"score":3,"severity":2,"stream":"db-2","#
                + #""threshold":1.5,"topFeatures":[{"index":0,"share":1}],"ts":1700000100}"#)
    }

    @Test("the alerts reply is byte for byte the recorded one")
    func alertsReplyIsTheRecordedJSON() throws {
        let reply = AlertsReply(alerts: [Self.episodeAlert(), Self.singleAlert()].map(\.withEpisode))
        #expect(String(decoding: try ControlReply.encode(reply), as: UTF8.self) == Self.recordedReply)
        // aectl reads it back whole, each alert with its episode.
        #expect(try ControlReply.decode(AlertsReply.self, from: Array(Self.recordedReply.utf8)) == reply)
    }

    /// The `alerts` reply of `episodeAlert()` and `singleAlert()` (sorted keys, as
    /// `ControlReply.encode` writes them).
    static let recordedReply =
        #"{"alerts":[{"detector":"vae","episodeCount":5,"lastReceivedAt":1700000060.5,"lastTs":1700000060.25,"#
        + #""maxScore":80,"maxSeverity":3.2,"modelVersion":3,"receivedAt":1700000000.5,"score":30.5,"#
        + #""severity":1.22,"stream":"db-1","threshold":25,"topFeatures":[{"index":7,"share":0.625},"#
        + #"{"index":2,"share":0.25}],"ts":1700000000.25},{"detector":"ae","episodeCount":1,"#
        + #""lastReceivedAt":1700000100.5,"lastTs":1700000100,"maxScore":3,"maxSeverity":2,"modelVersion":1,"#
        + #""receivedAt":1700000100.5,"score":3,"severity":2,"stream":"db-2","threshold":1.5,"#
        + #""topFeatures":[{"index":0,"share":1}],"ts":1700000100}],"ok":true}"#
}
