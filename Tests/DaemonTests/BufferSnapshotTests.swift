import Foundation
import Store
import Testing
import Wire

@testable import Daemon

@Suite(.serialized, .timeLimit(.minutes(10))) struct BufferSnapshotTests {
    @Test func snapshotIntervalIsAConfigKeyWithAFiveMinuteDefault() throws {
        #expect(DaemonSettings().snapshotInterval == 300)
        let configuration = try DaemonConfiguration.parse(toml: "[daemon]\nsnapshot_interval = \"0\"\n")
        #expect(configuration.daemon.snapshotInterval == 0)
    }

    @Test func buffersAreSnapshottedWhileRunningAndSurviveAStopWithoutTheFinalSnapshot() throws {
        let first = try DaemonHarness(toml: "[daemon]\nsnapshot_interval = \"1s\"\n" + smallModelTOML())
        defer { first.removeState() }
        try first.publish(stream: "web", values: demoVectors(count: 300, seed: 5), dimension: 12)
        try first.waitForStatus { $0.streams.first { $0.name == "web" }?.bufferSize == 300 }
        // The periodic snapshot reaches the store while aed runs (read through a second connection).
        let store = try Store.openReadOnly(path: first.stateDirectory + "/aed.db")
        let deadline = Date().addingTimeInterval(30)
        var saved: BufferSnapshot?
        while Date() < deadline {
            saved = try store.bufferSnapshot(stream: "web")
            if saved?.count == 300 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try store.close()
        #expect(saved?.count == 300)
        #expect(saved?.dimension == 12)

        // Stop as a crash would: no final snapshot. The restart restores the periodic one.
        first.daemon.skipsFinalSnapshot.withLock { $0 = true }
        first.stop()
        let second = try DaemonHarness(toml: "[daemon]\nsnapshot_interval = \"0\"\n" + smallModelTOML(), stateDirectory: first.stateDirectory)
        let status = try second.client.status()
        #expect(status.streams.first { $0.name == "web" }?.bufferSize == 300)
        second.stop()
    }
}
