import AECTLKit
import Foundation
import Testing
import Wire

@testable import Daemon
@testable import Store

/// Disk full, a read-only database, a failed model save (issue 14, storage): aed keeps scoring,
/// names the cause in status, holds alerts in a bounded queue (counting drops) and stores them
/// in order, once each, when the database takes writes again.
///
/// SQLite's own limits stand in for the faults in every environment: `PRAGMA max_page_count`
/// (`SQLITE_FULL`, as on a full disk) and `PRAGMA query_only` (`SQLITE_READONLY`).
/// `TmpfsDiskFullTests` fills a real small file system where mounting is permitted.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DiskFullTests {
    /// Alerts held while writes fail, small so the tests reach it.
    static let pendingLimit = 40

    @Test func alertsWaitWhileTheDiskIsFullAndLandInOrderWhenSpaceReturns() throws {
        let harness = try DiskFaultHarness()
        defer { harness.close() }
        let store = try harness.store()
        try store.limitPageCountToCurrentSize(true)

        // Far outside the normal range: every vector alerts, more than the queue holds.
        let before = try harness.harness.document()
        try harness.publishAnomalies(rounds: 12, seed: 100)
        var document = before
        do {
            try waitUntil(timeout: 180, "writes failing with disk full and the queue full") {
                guard let latest = try? harness.harness.document() else { return false }
                document = latest
                let storage = latest.daemon.storage
                return storage?.writesFailing == true && (storage?.droppedAlerts ?? 0) > 0
                    && latest.streams.first?.received == before.streams.first.map { $0.received + 240 }
            }
        } catch {
            Issue.record(
                "last status: storage \(String(describing: document.daemon.storage)), received \(document.streams.first?.received ?? -1) (before \(before.streams.first?.received ?? -1)), alerts \(document.streams.first?.alerts ?? -1), written \(document.alertsWritten ?? -1), dropped \(document.alertsDropped ?? -1)")
            throw error
        }
        let storage = try #require(document.daemon.storage)
        #expect(storage.lastWriteError?.cause == "disk full")
        #expect(storage.lastWriteError?.message.contains("SQLite error 13") == true)
        #expect((storage.pendingAlerts ?? 0) <= Self.pendingLimit)
        #expect((storage.pendingAlerts ?? 0) > 0)
        #expect(document.alertsDropped ?? 0 >= storage.droppedAlerts ?? 0)
        // aectl's storage line leads with the cause.
        let table = StatusTable.render(try harness.harness.client.status())
        #expect(table.contains("WRITES FAILING: disk full"))

        // Scoring goes on while the disk is full.
        let scored = try #require(document.streams.first?.scored)
        try harness.publishAnomalies(rounds: 2, seed: 200)
        try harness.harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= scored + 40 }

        // Space returns: the queued alerts land, in order, once each.
        try store.limitPageCountToCurrentSize(false)
        try waitUntil(timeout: 60, "the queued alerts stored") {
            guard let latest = try? harness.harness.document(), let storage = latest.daemon.storage else { return false }
            document = latest
            return storage.writesFailing == false && storage.pendingAlerts == 0
        }
        let counted = try #require(document.streams.first?.alerts)
        #expect((document.alertsWritten ?? 0) + (document.alertsDropped ?? 0) == counted)
        #expect(document.alertsWritten ?? 0 > before.alertsWritten ?? 0)
        let stored = try harness.storedAlerts()
        #expect(stored.count == document.alertsWritten)
        Self.expectInArrivalOrderOnce(stored)
    }

    @Test func aReadOnlyDatabaseIsNamedAndItsAlertsWaitUntilItIsWritable() throws {
        let harness = try DiskFaultHarness()
        defer { harness.close() }
        let store = try harness.store()
        try store.refuseWrites(true)
        try harness.publishAnomalies(rounds: 1, seed: 300)
        var document = try harness.harness.document()
        try waitUntil(timeout: 60, "writes failing as read-only") {
            guard let latest = try? harness.harness.document() else { return false }
            document = latest
            guard let storage = latest.daemon.storage, let stream = latest.streams.first else { return false }
            // Every alert scored since is waiting (none written, none dropped).
            return storage.writesFailing == true && stream.received == 720 && (storage.pendingAlerts ?? 0) > 0
                && storage.pendingAlerts == stream.alerts - (latest.alertsWritten ?? 0)
        }
        #expect(document.daemon.storage?.lastWriteError?.cause == "database is read-only")
        #expect(document.daemon.storage?.droppedAlerts == 0)

        try store.refuseWrites(false)
        try waitUntil(timeout: 60, "the queued alerts stored") {
            guard let latest = try? harness.harness.document() else { return false }
            document = latest
            return latest.daemon.storage?.writesFailing == false && latest.daemon.storage?.pendingAlerts == 0
        }
        #expect(document.alertsDropped == 0)
        let stored = try harness.storedAlerts()
        #expect(stored.count == document.alertsWritten)
        #expect(stored.count == document.streams.first?.alerts)
        Self.expectInArrivalOrderOnce(stored)
    }

    @Test func aStopWhileTheDiskIsFullEndsAndCountsTheLostAlerts() throws {
        let harness = try DiskFaultHarness()
        defer { harness.close() }
        let store = try harness.store()
        try store.limitPageCountToCurrentSize(true)
        try harness.publishAnomalies(rounds: 6, seed: 400)
        var document = try harness.harness.document()
        try waitUntil(timeout: 60, "alerts waiting") {
            guard let latest = try? harness.harness.document() else { return false }
            document = latest
            return latest.daemon.storage?.writesFailing == true && (latest.daemon.storage?.pendingAlerts ?? 0) > 0
        }
        // The stop ends (the suite's time limit bounds it) although nothing can be written.
        harness.harness.stop()
        let written = try harness.storedAlerts().count
        #expect(written <= document.streams.first?.alerts ?? 0)
        #expect(written < document.streams.first?.alerts ?? 0, "the alerts still waiting at the stop are lost")
    }

    @Test func aModelSaveThatFailsKeepsTheOldModelScoring() throws {
        let harness = try DiskFaultHarness()
        defer { harness.close() }
        let store = try harness.store()
        let version = try #require(try harness.harness.client.status().streams.first?.models.first?.version)
        try store.limitPageCountToCurrentSize(true)
        let reply = try harness.harness.client.retrain(streams: ["s"], wait: true, timeoutMilliseconds: 120_000)
        #expect(reply.ok)
        let document = try harness.harness.document()
        let run = try #require(document.streams.first?.lastTrainingRun)
        #expect(run.outcome == "failed")
        #expect(run.reason?.contains("could not store the model: disk full") == true, "\(run.reason ?? "-")")
        #expect(document.streams.first?.models.first?.version == version)
        // The old model still scores.
        let scored = try #require(document.streams.first?.scored)
        try harness.harness.publish(stream: "s", values: demoVectors(count: 50, seed: 500), dimension: 12)
        try harness.harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= scored + 50 }
        try store.limitPageCountToCurrentSize(false)
    }

    @Test func anEpisodeThatGrowsWhileWritesFailIsStoredWithEveryCrossing() throws {
        let harness = try DiskFaultHarness(episodes: true)
        defer { harness.close() }
        let store = try harness.store()
        try harness.publishAnomalies(rounds: 1, seed: 600)
        try waitUntil(timeout: 60, "the episode's first alert stored") {
            ((try? harness.harness.document())?.alertsWritten ?? 0) >= 1
        }
        try store.refuseWrites(true)
        let crossingsBefore = try #require(try harness.harness.client.status().streams.first?.alerts)
        try harness.publishAnomalies(rounds: 3, seed: 610)
        try waitUntil(timeout: 60, "writes failing") {
            (try? harness.harness.document())?.daemon.storage?.writesFailing == true
        }
        try harness.harness.waitForStatus { $0.streams.first?.received == 700 + 80 }
        try store.refuseWrites(false)
        var document = try harness.harness.document()
        try waitUntil(timeout: 60, "the episode's growth stored") {
            guard let latest = try? harness.harness.document() else { return false }
            document = latest
            guard latest.daemon.storage?.writesFailing == false, latest.daemon.storage?.pendingAlerts == 0 else { return false }
            let crossings = (try? harness.storedAlerts())?.reduce(0) { $0 + $1.episodeCount }
            return crossings == latest.streams.first?.alerts
        }
        #expect(document.alertsDropped == 0)
        let stored = try harness.storedAlerts()
        #expect(stored.count == document.alertsWritten)
        #expect(
            stored.reduce(0) { $0 + $1.episodeCount } > crossingsBefore, "the crossings while writes failed count in their episode")
    }

    /// Stored alerts are in the order they were scored (rows by id), each vector once.
    static func expectInArrivalOrderOnce(_ alerts: [StoredAlert]) {
        let byID = alerts.sorted { $0.id < $1.id }
        for (earlier, later) in zip(byID, byID.dropFirst()) {
            #expect(earlier.receiveTime <= later.receiveTime)
        }
        let distinct = Set(alerts.map { "\($0.receiveTime) \($0.anomalyScore)" })
        #expect(distinct.count == alerts.count, "no alert is stored twice")
    }
}

