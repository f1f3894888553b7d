import AECTLKit
import Foundation
import Testing
import Wire

/// The release `aed` as a service group: systemd notifications, SIGTERM, the state lock, and a
/// part that fails to start.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ServiceGroupBinaryTests {
    /// Starts the release aed on `state` with `NOTIFY_SOCKET` pointing at `listener`.
    static func launch(_ aed: String, state: String, ingest: String, listener: NotifyListener) throws -> (Process, String) {
        let log = state + "/aed-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aed)
        process.arguments = ["--state-dir", state, "--ingest", ingest, "--control", "ipc://\(state)/control.sock"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.path
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        return (process, log)
    }

    /// The next notification that is not a periodic `STATUS=`, `WATCHDOG=1` or start-timeout
    /// extension (`EXTEND_TIMEOUT_USEC=`) (nil after 5 s without any).
    static func nextState(_ listener: NotifyListener) -> String? {
        let periodic = ["STATUS=", "WATCHDOG=", "EXTEND_TIMEOUT_USEC="]
        while let message = listener.receive() {
            if !periodic.contains(where: { message.hasPrefix($0) }) { return message }
        }
        return nil
    }

    @Test func notifiesReadyAndStoppingRefusesASecondDaemonAndReleasesTheStateOnSIGTERM() throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = NSTemporaryDirectory() + "aed-group-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let listener = try NotifyListener(abstract: false)
        let ingest = "tcp://127.0.0.1:\(freeTCPPort())"
        let (first, log) = try Self.launch(aed, state: state, ingest: ingest, listener: listener)
        defer { if first.isRunning { first.terminate() } }
        let ready = try #require(Self.nextState(listener), "no READY=1 within 5 s")
        #expect(ready.hasPrefix("READY=1"))
        let client = try ControlClient(endpoint: "ipc://\(state)/control.sock", timeoutMilliseconds: 2_000)
        #expect(try client.status().ok)

        // A second daemon on the same state folder is refused before it touches anything.
        let second = try runProcess(aed, ["--state-dir", state, "--ingest", "tcp://127.0.0.1:\(freeTCPPort())",
                                          "--control", "ipc://\(state)/second.sock"], timeout: 30)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another aed is running"))
        #expect(try client.status().ok)

        // (Whether rows are still in the WAL here races with the writer's start-up checkpoint;
        // CleanStopBackupTests checks a WAL with rows in it deterministically.)
        let options = PublishOptions(endpoint: ingest, stream: "s", format: .binary, batch: 50, waitSeconds: 10)
        _ = try Publisher.publish(values: demoVectors(count: 100, seed: 81), dimension: 12, options: options)
        try waitUntil(timeout: 15, "the vectors arrive") { (try? client.status().streams.first?.received) == 100 }

        // SIGTERM: graceful shutdown in reverse order, STOPPING=1, exit 0 within seconds.
        kill(first.processIdentifier, SIGTERM)
        #expect(Self.nextState(listener) == "STOPPING=1")
        try waitUntil(timeout: 15, "aed exits after SIGTERM") { !first.isRunning }
        #expect(first.terminationStatus == 0)
        #expect(first.terminationReason == .exit)
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("aed stopped"))
        // The WAL went into aed.db at the stop: absent or empty.
        let wal = (try? FileManager.default.attributesOfItem(atPath: state + "/aed.db-wal"))?[.size] as? Int
        #expect((wal ?? 0) == 0)

        // The store was closed and the lock released: a new daemon starts on the same state.
        let (again, _) = try Self.launch(aed, state: state, ingest: ingest, listener: listener)
        defer { if again.isRunning { again.terminate() } }
        #expect(Self.nextState(listener)?.hasPrefix("READY=1") == true)
        kill(again.processIdentifier, SIGINT)
        #expect(Self.nextState(listener) == "STOPPING=1")
        try waitUntil(timeout: 15, "aed exits after SIGINT") { !again.isRunning }
        #expect(again.terminationStatus == 0)
    }

    @Test func aSocketThatCannotBeBoundStopsTheGroupWithExitStatus1() throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = NSTemporaryDirectory() + "aed-group-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let result = try runProcess(
            aed, ["--state-dir", state, "--ingest", "tcp://192.0.2.1:5", "--control", "ipc://\(state)/control.sock"],
            timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot bind or connect"))
        #expect(result.stderr.contains("aed stopped"))
        // Nothing was left locked: the state folder opens again.
        let retry = try runProcess(
            aed, ["--state-dir", state, "--ingest", "tcp://192.0.2.1:5", "--control", "ipc://\(state)/control.sock"],
            timeout: 30)
        #expect(retry.stderr.contains("cannot bind or connect"))
        #expect(!retry.stderr.contains("another aed is running"))
    }
}
