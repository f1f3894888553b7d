import Dispatch
import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Crash safety")
struct CrashTests {
    /// The `aed-store-crashtest` executable next to the test runner in the build products
    /// directory (`swift build --build-tests` builds it with every other target).
    static func helperURL() throws -> URL {
        var candidates: [URL] = []
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: runner).deletingLastPathComponent())
        }
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // On macOS the runner lives inside aedPackageTests.xctest/Contents/MacOS.
        candidates += candidates.map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        for directory in candidates {
            let helper = directory.appendingPathComponent("aed-store-crashtest")
            if FileManager.default.isExecutableFile(atPath: helper.path) { return helper }
        }
        Issue.record("""
            aed-store-crashtest not found next to the test runner (looked in \
            \(candidates.map(\.path))); build it with `swift build --build-tests`
            """)
        throw CocoaError(.fileNoSuchFile)
    }

    @Test("a writer SIGKILLed mid-batch leaves a sound database holding every reported batch",
          .timeLimit(.minutes(10)), arguments: [20, 45])
    func killedWriterLosesNothingCommitted(reportedBatchesBeforeKill: Int) throws {
        let helper = try Self.helperURL()
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let batchSize = 2_000

        let process = Process()
        process.executableURL = helper
        process.arguments = [path, "100000", String(batchSize)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let pid = process.processIdentifier
        // Watchdog: a helper that stops reporting is killed, which ends the read loop below.
        // A thread of its own: the global queue's threads may all be held by blocking tests.
        let finished = DispatchSemaphore(value: 0)
        Thread {
            if finished.wait(timeout: .now() + 60) == .timedOut { kill(pid, SIGKILL) }
        }.start()

        var committed: [Int] = []
        var pending = ""
        let reader = output.fileHandleForReading
        reading: while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending += String(decoding: chunk, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = String(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.hasPrefix("committed "), let batch = Int(line.dropFirst(10)) {
                    committed.append(batch)
                    if committed.count >= reportedBatchesBeforeKill {
                        // The helper is already inside its next batch's transaction.
                        kill(pid, SIGKILL)
                        break reading
                    }
                }
            }
        }
        process.waitUntilExit()
        finished.signal()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)
        try #require(committed.count >= reportedBatchesBeforeKill, "helper reported \(committed)")
        #expect(committed == Array(0..<committed.count))

        let store = try Store.open(path: path)
        #expect(try store.integrityCheck() == ["ok"])
        let perBatch = try store.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT CAST(vector_time AS INTEGER), COUNT(*) FROM alerts GROUP BY 1 ORDER BY 1"
            ).map { row -> (Int, Int) in (try row.decode(atIndex: 0), try row.decode(atIndex: 1)) }
        }
        // Every reported batch is there, whole.
        for batch in committed {
            #expect(perBatch.first { $0.0 == batch }?.1 == batchSize, "batch \(batch) incomplete")
        }
        // Nothing partial: at most one more batch (committed but not yet reported), whole.
        #expect(perBatch.allSatisfy { $0.1 == batchSize })
        #expect(perBatch.count <= committed.count + 1)
        #expect(perBatch.map(\.0) == Array(0..<perBatch.count))
        // The database is usable after the crash.
        try store.recordAlerts([Fixture.alert(stream: "crash", time: 1)])
        try store.close()
    }
}
