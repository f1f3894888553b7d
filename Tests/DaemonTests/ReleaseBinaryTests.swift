import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(10))) struct ReleaseBinaryTests {
    @Test func checkConfigNamesTheKey() throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let directory = NSTemporaryDirectory() + "aed-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let example = ReleaseBinaries.repositoryRoot.appendingPathComponent("etc/aed/aed.toml").path
        let ok = try runProcess(aed, ["--check-config", "--config", example], timeout: 30)
        #expect(ok.status == 0)
        #expect(ok.stderr.contains("configuration ok"))

        let bad = directory + "/bad.toml"
        try "[defaults]\nepochs = \"many\"\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let rejected = try runProcess(aed, ["--check-config", "--config", bad], timeout: 30)
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("defaults.epochs"))
        #expect(rejected.stderr.contains("integer"))

        let unknown = directory + "/unknown.toml"
        try "[daemon]\nstatedir = \"x\"\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        let typo = try runProcess(aed, ["--check-config", "--config", unknown], timeout: 30)
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("unknown configuration key 'daemon.statedir'"))

        // A tcp control endpoint without CURVE is refused unless the configuration allows it.
        let plaintext = try runProcess(aed, ["--check-config", "--config", example, "--control", "tcp://127.0.0.1:7700"], timeout: 30)
        #expect(plaintext.status != 0)
        #expect(plaintext.stderr.contains("daemon.control") && plaintext.stderr.contains("control_allow_plaintext_tcp"))
        let allowed = directory + "/allowed.toml"
        try "[daemon]\ncontrol = \"tcp://127.0.0.1:7700\"\ncontrol_allow_plaintext_tcp = true\n".write(
            toFile: allowed, atomically: true, encoding: .utf8)
        #expect(try runProcess(aed, ["--check-config", "--config", allowed], timeout: 30).status == 0)
        let missingKey = directory + "/missing-key.toml"
        try "[daemon]\ncurve_secret_key_file = \"\(directory)/none.key\"\ncontrol_authorized_keys = \"\(directory)\"\n".write(
            toFile: missingKey, atomically: true, encoding: .utf8)
        let missing = try runProcess(aed, ["--check-config", "--config", missingKey], timeout: 30)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("daemon.curve_secret_key_file") && missing.stderr.contains("cannot read key file"))
        let metrics = directory + "/metrics.toml"
        try "[daemon]\nmetrics_listen = \"127.0.0.1:99999\"\n".write(toFile: metrics, atomically: true, encoding: .utf8)
        let badAddress = try runProcess(aed, ["--check-config", "--config", metrics], timeout: 30)
        #expect(badAddress.status != 0)
        #expect(badAddress.stderr.contains("daemon.metrics_listen"), "\(badAddress.stderr)")
        let badFlag = try runProcess(aed, ["--check-config", "--config", example, "--metrics-listen", "example.org:9464"], timeout: 30)
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("--metrics-listen"), "\(badFlag.stderr)")

        let version = try runProcess(aed, ["--version"], timeout: 30)
        #expect(version.status == 0)
        #expect(!version.stdout.isEmpty)
        // `0.1.0 (OpenBLAS 0.3.21 kernel SkylakeX, <CPU model>)`: the kernel aed computes with.
        #expect(version.stdout.contains("(OpenBLAS "), "\(version.stdout)")
        #expect(version.stdout.contains(" kernel "), "\(version.stdout)")
    }

    @Test func hangupReloadsAndInterruptStopsCleanly() throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = NSTemporaryDirectory() + "aed-signals-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = state + "/aed.toml"
        try "[defaults]\nepochs = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let log = state + "/aed.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let control = "ipc://\(state)/control.sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aed)
        process.arguments = ["--config", config, "--state-dir", state, "--ingest", "tcp://127.0.0.1:\(freeTCPPort())",
                             "--control", control]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let client = try ControlClient(endpoint: control, timeoutMilliseconds: 1_000)
        try waitUntil(timeout: 30, "aed answers") { (try? client.status()) != nil }

        try "[defaults]\nepochs = 7\n[daemon]\nalert_publish = \"tcp://127.0.0.1:1\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try waitUntil(timeout: 10, "reload logged") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("configuration reloaded")
        }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("daemon.alert_publish"))
        #expect(try client.status().ok)

        kill(process.processIdentifier, SIGINT)
        try waitUntil(timeout: 10, "aed exits after SIGINT") { !process.isRunning }
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("aed stopped"))
    }
}
