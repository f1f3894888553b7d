#if canImport(Glibc)
    import Glibc
#endif
import AECTLKit
import Foundation
import Store
import Testing
import Wire

/// The README's signal table, against the release `aed` on a temporary state folder: every
/// ignored signal leaves it running and answering `aectl status`; every stop signal stops it
/// cleanly (exit 0, the WAL in `aed.db`, the database sound and complete).
@Suite(.serialized, .timeLimit(.minutes(10))) struct SignalTableTests {
    /// A running release aed and where it logs and listens.
    struct Launched {
        var process: Process
        var log: String
        var control: String
        var ingest: String
    }

    static func launch(_ aed: String, state: String, extra: [String] = []) throws -> Launched {
        let log = state + "/aed.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let control = "ipc://\(state)/control.sock"
        let ingest = "tcp://127.0.0.1:\(freeTCPPort())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aed)
        process.arguments = ["--state-dir", state, "--ingest", ingest, "--control", control] + extra
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let client = try ControlClient(endpoint: control, timeoutMilliseconds: 1_000)
        try waitUntil(timeout: 30, "aed answers") { (try? client.status()) != nil }
        return Launched(process: process, log: log, control: control, ingest: ingest)
    }

    static func temporaryState() throws -> String {
        let state = NSTemporaryDirectory() + "aed-signal-table-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        return state
    }

    static func logText(_ launched: Launched) -> String {
        (try? String(contentsOfFile: launched.log, encoding: .utf8)) ?? ""
    }

    /// Ignored (or left at a default that ignores or continues): aed keeps running.
    static var ignoredSignals: [Int32] {
        [
            SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU, SIGIO, SIGSTKFLT,
            SIGWINCH, SIGCONT, SIGCHLD, SIGURG, __libc_current_sigrtmin(), __libc_current_sigrtmin() + 1,
            __libc_current_sigrtmax(),
        ]
    }

    @Test func ignoredSignalsLeaveAedRunningAndAnswering() throws {
        guard let aed = ReleaseBinaries.path("aed"), let aectl = ReleaseBinaries.path("aectl") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = try Self.temporaryState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let launched = try Self.launch(aed, state: state)
        defer { if launched.process.isRunning { launched.process.terminate() } }
        let client = try ControlClient(endpoint: launched.control, timeoutMilliseconds: 2_000)
        for number in Self.ignoredSignals {
            #expect(kill(launched.process.processIdentifier, number) == 0)
            // A signal whose action ends the process has done so when kill() returns (the kernel
            // takes the whole group down before delivering anything else), and a stopped
            // process does not answer: an answer after kill() means the signal was survived.
            #expect((try? client.status())?.ok == true, "aed did not answer after signal \(number)")
            #expect(launched.process.isRunning, "aed ended after signal \(number)")
        }
        try waitUntil(timeout: 10, "SIGUSR1 and SIGUSR2 logged") {
            let text = Self.logText(launched)
            return text.contains("signal=SIGUSR1") && text.contains("signal=SIGUSR2")
        }
        #expect(Self.logText(launched).contains("signal ignored"))
        let status = try runProcess(aectl, ["--control", launched.control, "status"], timeout: 30)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("aed "))

        kill(launched.process.processIdentifier, SIGTERM)
        try waitUntil(timeout: 20, "aed exits after SIGTERM") { !launched.process.isRunning }
        #expect(launched.process.terminationStatus == 0)
        #expect(launched.process.terminationReason == .exit)
    }

    /// Stop signals: the same clean stop as SIGTERM.
    static var stopSignals: [Int32] { [SIGTERM, SIGINT, SIGQUIT, SIGXCPU, SIGPWR] }

    @Test(arguments: stopSignals)
    func stopSignalStopsCleanly(number: Int32) throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let state = try Self.temporaryState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let launched = try Self.launch(aed, state: state)
        defer { if launched.process.isRunning { launched.process.terminate() } }
        let client = try ControlClient(endpoint: launched.control, timeoutMilliseconds: 2_000)
        // Rows written after the start-up checkpoint, so a stop without one would leave them in the WAL.
        let options = PublishOptions(endpoint: launched.ingest, stream: "s", format: .binary, batch: 50, waitSeconds: 10)
        _ = try Publisher.publish(values: demoVectors(count: 100, seed: 5), dimension: 12, options: options)
        try waitUntil(timeout: 15, "the vectors arrive") { (try? client.status().streams.first?.received) == 100 }

        kill(launched.process.processIdentifier, number)
        try waitUntil(timeout: 30, "aed exits after signal \(number)") { !launched.process.isRunning }
        #expect(launched.process.terminationReason == .exit, "signal \(number) ended aed without a clean stop")
        #expect(launched.process.terminationStatus == 0)
        let text = Self.logText(launched)
        #expect(text.contains("stop requested"), "\(text)")
        #expect(text.contains("aed stopped"), "\(text)")
        // The database is whole by itself: WAL checkpointed, sound, with the stream.
        let wal = (try? FileManager.default.attributesOfItem(atPath: state + "/aed.db-wal"))?[.size] as? Int
        #expect((wal ?? 0) == 0)
        let store = try Store.openReadOnly(path: state + "/aed.db")
        defer { try? store.close() }
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.streams().map(\.name) == ["s"])
    }
}
