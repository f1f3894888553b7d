import Foundation
import Logging
import Store
import Wire

/// The store writer thread: commits alerts and episode growth in batched transactions, off
/// the ingest path, and holds them in memory while the database refuses writes.
///
/// The ingest thread `submit`s alerts and episode growth; the writer takes everything queued
/// (waiting at most `flushInterval` seconds) and commits it in one `recordAlerts` transaction:
/// an episode that grew in the batch that opened it is inserted with its count, one opened in
/// an earlier batch gets one update of its row, whatever the number of crossings.
///
/// When SQLite refuses a write for a reason that can pass (disk full, read-only file system,
/// I/O error, lock timeout: `StorageFailureCause.isTransient`), nothing is lost: the writes stay
/// pending, in order, and the writer tries again after a delay that doubles from
/// `firstRetryDelay` to `maximumRetryDelay` seconds (it keeps taking new alerts meanwhile, so
/// scoring never waits). At most `capacity` alerts wait; beyond that the oldest are dropped
/// and counted (the newest say most about the system now). Each retry is the same single
/// transaction, so an alert is stored once or not at all. The log names the cause once when
/// writes start failing, then at most every `failureLogInterval` seconds, and once when they
/// recover. The queue from the ingest thread is bounded too: beyond `capacity` queued items
/// (the writer stuck in a commit, e.g. waiting for a lock) new ones are dropped and counted.
final class AlertWriter: @unchecked Sendable {
    private let queue = BlockingQueue<AlertWrite>()
    private let store: Store
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)
    /// Most alerts held while the database refuses writes (`[alerts] max_pending`).
    let capacity: Int
    let flushInterval: Double
    /// Alerts committed, and alerts lost (store error, full queue, full pending queue, or still
    /// pending at stop).
    let totals = Locked<(written: Int, dropped: Int)>((0, 0))
    /// Alerts waiting for the database now, those it never took (dropped from the full
    /// pending queue or still pending at stop), and whether the writer's last attempt failed,
    /// for `aectl status`.
    let waiting = Locked<(pending: Int, dropped: Int, failing: Bool)>((0, 0, false))
    private var started = false
    /// The row of the newest stored episode of each stream and detector, by key; only the
    /// writer thread touches it.
    private var episodeRows: [StreamDetector: (serial: Int, id: Int64)] = [:]

    private struct StreamDetector: Hashable {
        var stream: String
        var detector: String
    }

    /// Alerts whose episode ended longer ago than this are deleted, seconds (0 keeps them);
    /// with old model versions.
    let retention: Double
    /// Model versions kept per stream and detector when pruning.
    static let keptModelVersions = 5
    /// How often the writer prunes and checkpoints the WAL (only checkpoints with retention 0),
    /// seconds; the first time right after start.
    static let pruneInterval = 3_600.0
    /// Seconds before the first retry after a refused write; each further one doubles it.
    static let firstRetryDelay = 0.5
    /// The longest wait between retries, seconds.
    static let maximumRetryDelay = 10.0
    /// Seconds between two "still failing" log lines.
    static let failureLogInterval = 60.0

    /// A writer into `store`. `capacity` bounds the alerts waiting (>= 1), `flushInterval` is
    /// the longest wait for more alerts before a commit, seconds.
    init(store: Store, logger: Logger, retention: Double, capacity: Int = 100_000, flushInterval: Double = 0.05) {
        self.store = store
        self.logger = logger
        self.retention = retention
        self.capacity = max(1, capacity)
        self.flushInterval = flushInterval
    }

    /// The writer's view of a run of refused writes.
    private struct Failure {
        /// When the first write of the run failed, seconds since the Unix epoch.
        var since: Double
        var cause: StorageFailureCause
        /// When to try again.
        var nextAttempt: Double
        var delay: Double
        var lastLog: Double
        /// Alerts dropped from the full pending queue during the run.
        var dropped = 0
    }

    func start() {
        started = true
        let thread = Thread { [self] in
            var lastPrune = 0.0
            var pending = PendingWrites()
            var failure: Failure?
            while true {
                let wait = failure.map { max(0, $0.nextAttempt - Date().timeIntervalSince1970) } ?? flushInterval
                guard let batch = queue.takeAll(timeout: wait) else { break }
                pending.add(batch)
                let dropped = pending.dropOldest(keeping: capacity)
                if dropped > 0 { countDropped(dropped, failure: &failure) }
                let now = Date().timeIntervalSince1970
                if let current = failure, now < current.nextAttempt {
                    publish(pending, failing: true)
                    continue
                }
                if failure == nil && now - lastPrune >= Self.pruneInterval {
                    lastPrune = now
                    if retention > 0 { prune(now: now) } else { checkpoint() }
                }
                if !pending.isEmpty {
                    let written = pending.alertCount
                    if let cause = commit(&pending) {
                        failed(cause, now: Date().timeIntervalSince1970, pending: pending, failure: &failure)
                    } else if let ended = failure {
                        failure = nil
                        recovered(from: ended, written: written)
                    }
                }
                publish(pending, failing: failure != nil)
            }
            if !pending.isEmpty {
                // Stopping: one last attempt, then whatever the database refused is lost.
                let cause = commit(&pending)
                if let cause, pending.alertCount > 0 {
                    let lost = pending.alertCount
                    totals.withLock { $0.dropped += lost }
                    waiting.withLock { $0.dropped += lost }
                    logger.error(
                        "aed stops with alerts the database did not take; they are lost",
                        metadata: ["alerts": "\(lost)", "cause": "\(cause.rawValue)"])
                    pending.removeAlerts(lost)
                }
                publish(pending, failing: cause != nil)
            }
            finished.signal()
        }
        thread.name = "aed-alert-writer"
        thread.start()
    }

    /// Queues alerts and episode growth for the next commit; returns how many alerts were
    /// dropped because the queue is full (lost growth is superseded by the next).
    @discardableResult func submit(_ writes: [AlertWrite]) -> Int {
        guard !writes.isEmpty else { return 0 }
        if queue.count + writes.count > capacity || !queue.put(contentsOf: writes) {
            let alerts = writes.reduce(0) { count, write in
                if case .record = write { return count + 1 }
                return count
            }
            totals.withLock { $0.dropped += alerts }
            return alerts
        }
        return 0
    }

    /// Commits what is queued and stops, waiting up to `timeout` seconds. While the database
    /// refuses writes that is one more attempt; the alerts it refuses are lost and logged.
    @discardableResult func stop(timeout: Double) -> Bool {
        queue.close()
        guard started else { return true }
        return finished.wait(timeout: .now() + timeout) == .success
    }

    /// Shows the pending count and whether writes fail in status.
    private func publish(_ pending: PendingWrites, failing: Bool) {
        let count = pending.alertCount
        waiting.withLock {
            $0.pending = count
            $0.failing = failing
        }
    }

    /// Counts alerts dropped from the full pending queue, logging the first drop of a run.
    private func countDropped(_ dropped: Int, failure: inout Failure?) {
        totals.withLock { $0.dropped += dropped }
        waiting.withLock { $0.dropped += dropped }
        if failure?.dropped == 0 {
            logger.warning(
                "the queue of alerts waiting for the database is full; dropping the oldest",
                metadata: ["limit": "\(capacity)", "cause": "\(failure?.cause.rawValue ?? "-")"])
        }
        failure?.dropped += dropped
    }

    /// Notes a refused write: schedules the retry, and logs when writes start failing, when
    /// the cause changes, and otherwise at most every `failureLogInterval` seconds.
    private func failed(_ cause: StorageFailureCause, now: Double, pending: PendingWrites, failure: inout Failure?) {
        let message = store.storageHealth().lastWriteError?.message ?? "-"
        guard var current = failure else {
            failure = Failure(
                since: now, cause: cause, nextAttempt: now + Self.firstRetryDelay, delay: Self.firstRetryDelay,
                lastLog: now)
            logger.error(
                "database writes failing: \(cause.rawValue); alerts wait in memory until it takes them again",
                metadata: [
                    "cause": "\(cause.rawValue)", "error": "\(message)", "pending": "\(pending.alertCount)",
                    "limit": "\(capacity)", "database": "\(store.path)",
                ])
            return
        }
        current.delay = min(current.delay * 2, Self.maximumRetryDelay)
        current.nextAttempt = now + current.delay
        if cause != current.cause || now - current.lastLog >= Self.failureLogInterval {
            current.cause = cause
            current.lastLog = now
            logger.warning(
                "database writes still failing: \(cause.rawValue)",
                metadata: [
                    "cause": "\(cause.rawValue)", "error": "\(message)", "pending": "\(pending.alertCount)",
                    "dropped": "\(current.dropped)", "seconds": "\(Int(now - current.since))",
                ])
        }
        failure = current
    }

    /// Logs the end of a run of refused writes.
    private func recovered(from failure: Failure, written: Int) {
        logger.notice(
            "database writes recovered; the waiting alerts are stored",
            metadata: [
                "after": "\(failure.cause.rawValue)", "seconds": "\(Int(Date().timeIntervalSince1970 - failure.since))",
                "alerts": "\(written)", "dropped": "\(failure.dropped)",
            ])
    }

    /// The cause of `error` when it is a refusal of the database that may pass (retry), nil
    /// for bad input (drop).
    private func transientCause(_ error: any Error) -> StorageFailureCause? {
        guard let cause = store.failureCause(of: error), cause.isTransient else { return nil }
        return cause
    }

    /// Deletes alerts whose episode ended before the retention age, and old model versions
    /// (never active ones).
    private func prune(now: Double) {
        do {
            let report = try store.prune(alertsReceivedBefore: now - retention, keepModelVersions: Self.keptModelVersions)
            if report.alertsDeleted > 0 || report.modelsDeleted > 0 {
                logger.info(
                    "pruned old alerts and models",
                    metadata: ["alerts": "\(report.alertsDeleted)", "models": "\(report.modelsDeleted)"])
            }
        } catch {
            logger.warning(
                "pruning failed", metadata: ["cause": "\(store.failureCause(of: error)?.rawValue ?? "-")", "error": "\(error)"])
        }
    }

    /// Copies the WAL into the database file and truncates it (pruning does it too).
    private func checkpoint() {
        do {
            try store.checkpoint()
        } catch {
            logger.warning(
                "WAL checkpoint failed", metadata: ["cause": "\(store.failureCause(of: error)?.rawValue ?? "-")", "error": "\(error)"])
        }
    }

    /// Commits what is pending: stream registrations, buffer snapshots, level shifts, then the
    /// alerts with the growth of episodes stored earlier in one transaction; what is stored
    /// leaves `pending`.
    ///
    /// - Returns: nil when everything was stored or refused for good (bad input: logged and
    ///   counted), or the cause of a refusal that may pass; what it refused stays pending.
    private func commit(_ pending: inout PendingWrites) -> StorageFailureCause? {
        var registered = 0
        for stream in pending.streams {
            do {
                try store.upsertStream(name: stream.name, dimension: stream.dimension)
            } catch {
                if let cause = transientCause(error) {
                    pending.removeStreams(registered)
                    return cause
                }
                logger.error("cannot register stream", metadata: ["stream": "\(stream.name)", "error": "\(error)"])
            }
            registered += 1
        }
        pending.removeStreams(registered)
        for stream in pending.snapshots.keys.sorted() {
            guard let snapshot = pending.snapshots[stream] else { continue }
            do {
                try store.saveBufferSnapshot(
                    stream: snapshot.stream, dimension: snapshot.dimension, count: snapshot.count, values: snapshot.values,
                    censored: snapshot.censored)
            } catch {
                if let cause = transientCause(error) { return cause }
                logger.error("buffer snapshot failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            }
            pending.removeSnapshot(of: stream)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var recorded = 0
        for shift in pending.shifts {
            do {
                let document = String(decoding: try encoder.encode(shift), as: UTF8.self)
                try store.recordShift(stream: shift.stream, detected: shift.detected, document: document)
            } catch {
                if let cause = transientCause(error) {
                    pending.removeShifts(recorded)
                    return cause
                }
                logger.error("level shift not recorded", metadata: ["stream": "\(shift.stream)", "error": "\(error)"])
            }
            recorded += 1
        }
        pending.removeShifts(recorded)
        return commitAlerts(&pending)
    }

    /// Stores the pending alerts and episode growth in one transaction; after bad input, one
    /// alert at a time, so one bad alert does not lose the others.
    private func commitAlerts(_ pending: inout PendingWrites) -> StorageFailureCause? {
        let entries = Array(pending.pendingAlerts)
        // Growth of an episode whose first alert was lost (dropped, refused) has no row to grow.
        let updates = pending.growth.compactMap { key, episode -> AlertEpisodeUpdate? in
            guard let row = episodeRows[StreamDetector(stream: key.stream, detector: key.detector)], row.serial == key.serial
            else { return nil }
            return AlertEpisodeUpdate(alertID: row.id, episode: episode)
        }
        guard !entries.isEmpty || !updates.isEmpty else {
            pending.removeGrowth()
            return nil
        }
        do {
            let ids = try store.recordAlerts(entries.map(\.alert), extendingEpisodes: updates)
            remember(keys: entries.map(\.key), ids: ids)
            pending.removeAlerts(entries.count)
            pending.removeGrowth()
            totals.withLock { $0.written += entries.count }
            return nil
        } catch {
            if let cause = transientCause(error) { return cause }
            var lost = 0
            for entry in entries {
                do {
                    let ids = try store.recordAlerts([entry.alert])
                    remember(keys: [entry.key], ids: ids)
                    totals.withLock { $0.written += 1 }
                } catch {
                    if let cause = transientCause(error) { return cause }
                    lost += 1
                    totals.withLock { $0.dropped += 1 }
                }
                pending.removeAlerts(1)
            }
            for update in updates {
                do { try store.recordAlerts([], extendingEpisodes: [update]) } catch {
                    if let cause = transientCause(error) { return cause }
                    logger.warning("alert episode update failed", metadata: ["alert": "\(update.alertID)", "error": "\(error)"])
                }
            }
            pending.removeGrowth()
            logger.error("alert batch commit failed", metadata: ["count": "\(entries.count)", "lost": "\(lost)", "error": "\(error)"])
            return nil
        }
    }

    /// Notes the rows of the episodes a commit opened, so their later growth updates them.
    private func remember(keys: [AlertEpisodeKey?], ids: [Int64]) {
        for (key, id) in zip(keys, ids) {
            guard let key else { continue }
            episodeRows[StreamDetector(stream: key.stream, detector: key.detector)] = (key.serial, id)
        }
    }
}
