import Daemon
import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(10))) struct ControlSocketTests {
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

@Suite(.serialized, .timeLimit(.minutes(10))) struct OversizedControlRequestTests {
    /// A request over `ControlRequest.maximumRequestBytes` is answered with an error naming the
    /// limit (libzmq would drop the connection of a peer over `ZMQ_MAXMSGSIZE`), and the socket
    /// keeps answering.
    @Test(arguments: ["tcp", "ipc"])
    func anOversizedRequestGetsAnErrorReplyAndTheNextOneWorks(transport: String) throws {
        let path = NSTemporaryDirectory() + "aed-control-\(UUID().uuidString.prefix(8)).sock"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let harness = try DaemonHarness(toml: smallModelTOML(), controlEndpoint: transport == "ipc" ? "ipc://" + path : nil)
        defer { harness.removeState() }
        #expect(harness.endpoints.control.hasPrefix(transport + "://"))

        // A 2 MiB stream name makes a well-formed request twice the limit.
        let name = String(repeating: "x", count: 2 << 20)
        let request = ControlRequest.alerts(stream: name, since: nil, limit: nil)
        let size = request.encoded().count
        #expect(size > ControlRequest.maximumRequestBytes)
        #expect(throws: ControlProtocolError.daemon("request of \(size) bytes is over the control limit of 1048576 bytes")) {
            _ = try harness.client.alerts(stream: name, since: nil, limit: nil)
        }
        // The same socket, and a new client, still answer.
        #expect(try harness.client.status().streams.isEmpty)
        #expect(try ControlClient(endpoint: harness.endpoints.control).alerts(stream: nil, since: nil, limit: 1).alerts.isEmpty)
        // A request just at the limit is read (and refused for what it says, not its size).
        let fitting = String(repeating: "y", count: ControlRequest.maximumRequestBytes - 100)
        #expect {
            _ = try harness.client.retrain(streams: [fitting], wait: false)
        } throws: { error in
            guard case ControlProtocolError.daemon(let message) = error else { return false }
            return message.hasPrefix("unknown stream(s): yyyy")
        }
        harness.stop()
    }
}
