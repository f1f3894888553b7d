import Foundation
import Testing
@testable import ZeroMQ

/// The forwarder between publishers and several subscribers (`aectl proxy`).
@Suite(.timeLimit(.minutes(10))) struct ForwardingProxyTests {
    /// Waits until `publisher` (an XPUB) has seen subscriptions for every prefix in `prefixes`.
    private func waitForSubscriptions(_ publisher: Socket, _ prefixes: Set<String>) throws -> Set<String> {
        var seen: Set<String> = []
        try publisher.set(.receiveTimeout(milliseconds: 100))
        for _ in 0..<100 where !prefixes.isSubset(of: seen) {
            guard let frame = try publisher.receiveFrame(), frame.first == 1 else { continue }
            seen.insert(String(decoding: frame.dropFirst(), as: UTF8.self))
        }
        return seen
    }

    @Test func subscriptionsTravelUpAndEachSubscriberGetsOnlyItsPrefix() throws {
        let proxy = try ForwardingProxy(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        let endpoints = try proxy.start()
        defer { proxy.stop() }
        let context = try Context()
        let a = try context.socket(.sub, lingerMilliseconds: 0)
        let b = try context.socket(.sub, lingerMilliseconds: 0)
        try a.connect(endpoints.backend)
        try b.connect(endpoints.backend)
        try a.subscribe("a.")
        try b.subscribe("b.")
        let publisher = try context.socket(.xpub, lingerMilliseconds: 0)
        try publisher.connect(endpoints.frontend)
        // Both daemons' prefixes reach the publisher through the proxy.
        let seen = try waitForSubscriptions(publisher, ["a.", "b."])
        #expect(seen.isSuperset(of: ["a.", "b."]), "subscriptions seen: \(seen)")

        for index in 0..<20 {
            _ = try publisher.sendMultipart([Array("a.\(index)".utf8), [UInt8(index)]])
            _ = try publisher.sendMultipart([Array("b.\(index)".utf8), [UInt8(index)]])
            _ = try publisher.sendMultipart([Array("c.\(index)".utf8), [UInt8(index)]])
        }
        for (socket, prefix) in [(a, "a."), (b, "b.")] {
            try socket.set(.receiveTimeout(milliseconds: 5_000))
            var topics: [String] = []
            for _ in 0..<20 {
                guard let frames = try socket.receiveMultipart() else { break }
                #expect(frames.count == 2)
                topics.append(String(decoding: frames[0], as: UTF8.self))
            }
            // In order, all of them, none of another prefix.
            #expect(topics == (0..<20).map { "\(prefix)\($0)" })
            try socket.set(.receiveTimeout(milliseconds: 200))
            #expect(try socket.receiveMultipart() == nil, "\(prefix) got a message of another prefix")
        }
    }

    @Test func anEndpointInUseIsAnErrorAndStopIsHarmless() throws {
        let first = try ForwardingProxy(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        let taken = try first.start()
        defer { first.stop() }
        let second = try ForwardingProxy(frontend: taken.frontend, backend: "tcp://127.0.0.1:*")
        #expect(throws: ZMQError.self) { try second.start() }
        second.stop()
        second.stop()
        let malformed = try ForwardingProxy(frontend: "nonsense", backend: "tcp://127.0.0.1:*")
        #expect(throws: ZMQError.self) { try malformed.start() }
        // Stopped before starting: nothing to end.
        try ForwardingProxy(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*").stop()
    }
}