/// An in-process aed with one trained stream `s` (12 features, AE), episodes off, a small
/// pending-alert limit, for fault tests.
final class DiskFaultHarness {
    let harness: DaemonHarness

    init(stateDirectory: String? = nil, episodes: Bool = false) throws {
        let toml = smallModelTOML() + """

            [alerts]
            episodes = \(episodes)
            max_pending = \(DiskFullTests.pendingLimit)
            """
        harness = try DaemonHarness(toml: toml, stateDirectory: stateDirectory)
        do {
            try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 51), dimension: 12)
            // The first run has ended (`scoring`): its run record is stored before the faults.
            try harness.waitForStatus { $0.streams.first?.models.count == 1 && $0.streams.first?.state == .scoring }
            // Wait for the writer's start-up checkpoint, so it does not race the faults.
            try waitUntil(timeout: 30, "the first checkpoint") {
                ((try? self.harness.client.status())?.daemon.storage?.lastCheckpoint) != nil
            }
        } catch {
            close()
            throw error
        }
    }

    /// The daemon's own store, for its fault hooks.
    func store() throws -> Store {
        guard let store = harness.daemon.store else { throw HarnessError("the daemon has no store") }
        return store
    }

    /// Publishes `rounds` batches of 20 vectors far outside the normal range (each alerts).
    func publishAnomalies(rounds: Int, seed: UInt64) throws {
        for round in 0..<rounds {
            try harness.publish(
                stream: "s", values: demoVectors(count: 20, seed: seed + UInt64(round)).map { $0 * 10 }, dimension: 12)
        }
    }

    /// Every alert in the database, read through a connection of its own.
    func storedAlerts() throws -> [StoredAlert] {
        let reader = try Store.openReadOnly(path: (harness.stateDirectory as NSString).appendingPathComponent("aed.db"))
        defer { try? reader.close() }
        return try reader.alerts(stream: "s", limit: 100_000).map {
            StoredAlert(
                id: $0.id, receiveTime: $0.alert.receiveTime, anomalyScore: $0.alert.anomalyScore,
                episodeCount: $0.alert.episodeCount)
        }
    }

    /// Stops the daemon and removes its state.
    func close() {
        harness.stop()
        harness.removeState()
    }
}

/// The parts of a stored alert the fault tests compare.
struct StoredAlert {
    var id: Int64
    var receiveTime: Double
    var anomalyScore: Double
    var episodeCount: Int
}
