import Alerts
import Foundation
import Testing
import Wire

@testable import AECTLKit

/// `aectl --control E1,E2 alerts|status` merges several daemons; a daemon that does not answer
/// is named and the others are still shown.
@Suite struct DaemonFleetTests {
    static func alert(_ stream: String, at ts: Double) -> Alert {
        Alert(
            stream: stream, vectorTime: ts, receiveTime: ts, detector: "ae", anomalyScore: 2, threshold: 1, modelVersion: 1,
            topFeatures: [FeatureContribution(feature: 0, share: 1)])
    }

    static func frame(_ reply: AlertsReply) throws -> [UInt8] {
        Array(try JSONEncoder().encode(reply))
    }

    @Test func endpointsAreCommaSeparated() {
        #expect(DaemonFleet.endpoints("tcp://a:1") == ["tcp://a:1"])
        #expect(DaemonFleet.endpoints(" tcp://a:1, ipc:///run/b.sock ,,") == ["tcp://a:1", "ipc:///run/b.sock"])
    }

    @Test func alertsMergeNewestFirstWithTheirDaemonAndNameTheSilentOne() throws {
        let answers = [
            DaemonFleet.Answer(
                endpoint: "tcp://a:7700",
                reply: .success(try Self.frame(AlertsReply(alerts: [Self.alert("web-1", at: 300), Self.alert("web-1", at: 100)])))),
            DaemonFleet.Answer(endpoint: "tcp://b:7700", reply: .success(try Self.frame(AlertsReply(alerts: [Self.alert("db-1", at: 200)])))),
            DaemonFleet.Answer(endpoint: "tcp://c:7700", reply: .failure(CommandFailure("no reply within 5 s"))),
        ]
        let text = DaemonFleet.renderAlerts(answers, limit: 2)
        #expect(text.hasPrefix("tcp://c:7700: NOT ANSWERING: no reply within 5 s\n"))
        let rows = text.split(separator: "\n").filter { $0.contains("ae") && $0.contains("v1") }
        #expect(rows.count == 2, "\(text)")
        #expect(rows.first?.contains("web-1") == true && rows.first?.hasSuffix("tcp://a:7700") == true, "\(text)")
        #expect(rows.last?.contains("db-1") == true && rows.last?.hasSuffix("tcp://b:7700") == true, "\(text)")
        #expect(text.contains("DAEMON"))
        #expect(!DaemonFleet.allAnswered(answers))

        let json = try JSONSerialization.jsonObject(with: Data(DaemonFleet.json(answers).utf8)) as? [String: Any]
        let daemons = try #require(json?["daemons"] as? [[String: Any]])
        #expect(daemons.count == 3)
        #expect(daemons[2]["error"] as? String == "no reply within 5 s")
        #expect((daemons[0]["reply"] as? [String: Any])?["alerts"] != nil)
    }

    @Test func oneDaemonCommandsRefuseSeveralEndpoints() throws {
        let options = try ControlOptions.parse(["--control", "tcp://a:1,tcp://b:2"])
        #expect(options.isFleet)
        #expect(throws: CommandFailure.self) { _ = try options.client() }
    }
}
