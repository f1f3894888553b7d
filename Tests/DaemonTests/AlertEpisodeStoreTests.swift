import Alerts
import Daemon
import Foundation
import Testing
import Wire

/// Alert episodes in SQLite: consecutive crossings are one row whose count grows, batched by
/// the alert writer, and the row survives a restart.
@Suite(.serialized, .timeLimit(.minutes(10))) struct AlertEpisodeStoreTests {
    /// Grouping with one quiet vector ending an episode and a gap no test run reaches.
    static let toml = smallModelTOML() + """

        [alerts]
        episodes = true
        episode_gap = "1h"
        episode_quiet_vectors = 1
        """

    /// The stream's alerts and episodes counted by the ingest thread so far (detector `ae`).
    static func counts(_ harness: DaemonHarness) throws -> (alerts: Int, episodes: Int, scored: Int) {
        let stream = try #require(try harness.document().streams.first { $0.name == "s" })
        return (stream.alertsByDetector?["ae"] ?? 0, stream.episodes?["ae"] ?? 0, stream.scored)
    }

    /// Publishes normal vectors one at a time until one is scored without an alert, so the
    /// next alert opens a new episode (a normal vector can be a false positive).
    static func endOpenEpisode(_ harness: DaemonHarness, seed: UInt64) throws {
        let normal = demoVectors(count: 20, seed: seed)
        for row in 0..<20 {
            let before = try counts(harness)
            try harness.publish(stream: "s", values: Array(normal[(row * 12)..<((row + 1) * 12)]), dimension: 12)
            let after = try harness.waitForStatus(timeout: 30) { status in
                (status.streams.first { $0.name == "s" }?.scored ?? 0) > before.scored
            }
            if after.streams.first(where: { $0.name == "s" })?.alerts == before.alerts { return }
        }
        throw HarnessError("20 normal vectors in a row alerted")
    }

    /// The stored alerts of stream `s`, newest first.
    static func stored(_ harness: DaemonHarness) throws -> [Alert] {
        try harness.client.alerts(stream: "s", since: nil, limit: 1000).alerts
    }

    @Test func anEpisodeOfNCrossingsIsOneRowWithCountNAndSurvivesARestart() throws {
        let first = try DaemonHarness(toml: Self.toml)
        defer { first.removeState() }
        try first.publish(stream: "s", values: demoVectors(count: 700, seed: 41), dimension: 12)
        try first.waitForStatus { $0.streams.first?.models.count == 1 }
        try Self.endOpenEpisode(first, seed: 43)
        try waitUntil(timeout: 10, "earlier alerts committed") {
            let document = try? first.document()
            return document.map { ($0.alertsWritten ?? 0) >= ($0.streams.first?.episodes?["ae"] ?? 0) } ?? false
        }
        let rowsBefore = try Self.stored(first).count
        let before = try Self.counts(first)

        // Far outside the normal range: every one crosses the threshold. The first part may
        // reach the writer in one or several batches; the second part extends a committed row.
        let anomalous = demoVectors(count: 35, seed: 42).map { $0 * 10 }
        try first.publish(stream: "s", values: Array(anomalous[0..<(20 * 12)]), dimension: 12, batch: 5)
        try waitUntil(timeout: 20, "the first 20 crossings stored as one episode") {
            (try? Self.stored(first).first?.episodeCount) == 20
        }
        try first.publish(stream: "s", values: Array(anomalous[(20 * 12)...]), dimension: 12, batch: 5)
        try waitUntil(timeout: 20, "the episode's row grown to 35") {
            (try? Self.stored(first).first?.episodeCount) == 35
        }
        let after = try Self.counts(first)
        #expect(after.alerts - before.alerts == 35)
        #expect(after.episodes - before.episodes == 1)
        let rows = try Self.stored(first)
        #expect(rows.count == rowsBefore + 1)
        let episode = try #require(rows.first)
        #expect(episode.episodeCount == 35)
        #expect(try #require(episode.episode?.lastReceiveTime) >= episode.receiveTime)
        #expect(try #require(episode.episode?.lastVectorTime) >= episode.vectorTime)
        #expect(try #require(episode.episode?.maxScore) >= episode.anomalyScore)
        #expect(try #require(episode.episode?.maxSeverity) >= episode.severity)
        #expect(episode.severity > 1)
        first.stop()

        // The row, its count and its extent are in SQLite: a restarted daemon reports them.
        let second = try DaemonHarness(toml: Self.toml, stateDirectory: first.stateDirectory)
        let restored = try Self.stored(second)
        #expect(restored.count == rowsBefore + 1)
        #expect(restored.first == episode)
        second.stop()
    }

    @Test func withoutGroupingEveryCrossingIsARowOfOne() throws {
        let harness = try DaemonHarness(toml: smallModelTOML() + "\n[alerts]\nepisodes = false\n")
        defer { harness.removeState() }
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 51), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 }
        let rowsBefore = try Self.stored(harness).count
        try harness.publish(stream: "s", values: demoVectors(count: 8, seed: 52).map { $0 * 10 }, dimension: 12)
        try waitUntil(timeout: 20, "8 alerts stored") {
            ((try? Self.stored(harness).count) ?? 0) >= rowsBefore + 8
        }
        let rows = try Self.stored(harness)
        #expect(
            rows.allSatisfy {
                $0.episodeCount == 1 && $0.episode?.lastReceiveTime == $0.receiveTime && $0.episode?.maxScore == $0.anomalyScore
            })
        harness.stop()
    }
}
