import AECTLKit
import Foundation
import Testing
import Wire

/// `aectl --control E1,E2,E3 status` over real daemons: which daemon owns which stream, a
/// stream on two daemons flagged, a daemon that does not answer named, the others shown.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DaemonFleetStatusTests {
    @Test func statusOfSeveralDaemonsIsOneView() throws {
        let first = try DaemonHarness(toml: smallModelTOML())
        defer { first.removeState() }
        let second = try DaemonHarness(toml: smallModelTOML())
        defer { second.removeState() }
        try first.publish(stream: "web-1", values: demoVectors(count: 5, seed: 1), dimension: 12)
        try first.publish(stream: "shared", values: demoVectors(count: 5, seed: 2), dimension: 12)
        try second.publish(stream: "db-1", values: demoVectors(count: 5, seed: 3), dimension: 12)
        try second.publish(stream: "shared", values: demoVectors(count: 5, seed: 4), dimension: 12)
        try first.waitForStatus { $0.streams.count == 2 }
        try second.waitForStatus { $0.streams.count == 2 }

        let silent = "tcp://127.0.0.1:\(freeTCPPort())"
        let a = first.endpoints.control, b = second.endpoints.control
        let options = try ControlOptions.parse(["--control", "\(a),\(b),\(silent)", "--timeout", "1"])
        let answers = DaemonFleet.ask(.status, options: options)
        #expect(answers.map(\.endpoint) == [a, b, silent])
        #expect(!DaemonFleet.allAnswered(answers))
        let text = DaemonFleet.renderStatus(answers)
        #expect(text.contains("  \(a)  aed "), "\(text)")
        #expect(text.contains("2 stream(s): shared, web-1"), "\(text)")
        #expect(text.contains("2 stream(s): db-1, shared"), "\(text)")
        #expect(text.contains("  \(silent)  NOT ANSWERING: "), "\(text)")
        #expect(text.contains("  shared: \(a), \(b)"), "\(text)")
        #expect(text.contains("== \(a)\n") && text.contains("== \(b)\n"), "\(text)")
        first.stop()
        second.stop()
    }
}
