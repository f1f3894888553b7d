import AECTLKit
import Foundation
import Testing
import Wire

@testable import Daemon

/// A real full file system (issue 14, storage): aed's state folder on a small tmpfs, filled
/// by another file until SQLite gets `ENOSPC`. Needs permission to mount (root, no user-namespace
/// restriction); skipped with a message elsewhere, where `DiskFullTests` covers the same path
/// with SQLite's `max_page_count`.
@Suite(
    .serialized, .timeLimit(.minutes(10)),
    .enabled(if: TmpfsMount.permitted, "mounting a tmpfs is not permitted here (needs root); DiskFullTests covers the fault"))
struct TmpfsDiskFullTests {
    @Test func aFullTmpfsStateFolderIsNamedAndItsAlertsLandWhenSpaceReturns() throws {
        let mount = try TmpfsMount(megabytes: 4)
        defer { mount.unmount() }
        let harness = try DiskFaultHarness(stateDirectory: mount.path)
        defer { harness.harness.stop() }
        let filler = (mount.path as NSString).appendingPathComponent("filler")
        try TmpfsMount.fill(filler)

        let before = try harness.harness.document()
        try harness.publishAnomalies(rounds: 4, seed: 700)
        var document = before
        try waitUntil(timeout: 60, "writes failing with disk full") {
            guard let latest = try? harness.harness.document() else { return false }
            document = latest
            return latest.daemon.storage?.writesFailing == true && (latest.daemon.storage?.pendingAlerts ?? 0) > 0
        }
        #expect(document.daemon.storage?.lastWriteError?.cause == "disk full")
        // Scoring and the control socket go on.
        try harness.harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= (before.streams.first?.scored ?? 0) + 80 }

        // Space returns.
        try FileManager.default.removeItem(atPath: filler)
        try waitUntil(timeout: 60, "the queued alerts stored") {
            guard let latest = try? harness.harness.document(), let storage = latest.daemon.storage else { return false }
            document = latest
            return storage.writesFailing == false && storage.pendingAlerts == 0
        }
        #expect((document.alertsWritten ?? 0) + (document.alertsDropped ?? 0) == document.streams.first?.alerts)
        let stored = try harness.storedAlerts()
        #expect(stored.count == document.alertsWritten)
        #expect(stored.count > before.alertsWritten ?? 0)
        DiskFullTests.expectInArrivalOrderOnce(stored)
    }
}

extension TmpfsDiskFullTests {
    @Test func theReleaseAedStopsCleanlyOnSIGTERMWhileItsDiskIsFull() throws {
        guard let aed = ReleaseBinaries.path("aed") else {
            Issue.record(Comment(rawValue: ReleaseBinaries.missingMessage))
            return
        }
        let mount = try TmpfsMount(megabytes: 4)
        defer { mount.unmount() }
        // The configuration and the log live outside the file system that fills.
        let outside = NSTemporaryDirectory() + "aed-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let config = outside + "/aed.toml"
        try (smallModelTOML() + "\n[alerts]\nepisodes = false\nmax_pending = 1000\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let log = outside + "/aed.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let ingest = "tcp://127.0.0.1:\(freeTCPPort())"
        let control = "ipc://\(outside)/control.sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aed)
        process.arguments = ["--config", config, "--state-dir", mount.path, "--ingest", ingest, "--control", control]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let client = try ControlClient(endpoint: control, timeoutMilliseconds: 2_000)
        try waitUntil(timeout: 30, "aed answers") { (try? client.status().ok) == true }
        let options = PublishOptions(endpoint: ingest, stream: "s", format: .binary, batch: 50, waitSeconds: 10)
        _ = try Publisher.publish(values: demoVectors(count: 700, seed: 51), dimension: 12, options: options)
        try waitUntil(timeout: 60, "the first model") { (try? client.status().streams.first?.models.count) == 1 }
        try waitUntil(timeout: 30, "the first checkpoint") { (try? client.status().daemon.storage?.lastCheckpoint) != nil }

        try TmpfsMount.fill((mount.path as NSString).appendingPathComponent("filler"))
        for round in 0..<3 {
            _ = try Publisher.publish(
                values: demoVectors(count: 20, seed: 800 + UInt64(round)).map { $0 * 10 }, dimension: 12, options: options)
        }
        try waitUntil(timeout: 60, "writes failing with alerts waiting") {
            guard let storage = try? client.status().daemon.storage else { return false }
            return storage.writesFailing == true && (storage.pendingAlerts ?? 0) > 0
        }
        #expect(try client.status().daemon.storage?.lastWriteError?.cause == "disk full")

        kill(process.processIdentifier, SIGTERM)
        try waitUntil(timeout: 60, "aed exits after SIGTERM although its disk is full") { !process.isRunning }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("database writes failing: disk full"))
        #expect(text.contains("aed stops with alerts the database did not take; they are lost"))
        #expect(text.contains("aed stopped"))
    }
}

/// A tmpfs of a few MiB mounted on a fresh temporary folder; `unmount()` removes both.
struct TmpfsMount {
    let path: String

    /// Mounts a tmpfs of `megabytes` MiB.
    /// - Throws: `HarnessError` when `mount` fails.
    init(megabytes: Int) throws {
        path = NSTemporaryDirectory() + "aed-tmpfs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path]) else {
            try? FileManager.default.removeItem(atPath: path)
            throw HarnessError("mount -t tmpfs failed on \(path)")
        }
    }

    /// Unmounts (lazily when busy) and removes the folder.
    func unmount() {
        if !Self.run("/bin/umount", [path]) { _ = Self.run("/bin/umount", ["-l", path]) }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether this process may mount a tmpfs: tried once, on a scratch folder.
    static let permitted: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        guard let probe = try? TmpfsMount(megabytes: 1) else { return false }
        probe.unmount()
        return true
    }()

    /// Writes zeros to `file` until the file system has no space left.
    static func fill(_ file: String) throws {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw HarnessError("cannot create \(file)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        guard errno == ENOSPC else { throw HarnessError("filling \(file) stopped with errno \(errno), not ENOSPC") }
    }

    /// Runs `tool` with `arguments`; true when it exits 0.
    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
