import Alerts
import Foundation
import Store
import Wire

/// What the ingest thread hands to readers off it: the status reply (`aectl status`'s), and
/// for the live page the recent anomaly scores and alerts.
struct StatusSnapshot: Sendable {
    /// The status reply, as `aectl status` gets it.
    var status: StatusReply
    /// The recent anomaly scores of the streams the live page charts (`chartedStreams`), by
    /// stream; empty when no reader asked for them.
    var recentScores: [String: RecentScores] = [:]
    /// The last alerts stored (an episode's first), oldest first, at most
    /// `StreamPipeline.recentAlertCapacity`; empty when no reader asked for them.
    var recentAlerts: [Alert] = []

    /// Streams the live page draws charts for, at most this many.
    static let maximumChartedStreams = 24

    /// The streams to chart, in the page's order: the highest recent alert rate relative to the
    /// target false-positive rate first (a stream over its target is what an operator looks
    /// for), then by name; at most `maximumChartedStreams`.
    static func chartedStreams(_ streams: [StreamStatus]) -> [String] {
        func pressure(_ stream: StreamStatus) -> Double {
            guard let rate = stream.recentAlertRate, rate.isFinite else { return -1 }
            let target = stream.targetFalsePositiveRate ?? 0
            return target > 0 ? rate / target : rate
        }
        return streams.map { (name: $0.name, pressure: pressure($0)) }
            .sorted { ($0.pressure, $1.name) > ($1.pressure, $0.name) }
            .prefix(maximumChartedStreams).map(\.name)
    }
}

/// Status snapshots for readers off the ingest thread (the metrics endpoint and its live page),
/// built by the ingest thread, which owns the pipeline, only when someone waits for one.
///
/// A reader calls `next(timeout:recent:)` and suspends; the ingest loop checks `isWanted` once a
/// turn (at most 100 ms apart) and, when a reader waits, builds one snapshot with the same
/// `StatusReporter` that answers `aectl status` (with the recent scores and alerts when a
/// waiting reader asked for them) and hands it to every waiting reader. So metrics, the live
/// page and `aectl status` read the same counters, the loop pays nothing while nobody scrapes,
/// and a slow or stalled HTTP client never holds the ingest thread: it only waits for a value.
/// After `close()` (the loop ended) readers get the last snapshot at once.
final class StatusSnapshots: @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [Int: (continuation: CheckedContinuation<StatusSnapshot?, Never>, recent: Bool)] = [:]
    private var nextID = 0
    private var latest: StatusSnapshot?
    private var closed = false

    /// Whether a reader waits for a snapshot (the ingest loop then builds one).
    var isWanted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !waiters.isEmpty
    }

    /// Builds a snapshot with `build` (on the ingest thread) when a reader waits, or always
    /// when `force`, and hands it to every waiting reader. `build` gets whether a waiting reader
    /// asked for the recent scores and alerts.
    func publish(force: Bool = false, _ build: (_ recent: Bool) -> StatusSnapshot) {
        lock.lock()
        let wanted = !waiters.isEmpty
        let recent = waiters.values.contains { $0.recent }
        lock.unlock()
        guard force || wanted else { return }
        let snapshot = build(recent)
        lock.lock()
        latest = snapshot
        let resumed = waiters
        waiters.removeAll()
        lock.unlock()
        for waiter in resumed.values { waiter.continuation.resume(returning: snapshot) }
    }

    /// Ends publishing (the ingest loop stopped): waiting and later readers get the last snapshot.
    func close() {
        lock.lock()
        closed = true
        let resumed = waiters
        waiters.removeAll()
        let snapshot = latest
        lock.unlock()
        for waiter in resumed.values { waiter.continuation.resume(returning: snapshot) }
    }

    /// The next snapshot the ingest thread builds (with the recent scores and alerts when
    /// `recent`); after `timeout` seconds without one (the loop is busy or stopped), the last
    /// one built (which may lack them), or nil when there is none yet.
    func next(timeout: Double, recent: Bool = false) async -> StatusSnapshot? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if closed {
                let snapshot = latest
                lock.unlock()
                continuation.resume(returning: snapshot)
                return
            }
            let id = nextID
            nextID += 1
            waiters[id] = (continuation, recent)
            lock.unlock()
            // A dispatch timer, not a task: the timeout fires without a cooperative thread.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in expire(id) }
        }
    }

    private func expire(_ id: Int) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        let snapshot = latest
        lock.unlock()
        waiter?.continuation.resume(returning: snapshot)
    }
}
