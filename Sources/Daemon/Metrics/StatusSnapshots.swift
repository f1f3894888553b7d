import Foundation

/// Status documents for readers off the ingest thread (the metrics endpoint), built by the
/// ingest thread, which owns the pipeline, only when someone waits for one.
///
/// A reader calls `next(timeout:)` and suspends; the ingest loop checks `isWanted` once a turn
/// (at most 100 ms apart) and, when a reader waits, builds one document with the same
/// `StatusReporter` that answers `aectl status` and hands it to every waiting reader. So
/// metrics and `aectl status` read the same counters, the loop pays nothing while nobody
/// scrapes, and a slow or stalled HTTP client never holds the ingest thread: it only waits
/// for a value. After `close()` (the loop ended) readers get the last document at once.
final class StatusSnapshots: @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [Int: CheckedContinuation<StatusDocument?, Never>] = [:]
    private var nextID = 0
    private var latest: StatusDocument?
    private var closed = false

    /// Whether a reader waits for a document (the ingest loop then builds one).
    var isWanted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !waiters.isEmpty
    }

    /// Builds a document with `build` (on the ingest thread) when a reader waits, or always
    /// when `force`, and hands it to every waiting reader.
    func publish(force: Bool = false, _ build: () -> StatusDocument) {
        guard force || isWanted else { return }
        let document = build()
        lock.lock()
        latest = document
        let resumed = waiters
        waiters.removeAll()
        lock.unlock()
        for waiter in resumed.values { waiter.resume(returning: document) }
    }

    /// Ends publishing (the ingest loop stopped): waiting and later readers get the last document.
    func close() {
        lock.lock()
        closed = true
        let resumed = waiters
        waiters.removeAll()
        let document = latest
        lock.unlock()
        for waiter in resumed.values { waiter.resume(returning: document) }
    }

    /// The next document the ingest thread builds; after `timeout` seconds without one (the
    /// loop is busy or stopped), the last one built, or nil when there is none yet.
    func next(timeout: Double) async -> StatusDocument? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if closed {
                let document = latest
                lock.unlock()
                continuation.resume(returning: document)
                return
            }
            let id = nextID
            nextID += 1
            waiters[id] = continuation
            lock.unlock()
            // A dispatch timer, not a task: the timeout fires without a cooperative thread.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in expire(id) }
        }
    }

    private func expire(_ id: Int) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        let document = latest
        lock.unlock()
        waiter?.resume(returning: document)
    }
}
