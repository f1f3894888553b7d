import Alerts
import Foundation
import Testing
import Wire

@testable import AECTLKit

@Suite struct AlertsCommandTests {
    @Test("the level-shift table names moved features, open shifts and reversions")
    func shiftTable() throws {
        let shift = LevelShift(
            stream: "web-1", detected: 1_767_225_600, started: 1_767_182_400, alertRate: 0.85, vectors: 720,
            features: [MovedFeature(index: 3, sigmas: 6.25)], policy: .alert, adopted: false)
        var back = shift
        back.policy = .adapt
        back.adopted = true
        back.reversion = true
        back.features = [MovedFeature(index: 3, sigmas: -6.1)]
        let lines = AlertsCommand.renderShifts([back, shift]).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0].hasPrefix("LEVEL SHIFT AT"))
        #expect(lines[1].contains("back to the level before: f3 -6.1σ") && lines[1].contains("yes"))
        #expect(lines[2].contains("85% of 720") && lines[2].contains("no (aectl retrain --accept-shift web-1)"))
        #expect(lines[2].contains("f3 +6.2σ") && !lines[2].contains("back to"))
        // A record without the field (written before it existed) decodes as no reversion.
        let old = #"{"stream":"s","detected":1,"started":0,"alertRate":0.5,"vectors":10,"features":[],"policy":"adapt","adopted":true}"#
        #expect(try JSONDecoder().decode(LevelShift.self, from: Data(old.utf8)).reversion == nil)
    }

    @Test func sinceAcceptsEpochAgesAndDates() {
        #expect(AlertsCommand.parseTime("1700000000.5") == 1_700_000_000.5)
        #expect(AlertsCommand.parseTime("15m", now: 10_000) == 9_100)
        #expect(AlertsCommand.parseTime("2h", now: 10_000) == 2_800)
        #expect(AlertsCommand.parseTime("1d", now: 100_000) == 13_600)
        #expect(AlertsCommand.parseTime("2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(AlertsCommand.parseTime("2026-01-01") == 1_767_225_600)
        #expect(AlertsCommand.parseTime("yesterday") == nil)
    }

    /// Negative numbers reach validation (not "Missing value") and every message names the rule.
    @Test(arguments: [
        (["alerts", "--limit", "-5"], "--limit must be an integer between 1 and 100000"),
        (["alerts", "--limit", "0"], "--limit must be an integer between 1 and 100000"),
        (["alerts", "--limit", "100001"], "--limit must be an integer between 1 and 100000"),
        (["alerts", "--since", "-1h"], "positive age"),
        (["alerts", "--since", "1e400s"], "positive age"),
        (["alerts", "--since", "-5"], "not negative"),
        (["status", "--timeout", "-1"], "--timeout must be a number of seconds greater than 0"),
        (["status", "--timeout", "0"], "--timeout must be a number of seconds greater than 0"),
        (["status", "--timeout", "1e300"], "--timeout must be a number of seconds greater than 0"),
        (["status", "--control", ""], "--control must not be empty"),
        (["alerts", "--control", " "], "--control must not be empty"),
    ])
    func badOptionsGetAClearMessage(arguments: [String], expected: String) {
        do {
            _ = try AECTL.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            let message = AECTL.message(for: error)
            #expect(message.contains(expected), "\(arguments): \(message)")
            #expect(!message.contains("Missing value"))
        }
    }

    @Test func sinceRejectsOutOfRangeTimes() {
        #expect(AlertsCommand.parseTime("1e400s") == nil)
        #expect(AlertsCommand.parseTime("-1h") == nil)
        #expect(AlertsCommand.parseTime("1e400") == nil)
        #expect(AlertsCommand.parseTime("0s", now: 5) == 5)
    }

    @Test func validationRejectsBadOptions() {
        #expect(throws: (any Error).self) { try AlertsCommand.parse(["--limit", "-1"]) }
        #expect(throws: (any Error).self) { try AlertsCommand.parse(["--since", "soon"]) }
    }

    @Test func rendersATable() {
        let alert = Alert(
            stream: "web-1", vectorTime: 1_767_225_600, receiveTime: 1_767_225_600.1, detector: "vae", anomalyScore: 30.5,
            threshold: 25, modelVersion: 2,
            topFeatures: [FeatureContribution(feature: 7, share: 0.43), FeatureContribution(feature: 2, share: 0.24)])
        let text = AlertsCommand.render([alert])
        #expect(text.contains("2026-01-01T00:00:00Z"))
        #expect(text.contains("vae"))
        #expect(text.contains("1.22"))
        #expect(text.contains("f7 43%, f2 24%"))
        #expect(text.contains("COUNT"))
        #expect(AlertsCommand.render([]) == "no alerts\n")
    }

    @Test func rendersEpisodeCountAndLastCrossing() throws {
        var episode = Alert(
            stream: "web-1", vectorTime: 1_767_225_600, receiveTime: 1_767_225_600.1, detector: "ae", anomalyScore: 30.5,
            threshold: 25, modelVersion: 2, topFeatures: [])
        episode.episode = AlertEpisode(
            count: 42, lastVectorTime: 1_767_225_660, lastReceiveTime: 1_767_225_660.1, maxScore: 80, maxSeverity: 3.2)
        var single = episode
        single.episode?.count = 1
        single.episode?.lastVectorTime = single.vectorTime
        let lines = AlertsCommand.render([episode, single]).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let header = try #require(lines.first)
        let count = try #require(header.firstIndex(of: "COUNT"))
        #expect(lines[1][count] == "42")
        #expect(lines[1][count + 1] == "2026-01-01T00:01:00Z")
        #expect(lines[2][count] == "1")
        #expect(lines[2][count + 1] == "-")
        // A reply from an aed that did not store episodes shows episodes of one.
        episode.episode = nil
        #expect(AlertsCommand.render([episode]).split(separator: "\n")[1].split(separator: " ").map(String.init)[count] == "1")
    }

    @Test func retrainRendersEachRun() {
        let text = RetrainCommand.render(
            RetrainReply(runs: [
                RetrainResult(stream: "s", detector: "ae", outcome: "trained", modelVersion: 4, validationLoss: 0.02),
                RetrainResult(stream: "s", detector: "vae", outcome: "failed", reason: "non-finite loss"),
            ]))
        #expect(text == "s ae: trained v4 validation loss 0.0200\ns vae: failed (non-finite loss)\n")
    }

    @Test func demoLabelsMatchTheGenerator() {
        let (values, labels, kinds) = DemoCommand.generate(count: 5_000, normal: 1_000, anomalyFraction: 0.05, seed: 9)
        #expect(values.count == 5_000 * DemoMetricsGenerator.featureNames.count)
        #expect(labels.count == 5_000)
        #expect(labels.prefix(1_000).allSatisfy { $0 == 0 })
        #expect(labels.reduce(0) { $0 + Int($1) } == kinds.values.reduce(0, +))
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--anomaly-fraction", "0.9"]) }
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--stream", "bad name"]) }
    }
}
