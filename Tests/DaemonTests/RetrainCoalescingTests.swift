import Daemon
import Foundation
import Testing
import Wire

/// At most one retrain per stream at a time: requests that arrive while one is queued or
/// running join it, are all answered, and say so; model versions only go up.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RetrainCoalescingTests {
    /// Slow enough in a debug build that requests sent together, or right after a run was
    /// seen starting, arrive while it is queued or running.
    static let toml = smallModelTOML(detectors: "[\"ae\", \"vae\"]")
        .replacingOccurrences(of: "hidden_sizes = [8]", with: "hidden_sizes = [128]")

    static func version(_ status: StatusReply) -> Int? {
        let models = status.streams.first { $0.name == "s" }?.models ?? []
        // The run trains both detectors: one version for both once it ended.
        guard models.count == 2, models[0].version == models[1].version else { return nil }
        return models[0].version
    }

    @Test func concurrentRequestsShareOneRunAndVersionsGoUpByOne() throws {
        let harness = try DaemonHarness(toml: Self.toml)
        defer {
            harness.stop()
            harness.removeState()
        }
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 7), dimension: 12)
        let first = try harness.waitForStatus(timeout: 120) { Self.version($0) == 1 && $0.streams.first?.state == .scoring }
        #expect(Self.version(first) == 1)

        // Five `retrain --wait` requests at once, each on its own client (connected first) and thread.
        let count = 5
        let endpoint = harness.endpoints.control
        let clients = try (0..<count).map { _ in try ControlClient(endpoint: endpoint, timeoutMilliseconds: 5_000) }
        for client in clients { _ = try client.status() }
        let replies = Locked<[RetrainReply]>([])
        let failures = Locked<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for client in clients {
            // Dedicated threads, not the global queue: in a full run, blocking tests can hold
            // every thread of the shared pool, and these requests would never start.
            group.enter()
            Thread {
                defer { group.leave() }
                start.wait()
                do {
                    let reply = try client.retrain(streams: ["s"], wait: true, timeoutMilliseconds: 120_000)
                    replies.withLock { $0.append(reply) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        for _ in 0..<count { start.signal() }
        #expect(group.wait(timeout: .now() + 150) == .success, "the retrain requests were not all answered")
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let answered = replies.withLock { $0 }
        #expect(answered.count == count)
        // One run answered them all: the same new version, one above the last, in every reply,
        // and every request but the one that queued the run says it was coalesced.
        let runs = answered.compactMap { $0.runs.first { $0.detector == "ae" } }
        #expect(runs.count == count)
        #expect(runs.allSatisfy { $0.outcome == "trained" && $0.modelVersion == 2 }, "\(runs)")
        #expect(runs.filter { $0.coalesced == true }.count == count - 1, "\(runs)")

        // A request while a run is in flight joins it (non-wait: the reply says so at once).
        _ = try harness.client.retrain(streams: ["s"], wait: false)
        try harness.waitForStatus(timeout: 60) { $0.streams.first?.state == .training }
        let joined = try harness.client.retrain(streams: ["s"], wait: false)
        #expect(joined.runs.first?.outcome == "coalesced", "\(joined)")
        #expect(joined.runs.first?.reason == "coalesced with the running retrain", "\(joined)")
        #expect(joined.runs.first?.coalesced == true)
        try harness.waitForStatus(timeout: 120) { Self.version($0) == 3 && $0.streams.first?.state == .scoring }

        // Nothing was left queued by the coalesced request: the next one runs on its own, one
        // version up.
        let next = try harness.client.retrain(streams: ["s"], wait: true, timeoutMilliseconds: 120_000)
        let run = try #require(next.runs.first { $0.detector == "ae" })
        #expect(run.modelVersion == 4, "\(next)")
        #expect(run.coalesced == nil, "\(next)")
    }
}
