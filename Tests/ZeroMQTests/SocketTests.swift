import Foundation
import Testing
@testable import ZeroMQ

/// A fresh temporary folder for ipc endpoints.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Sends `frames` on `pub` until `sub` receives a message (PUB/SUB joins are asynchronous),
/// then returns what arrived. Bounded: gives up after `attempts` receive timeouts.
func publishUntilReceived(_ frames: [[UInt8]], pub: Socket, sub: Socket, attempts: Int = 50) throws -> [[UInt8]]? {
    for _ in 0..<attempts {
        try pub.sendMultipart(frames)
        if let received = try sub.receiveMultipart() { return received }
    }
    return nil
}

@Suite("Sockets")
struct SocketTests {
    @Test func bindReportsTheRealTCPEndpoint() throws {
        let context = try Context()
        let socket = try context.socket(.pub)
        let endpoint = try socket.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = Int(endpoint.split(separator: ":").last ?? "") ?? 0
        #expect(port > 0)
        #expect(try socket.lastEndpoint() == endpoint)
    }

    @Test(arguments: ["tcp", "ipc"])
    func pubToSubKeepsMultipartIntact(transport: String) throws {
        let context = try Context()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sub = try context.socket(.sub)
        try sub.set(.receiveTimeout(milliseconds: 100))
        try sub.subscribe("s1")
        let endpoint = try sub.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : "ipc://\(folder.path)/in.sock")
        let pub = try context.socket(.pub)
        try pub.connect(endpoint)

        // A large payload proves nothing is truncated (zmq_msg_t receive).
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frames: [[UInt8]] = [Array("s1".utf8), payload, [], [7, 8, 9]]
        let received = try publishUntilReceived(frames, pub: pub, sub: sub)
        #expect(received == frames)

        // Topic filtering: another stream does not arrive, the next s1 message does.
        try pub.sendMultipart([Array("other".utf8), [1]])
        try pub.sendMultipart([Array("s1".utf8), [2]])
        #expect(try sub.receiveMultipart() == [Array("s1".utf8), [2]])
    }

    @Test func reusableBufferCountsFramesBeyondItsLimit() throws {
        let context = try Context()
        let pull = try context.socket(.pull)
        try pull.set(.receiveTimeout(milliseconds: 2_000))
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try context.socket(.push)
        try push.connect(endpoint)
        try push.sendMultipart([[1], [2, 2], [3, 3, 3], [4, 4, 4, 4]])
        try push.sendMultipart([[5], [6]])
        let buffer = MultipartMessage(maximumStoredFrames: 2)
        #expect(try pull.receiveMultipart(into: buffer))
        #expect(buffer.frameCount == 4)
        #expect(buffer.storedFrameCount == 2)
        #expect(buffer.byteCount == 10)
        #expect(buffer.arrays == [[1], [2, 2]])
        #expect(try pull.receiveMultipart(into: buffer))
        #expect(buffer.frameCount == 2)
        #expect(buffer.arrays == [[5], [6]])
    }

    @Test func requestWithoutReplyTimesOutCleanly() throws {
        let context = try Context()
        let rep = try context.socket(.rep)
        let endpoint = try rep.bind("tcp://127.0.0.1:*")
        let req = try context.socket(.req, lingerMilliseconds: 0)
        try req.set(.receiveTimeout(milliseconds: 150))
        try req.set(.sendTimeout(milliseconds: 150))
        try req.connect(endpoint)
        #expect(try req.send("ping"))
        // The REP never answers: the REQ gets nil (a timeout), not a hang or a crash.
        #expect(try req.receiveMultipart() == nil)
        // The request did arrive at REP.
        try rep.set(.receiveTimeout(milliseconds: 1_000))
        #expect(try rep.receiveMultipart() == [Array("ping".utf8)])
        // A second send on the wedged REQ is a state error, reported as such.
        #expect(throws: ZMQError.self) { try req.send("again") }
        req.close()
        rep.close()
    }

    @Test func requestReplyRoundTrip() throws {
        let context = try Context()
        let rep = try context.socket(.rep)
        try rep.set(.receiveTimeout(milliseconds: 2_000))
        let endpoint = try rep.bind("tcp://127.0.0.1:*")
        let req = try context.socket(.req)
        try req.set(.receiveTimeout(milliseconds: 2_000))
        try req.connect(endpoint)
        try req.send("status")
        #expect(try rep.receiveFrame() == Array("status".utf8))
        try rep.send("ok")
        #expect(try req.receiveFrame() == Array("ok".utf8))
    }

    @Test func pollerReportsReadableSocket() throws {
        let context = try Context()
        let a = try context.socket(.pull)
        let b = try context.socket(.pull)
        let endpointA = try a.bind("tcp://127.0.0.1:*")
        try b.bind("tcp://127.0.0.1:*")
        let poller = Poller()
        let indexA = try poller.register(a)
        let indexB = try poller.register(b)
        #expect(try poller.wait(timeoutMilliseconds: 0) == 0)
        let push = try context.socket(.push)
        try push.connect(endpointA)
        try push.send("x")
        let events = try poller.poll(timeoutMilliseconds: 2_000)
        #expect(events[indexA].contains(.readable))
        #expect(!events[indexB].contains(.readable))
        #expect(poller.isReady(indexA))
        #expect(try a.receiveFrame(dontWait: true) == Array("x".utf8))
    }

    @Test func errorsCarryErrnoAndText() throws {
        let context = try Context()
        let socket = try context.socket(.pub)
        let error = #expect(throws: ZMQError.self) { try socket.bind("nonsense://x") }
        #expect(error?.code != 0)
        #expect(error?.message.isEmpty == false)
        socket.close()
        #expect(throws: ZMQError.self) { try socket.send("after close") }
    }

    @Test func maximumMessageSizeRoundTrips() throws {
        let context = try Context()
        let sub = try context.socket(.sub)
        try sub.set(.maximumMessageSize(bytes: 4096))
        #expect(try sub.maximumMessageSize() == 4096)
        try sub.set(.linger(milliseconds: 0))
        #expect(try sub.lingerMilliseconds() == 0)
    }

    @Test func shutdownWakesABlockedReceiver() throws {
        let context = try Context()
        let pull = try context.socket(.pull)
        try pull.set(.receiveTimeout(milliseconds: 5_000))
        try pull.bind("tcp://127.0.0.1:*")
        context.shutdown()
        let error = #expect(throws: ZMQError.self) { _ = try pull.receiveFrame() }
        #expect(error?.isContextTerminated == true)
    }
}
