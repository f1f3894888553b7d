import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Store

@Suite("Concurrent readers and one writer")
struct ConcurrencyTests {
    /// What the reader threads saw.
    struct Observations: Sendable {
        var errors: [String] = []
        var reads = 0
        var counts: [[Int]] = []
    }

    @Test("readers run while a writer inserts 100 000 alerts; nobody sees \"database is locked\"",
          .timeLimit(.minutes(10)))
    func readersNeverBlockTheWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("aed.db")
        let writer = try Store.open(path: path)
        try writer.upsertStream(name: "s1", dimension: 38)
        let batches = 100
        let batchSize = 1_000

        let done = Atomic<Bool>(false)
        let observations = Mutex(Observations())
        let group = DispatchGroup()
        // Each reader signals after its first read; the writer starts only then, so the reads
        // overlap the writes even when the test runner's other tests keep the cores busy.
        let readersStarted = DispatchSemaphore(value: 0)
        // Two readers with their own read-only connections (like aectl), one through the
        // writer's pool (like the daemon's status handler).
        for reader in 0..<3 {
            group.enter()
            // Dedicated threads: the global queue's width may be taken by parallel tests.
            Thread {
                defer { group.leave() }
                var seen: [Int] = []
                var errors: [String] = []
                var reads = 0
                do {
                    let store = reader < 2 ? try Store.openReadOnly(path: path) : writer
                    repeat {
                        let count = try store.alertCounts().first?.count ?? 0
                        seen.append(count)
                        let newest = try store.alerts(stream: "s1", limit: 20)
                        if newest.count != min(20, count) && newest.count < 20 {
                            errors.append("reader \(reader): \(newest.count) newest of \(count)")
                        }
                        reads += 1
                        if reads == 1 { readersStarted.signal() }
                    } while !done.load(ordering: .acquiring)
                    if reader < 2 { try store.close() }
                } catch {
                    errors.append("reader \(reader): \(error)")
                    if reads == 0 { readersStarted.signal() }
                }
                observations.withLock {
                    $0.errors += errors
                    $0.reads += reads
                    $0.counts.append(seen)
                }
            }.start()
        }
        for _ in 0..<3 { _ = readersStarted.wait(timeout: .now() + 30) }

        var writeError: (any Error)?
        do {
            for batch in 0..<batches {
                let alerts = (0..<batchSize).map { Fixture.alert(time: Double(batch * batchSize + $0)) }
                try writer.recordAlerts(alerts)
            }
        } catch {
            writeError = error
        }
        done.store(true, ordering: .releasing)
        group.wait()

        #expect(writeError == nil, "writer failed: \(String(describing: writeError))")
        let result = observations.withLock { $0 }
        #expect(result.errors.isEmpty, "\(result.errors.prefix(5))")
        #expect(result.reads > 0)
        for seen in result.counts {
            // Each reader sees whole batches only, and never goes back in time.
            #expect(seen.allSatisfy { $0 % batchSize == 0 })
            #expect(seen == seen.sorted())
        }
        #expect(try writer.alertCounts().first?.count == batches * batchSize)
        #expect(try writer.integrityCheck() == ["ok"])
        try writer.close()
    }
}
