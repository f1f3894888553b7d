import Daemon
import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(3))) struct ControlSocketTests {
    @Test func aSecondDaemonCannotTakeOverALiveIPCControlSocketButReplacesAStaleOne() throws {
        let path = NSTemporaryDirectory() + "aed-control-\(UUID().uuidString.prefix(8)).sock"
        let endpoint = "ipc://" + path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let first = try DaemonHarness(toml: smallModelTOML(), controlEndpoint: endpoint)
        defer { first.removeState() }
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(throws: DaemonError.controlInUse(endpoint: endpoint)) {
            _ = try DaemonHarness(toml: smallModelTOML(), controlEndpoint: endpoint)
        }
        // The first daemon still owns its socket.
        #expect(try first.client.status().streams.isEmpty)
        first.stop()
        #expect(!FileManager.default.fileExists(atPath: path))

        // A stale file (nothing answers) is replaced.
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let third = try DaemonHarness(toml: smallModelTOML(), controlEndpoint: endpoint)
        defer { third.removeState() }
        #expect(try third.client.status().streams.isEmpty)
        third.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
