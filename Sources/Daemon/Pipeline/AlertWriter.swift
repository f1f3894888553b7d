import Foundation
import Logging
import Store

/// The store writer thread: commits alerts in batched transactions, off the ingest path.
///
/// The ingest thread `submit`s alerts; the writer takes everything queued (waiting at most
/// `flushInterval` seconds) and commits it in one `recordAlerts` transaction. The queue is
/// bounded: beyond `capacity` queued alerts new ones are dropped and counted, so a slow disk
/// cannot grow memory without limit.
final class AlertWriter: @unchecked Sendable {
    private let queue = BlockingQueue<NewAlert>()
    private let store: Store
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)
    let capacity: Int
    let flushInterval: Double
    /// Alerts committed, and alerts lost (store error or full queue).
    let totals = Locked<(written: Int, dropped: Int)>((0, 0))
    private var started = false

    /// Alerts older than this are deleted, seconds (0 keeps them); with old model versions.
    let retention: Double
    /// Model versions kept per stream and detector when pruning.
    static let keptModelVersions = 5
    /// How often the writer prunes, seconds.
    static let pruneInterval = 3_600.0

    init(store: Store, logger: Logger, retention: Double, capacity: Int = 100_000, flushInterval: Double = 0.05) {
        self.store = store
        self.logger = logger
        self.retention = retention
        self.capacity = capacity
        self.flushInterval = flushInterval
    }

    func start() {
        started = true
        let thread = Thread { [self] in
            var lastPrune = 0.0
            while let batch = queue.takeAll(timeout: flushInterval) {
                let now = Date().timeIntervalSince1970
                if retention > 0, now - lastPrune >= Self.pruneInterval {
                    lastPrune = now
                    prune(now: now)
                }
                guard !batch.isEmpty else { continue }
                commit(batch)
            }
            finished.signal()
        }
        thread.name = "aed-alert-writer"
        thread.start()
    }

    /// Queues alerts for the next commit; returns how many were dropped because the queue is full.
    @discardableResult func submit(_ alerts: [NewAlert]) -> Int {
        guard !alerts.isEmpty else { return 0 }
        if queue.count + alerts.count > capacity {
            totals.withLock { $0.dropped += alerts.count }
            return alerts.count
        }
        return queue.put(contentsOf: alerts) ? 0 : alerts.count
    }

    /// Commits what is queued and stops, waiting up to `timeout` seconds.
    @discardableResult func stop(timeout: Double) -> Bool {
        queue.close()
        guard started else { return true }
        return finished.wait(timeout: .now() + timeout) == .success
    }

    /// Deletes alerts older than the retention and old model versions (never active ones).
    private func prune(now: Double) {
        do {
            let report = try store.prune(alertsReceivedBefore: now - retention, keepModelVersions: Self.keptModelVersions)
            if report.alertsDeleted > 0 || report.modelsDeleted > 0 {
                logger.info(
                    "pruned old alerts and models",
                    metadata: ["alerts": "\(report.alertsDeleted)", "models": "\(report.modelsDeleted)"])
            }
        } catch {
            logger.warning("pruning failed", metadata: ["error": "\(error)"])
        }
    }

    private func commit(_ batch: [NewAlert]) {
        do {
            try store.recordAlerts(batch)
            totals.withLock { $0.written += batch.count }
        } catch {
            // One bad alert must not lose the batch: retry one by one, count what fails.
            var lost = 0
            for alert in batch {
                do { try store.recordAlerts([alert]) } catch { lost += 1 }
            }
            totals.withLock {
                $0.written += batch.count - lost
                $0.dropped += lost
            }
            logger.error("alert batch commit failed", metadata: ["count": "\(batch.count)", "lost": "\(lost)", "error": "\(error)"])
        }
    }
}
