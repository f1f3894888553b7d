import Daemon
import Foundation
import Testing
import Wire

/// Replay and the live daemon are the same pipeline: over the same vectors with the same model
/// and no timer firing, they raise the same alerts.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReplayLiveAgreementTests {
    /// `message`: vectors a message; `scoringThreads`: with 400 vectors in one message and 2
    /// threads, the live micro-batch is scored in two shares (`ScoringWorkers`).
    @Test(arguments: [(50, 1), (400, 2)])
    func replayAndTheLiveDaemonAgreeOnAlerts(message: Int, scoringThreads: Int) throws {
        let files = try ReplayFiles()
        defer { files.remove() }
        let series = SyntheticSeries(seed: 7)
        let test = series.rows(400, from: 700) { row, values in
            if (900..<940).contains(row) || row % 97 == 0 { values[1] += 6 }
        }
        let train = try files.write("train.csv", rows: series.rows(700))
        let testFile = try files.write("test.csv", rows: test)
        let start = (Date().timeIntervalSince1970 - 5 * 86_400).rounded()
        let state = files.path("state")
        let toml = replayTOML(
            ["min_samples": "600"], tail: "[alerts]\nepisodes = false\n[daemon]\nscoring_threads = \(scoringThreads)\n")
        let outcome = try replay(toml, train: train, file: testFile, stateDirectory: state, tsStart: start)
        let trace = try #require(outcome.traces.first)
        // Compare from where the replay scored with the model the live daemon restores (its last).
        let finalThreshold = try #require(trace.thresholds.last)
        var first = trace.thresholds.count
        while first > 700, trace.thresholds[first - 1] == finalThreshold { first -= 1 }
        #expect(first < 900, "the replay's model came too late to compare")
        let compared = Set(outcome.times[first..<1_100])
        let replayAlerts = Set((first..<1_100).filter { trace.alerted[$0] }.map { outcome.times[$0] })
        #expect(!replayAlerts.isEmpty)

        // The live daemon restores the replay's model and scores the same test vectors.
        let harness = try DaemonHarness(toml: toml, stateDirectory: state)
        let liveStart = Date().timeIntervalSince1970
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        for chunk in stride(from: 0, to: test.count, by: message) {
            let rows = Array(test[chunk..<min(chunk + message, test.count)])
            let times = (0..<rows.count).map { outcome.times[700 + chunk + $0] }
            try raw.send([Array("replay".utf8), WireEncoder.encode(.binary, values: rows.flatMap { $0 }, dimension: 6, timestamps: times)])
        }
        let status = try harness.waitForStatus { $0.streams.first?.scored == test.count }
        #expect(status.daemon.scoringThreads == scoringThreads)
        harness.stop()
        let again = try DaemonHarness(toml: toml, stateDirectory: state)
        let stored = try again.client.alerts(stream: "replay", since: nil, limit: 100_000).alerts
        again.stop()
        let liveAlerts = Set(stored.filter { $0.receiveTime >= liveStart }.map(\.vectorTime)).intersection(compared)
        for time in liveAlerts.symmetricDifference(replayAlerts).sorted() {
            let row = Int(((time - start) / 60).rounded())
            let score = row >= 0 && row < trace.scores.count ? trace.scores[row] : .nan
            let threshold = row >= 0 && row < trace.thresholds.count ? trace.thresholds[row] : .nan
            Issue.record("row \(row): replay score \(score), threshold \(threshold), live \(liveAlerts.contains(time))")
        }
        #expect(liveAlerts == replayAlerts)
    }
}
