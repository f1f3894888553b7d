import Foundation
import Logging
import Store
import Wire

/// The store writer thread: commits alerts and episode growth in batched transactions, off
/// the ingest path.
///
/// The ingest thread `submit`s alerts and episode growth; the writer takes everything queued
/// (waiting at most `flushInterval` seconds) and commits it in one `recordAlerts` transaction:
/// an episode that grew in the batch that opened it is inserted with its count, one opened in
/// an earlier batch gets one update of its row, whatever the number of crossings. The queue is
/// bounded: beyond `capacity` queued items new ones are dropped and counted, so a slow disk
/// cannot grow memory without limit.
final class AlertWriter: @unchecked Sendable {
    private let queue = BlockingQueue<AlertWrite>()
    private let store: Store
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)
    let capacity: Int
    let flushInterval: Double
    /// Alerts committed, and alerts lost (store error or full queue).
    let totals = Locked<(written: Int, dropped: Int)>((0, 0))
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
                if now - lastPrune >= Self.pruneInterval {
                    lastPrune = now
                    if retention > 0 { prune(now: now) } else { checkpoint() }
                }
                guard !batch.isEmpty else { continue }
                commit(batch)
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

    /// Commits what is queued and stops, waiting up to `timeout` seconds.
    @discardableResult func stop(timeout: Double) -> Bool {
        queue.close()
        guard started else { return true }
        return finished.wait(timeout: .now() + timeout) == .success
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
            logger.warning("pruning failed", metadata: ["error": "\(error)"])
        }
    }

    /// Copies the WAL into the database file and truncates it (pruning does it too).
    private func checkpoint() {
        do {
            try store.checkpoint()
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// Commits one batch: its alerts (episodes that grew in the batch with their count) and
    /// one update per episode stored by an earlier batch, in one transaction.
    private func commit(_ batch: [AlertWrite]) {
        var alerts: [NewAlert] = []
        var keys: [AlertEpisodeKey?] = []
        var openedHere: [AlertEpisodeKey: Int] = [:]
        var updates: [AlertEpisodeKey: AlertEpisodeUpdate] = [:]
        var updateOrder: [AlertEpisodeKey] = []
        var snapshots: [String: BufferSnapshotWrite] = [:]
        var shifts: [LevelShift] = []
        for write in batch {
            switch write {
            case .shift(let shift):
                shifts.append(shift)
            case .snapshot(let snapshot):
                snapshots[snapshot.stream] = snapshot
            case .record(let alert, let key):
                if let key { openedHere[key] = alerts.count }
                alerts.append(alert)
                keys.append(key)
            case .extend(let key, let episode):
                if let index = openedHere[key] {
                    alerts[index].episode = episode
                } else if let row = episodeRows[StreamDetector(stream: key.stream, detector: key.detector)],
                    row.serial == key.serial
                {
                    if updates[key] == nil { updateOrder.append(key) }
                    updates[key] = AlertEpisodeUpdate(alertID: row.id, episode: episode)
                }
                // Otherwise the episode's first alert was lost (full queue, store error): nothing to grow.
            }
        }
        saveSnapshots(snapshots.values)
        saveShifts(shifts)
        let episodeUpdates = updateOrder.compactMap { updates[$0] }
        do {
            let ids = try store.recordAlerts(alerts, extendingEpisodes: episodeUpdates)
            remember(keys: keys, ids: ids)
            totals.withLock { $0.written += alerts.count }
        } catch {
            // One bad alert must not lose the batch: retry one by one, count what fails.
            var lost = 0
            var ids: [Int64?] = []
            for alert in alerts {
                do { ids.append(try store.recordAlerts([alert]).first) } catch {
                    ids.append(nil)
                    lost += 1
                }
            }
            remember(keys: keys, ids: ids)
            for update in episodeUpdates {
                do { try store.recordAlerts([], extendingEpisodes: [update]) } catch {
                    logger.warning("alert episode update failed", metadata: ["alert": "\(update.alertID)", "error": "\(error)"])
                }
            }
            totals.withLock {
                $0.written += alerts.count - lost
                $0.dropped += lost
            }
            logger.error("alert batch commit failed", metadata: ["count": "\(alerts.count)", "lost": "\(lost)", "error": "\(error)"])
        }
    }

    /// Notes the rows of the episodes a commit opened, so their later growth updates them.
    private func remember(keys: [AlertEpisodeKey?], ids: [Int64?]) {
        for (key, id) in zip(keys, ids) {
            guard let key, let id else { continue }
            episodeRows[StreamDetector(stream: key.stream, detector: key.detector)] = (key.serial, id)
        }
    }

    /// Records level shifts (their streams exist: a shift needs scored vectors).
    private func saveShifts(_ shifts: [LevelShift]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for shift in shifts {
            do {
                let document = String(decoding: try encoder.encode(shift), as: UTF8.self)
                try store.recordShift(stream: shift.stream, detected: shift.detected, document: document)
            } catch {
                logger.error("level shift not recorded", metadata: ["stream": "\(shift.stream)", "error": "\(error)"])
            }
        }
    }

    /// Saves periodic buffer snapshots (each replaces its stream's previous one).
    private func saveSnapshots(_ snapshots: some Collection<BufferSnapshotWrite>) {
        for snapshot in snapshots {
            do {
                try store.saveBufferSnapshot(
                    stream: snapshot.stream, dimension: snapshot.dimension, count: snapshot.count, values: snapshot.values,
                    censored: snapshot.censored)
            } catch {
                logger.error("buffer snapshot failed", metadata: ["stream": "\(snapshot.stream)", "error": "\(error)"])
            }
        }
    }
}
