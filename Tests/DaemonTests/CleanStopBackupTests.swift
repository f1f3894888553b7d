import Daemon
import Foundation
import Store
import Testing
import Wire

/// A clean stop leaves `aed.db` complete by itself (issue 14, storage): `systemctl stop aed &&
/// cp aed.db backup` must be a whole backup, without the `-wal` beside it.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CleanStopBackupTests {
    @Test func aCleanStopLeavesEveryAlertInTheDatabaseFileAlone() throws {
        let toml = smallModelTOML() + """

            [alerts]
            episodes = false
            """
        let harness = try DaemonHarness(toml: toml)
        defer { harness.removeState() }
        let database = (harness.stateDirectory as NSString).appendingPathComponent("aed.db")
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 51), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 1 }

        // Another connection on the file stays open across the stop, as a backup tool's or a
        // monitoring query's may: the stop must not rely on aed being the file's last user.
        let reader = try Store.openReadOnly(path: database)
        defer { try? reader.close() }
        #expect(try reader.streams().map(\.name) == ["s"])

        // Far outside the normal range: every one of these alerts; several commits.
        for round in 0..<10 {
            try harness.publish(stream: "s", values: demoVectors(count: 20, seed: 60 + UInt64(round)).map { $0 * 10 }, dimension: 12)
        }
        var document = try harness.document()
        try waitUntil(timeout: 30, "every alert committed") {
            guard let latest = try? harness.document() else { return false }
            document = latest
            return latest.streams.first.map { $0.received == 900 && $0.alerts == latest.alertsWritten } ?? false
        }
        let reported = document.alertsWritten ?? 0
        #expect(reported >= 150)
        #expect(document.alertsDropped == 0)
        #expect(try harness.client.status().streams.first?.alerts == reported)
        harness.stop()

        let wal = database + "-wal"
        #expect(Self.size(wal) ?? 0 == 0, "the WAL is absent or empty after a clean stop")

        // Copy aed.db alone, as `cp aed.db backup` does, and read it there.
        let backupDirectory = NSTemporaryDirectory() + "aed-backup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: backupDirectory) }
        let backup = (backupDirectory as NSString).appendingPathComponent("aed.db")
        try FileManager.default.copyItem(atPath: database, toPath: backup)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        let copy = try Store.openReadOnly(path: backup)
        defer { try? copy.close() }
        #expect(try copy.integrityCheck() == ["ok"])
        #expect(try copy.alertCounts().reduce(0) { $0 + $1.count } == reported)
        #expect(try copy.alerts(stream: "s", limit: 10_000).count == reported)
        // The rest of what the stop wrote is there too: the model and the final buffer snapshot.
        #expect(try copy.activeModels(stream: "s").count == 1)
        #expect(try copy.bufferSnapshot(stream: "s") != nil)
    }

    @Test func statusShowsTheDatabaseHealth() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        // The writer checkpoints once right after start (and hourly).
        try waitUntil(timeout: 10, "the first checkpoint") {
            ((try? harness.client.status())?.daemon.storage?.lastCheckpoint) != nil
        }
        try harness.publish(stream: "s", values: demoVectors(count: 100, seed: 71), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.received == 100 }
        // Registering the stream wrote to the WAL after that checkpoint; a warming stream
        // writes nothing more, so the size in status is the file's.
        try waitUntil(timeout: 10, "the stream's registration in the WAL") {
            ((try? harness.client.status())?.daemon.storage?.walBytes ?? 0) > 0
        }
        let storage = try #require(try harness.client.status().daemon.storage)
        let wal = (harness.stateDirectory as NSString).appendingPathComponent("aed.db-wal")
        #expect(storage.walBytes == Self.size(wal))
        #expect(storage.lastWriteError == nil)
        harness.stop()
    }
}

extension CleanStopBackupTests {
    /// The size of the file at `path`, nil when it does not exist.
    static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }
}
