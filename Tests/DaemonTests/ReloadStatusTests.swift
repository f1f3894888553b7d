#if canImport(Glibc)
    import Glibc
#endif
import AECTLKit
import Foundation
import Testing
import Wire

/// SIGHUP with a broken or invalid file keeps the whole running configuration and shows the
/// failure (time and reason) in `aectl status` until a good file is applied.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReloadStatusTests {
    static func target(_ client: ControlClient) throws -> Double? {
        let frame = try client.send(.status)
        let object = try JSONSerialization.jsonObject(with: Data(frame)) as? [String: Any]
        let streams = object?["streams"] as? [[String: Any]]
        return streams?.first?["targetFalsePositiveRate"] as? Double
    }

    @Test func refusedReloadKeepsTheRunningConfigurationAndShowsInStatus() throws {
        guard let aed = ReleaseBinaries.path("aed"), let aectl = ReleaseBinaries.path("aectl") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = try SignalTableTests.temporaryState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = state + "/aed.toml"
        try "[defaults]\ntarget_false_positive_rate = 0.02\n".write(toFile: config, atomically: true, encoding: .utf8)
        let launched = try SignalTableTests.launch(aed, state: state, extra: ["--config", config])
        defer { if launched.process.isRunning { launched.process.terminate() } }
        let pid = launched.process.processIdentifier
        let client = try ControlClient(endpoint: launched.control, timeoutMilliseconds: 2_000)
        // A stream, so a per-stream key (the target false-positive rate) shows in status.
        let options = PublishOptions(endpoint: launched.ingest, stream: "s", format: .binary, batch: 10, waitSeconds: 10)
        _ = try Publisher.publish(values: demoVectors(count: 10, seed: 3), dimension: 12, options: options)
        try waitUntil(timeout: 15, "the stream appears") { (try? Self.target(client)) == 0.02 }
        #expect(try client.status().daemon.reload == nil)

        // A good reload applies.
        try "[defaults]\ntarget_false_positive_rate = 0.05\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try waitUntil(timeout: 15, "the first reload applies") { (try? Self.target(client)) == 0.05 }
        let applied = try #require(try client.status().daemon.reload)
        #expect(applied.lastApplied != nil)
        #expect(applied.lastFailure == nil)

        // A syntax error: refused, shown with its time and reason, nothing applied.
        try "[defaults\ntarget_false_positive_rate = 0.2\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try waitUntil(timeout: 15, "the broken file is refused") { (try? client.status().daemon.reload?.lastFailure) != nil }
        let syntax = try #require(try client.status().daemon.reload?.lastFailure)
        #expect(syntax.reason.contains("syntax"), "\(syntax.reason)")
        #expect(try Self.target(client) == 0.05)
        #expect(try client.status().daemon.reload?.lastApplied == applied.lastApplied)

        // A well-formed file with an invalid value: refused too, the failure replaced.
        try "[defaults]\nepochs = 3\ntarget_false_positive_rate = 2.0\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try waitUntil(timeout: 15, "the invalid file is refused") {
            (try? client.status().daemon.reload?.lastFailure?.reason.contains("target_false_positive_rate")) == true
        }
        let invalid = try #require(try client.status().daemon.reload?.lastFailure)
        #expect(invalid.time >= syntax.time)
        #expect(try Self.target(client) == 0.05)
        let shown = try runProcess(aectl, ["--control", launched.control, "status"], timeout: 30)
        #expect(shown.status == 0)
        let line = shown.stdout.split(separator: "\n").first { $0.hasPrefix("reload: ") }.map(String.init) ?? ""
        #expect(line.contains("reload: failed"), "\(shown.stdout)")
        #expect(line.contains("running configuration kept"), "\(line)")
        #expect(line.contains("target_false_positive_rate"), "\(line)")
        #expect(line.contains("last applied"), "\(line)")
        let log = SignalTableTests.logText(launched)
        #expect(log.contains("reload failed; keeping the whole running configuration"))

        // Fixed: the next reload applies and clears the failure.
        try "[defaults]\ntarget_false_positive_rate = 0.03\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try waitUntil(timeout: 15, "the fixed file applies") { (try? Self.target(client)) == 0.03 }
        let fixed = try #require(try client.status().daemon.reload)
        #expect(fixed.lastFailure == nil)
        #expect((fixed.lastApplied ?? 0) >= (applied.lastApplied ?? 0))
        let after = try runProcess(aectl, ["--control", launched.control, "status"], timeout: 30)
        #expect(after.stdout.contains("reload: applied"), "\(after.stdout)")

        kill(pid, SIGTERM)
        try waitUntil(timeout: 20, "aed exits after SIGTERM") { !launched.process.isRunning }
        #expect(launched.process.terminationStatus == 0)
    }
}
