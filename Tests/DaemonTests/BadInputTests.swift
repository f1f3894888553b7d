import AECTLKit
import Daemon
import Foundation
import Testing
import Wire
import ZeroMQ

@Suite(.serialized, .timeLimit(.minutes(10))) struct BadInputTests {
    @Test func rejectionsAreCountedAndTheGoodStreamKeepsScoring() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        try harness.publish(stream: "good", values: demoVectors(count: 700, seed: 11), dimension: 12)
        try harness.waitForStatus { $0.streams.first { $0.name == "good" }?.state == .scoring }
        let scoredBefore = try harness.client.status().streams.first { $0.name == "good" }?.scored ?? 0

        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let good = Array("good".utf8)
        var random = SystemRandomNumberGenerator()
        try raw.send([good, Array("{\"values\": [1, 2,".utf8)])  // malformed JSON
        try raw.send([good, Array("{\"values\": [1, 2, 3]}".utf8)])  // wrong dimension
        try raw.send([good, binaryPayload([[Float](repeating: .nan, count: 12)])])  // NaN
        try raw.send([good, Array("{\"values\": [1e39, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}".utf8)])  // outside Float
        try raw.send([good, [UInt8](repeating: UInt8(ascii: "{"), count: 50 << 20)])  // 50 MB
        try raw.send([good, Array("{\"values\": []}".utf8), Array("extra".utf8)])  // three frames
        try raw.send([good])  // one frame
        for _ in 0..<20 {
            let name = (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let payload = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            try raw.send([name, payload])
        }
        // A new stream whose first vector is wider than max_dimension is refused, not allocated.
        try raw.send([Array("wide".utf8), binaryPayload([[Float](repeating: 1, count: 5_000)])])
        // Garbage that is not even ZMTP, to both sockets.
        sendRawTCP(to: harness.endpoints.ingest[0], bytes: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })
        sendRawTCP(to: harness.endpoints.control, bytes: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })

        // The good stream keeps scoring.
        try harness.publish(stream: "good", values: demoVectors(count: 300, seed: 12), dimension: 12)
        let status = try harness.waitForStatus { ($0.streams.first { $0.name == "good" }?.scored ?? 0) >= scoredBefore + 300 }
        let stream = try #require(status.streams.first { $0.name == "good" })
        #expect(stream.state == .scoring)
        #expect(stream.rejected["malformed", default: 0] >= 1)
        #expect(stream.rejected["dim", default: 0] >= 1)
        #expect(stream.rejected["nonfinite", default: 0] >= 2)
        #expect(stream.rejected["size", default: 0] >= 1)
        #expect(stream.rejected["frames", default: 0] >= 2)
        let accepted = try harness.document().streams.first { $0.name == "good" }?.accepted ?? -1
        #expect(accepted == 1_000)
        #expect(stream.received == accepted + stream.rejected.values.reduce(0, +))
        // A stream refused on its first vector gets no slot; its rejection is counted globally.
        #expect(!status.streams.contains { $0.name == "wide" })
        #expect(status.ingest.rejected["dim", default: 0] >= 2)
        // Random stream names are rejected or counted as their own (garbage) streams, never crash.
        #expect(status.ingest.received >= 1_000 + 7)
        harness.stop()
    }

    @Test func everyControlRequestGetsAReply() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        let context = try Context()
        defer { context.shutdown() }
        var random = SystemRandomNumberGenerator()
        for body in [Array("not json".utf8), Array("{\"cmd\": \"reboot\"}".utf8), Array("{\"cmd\": 3}".utf8),
                     Array("{\"cmd\": \"alerts\", \"limit\": -1}".utf8), [],
                     (0..<500).map { _ in UInt8.random(in: 0...255, using: &random) }] {
            let request = try context.socket(.req, lingerMilliseconds: 0)
            defer { request.close() }
            try request.set(.receiveTimeout(milliseconds: 5_000))
            try request.connect(harness.endpoints.control)
            _ = try request.send(body)
            let reply = try #require(try request.receiveFrame())
            let object = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any]
            #expect(object?["ok"] as? Bool == false)
            #expect((object?["error"] as? String)?.isEmpty == false)
        }
        // A DEALER without the REQ delimiter still gets an answer.
        let dealer = try context.socket(.dealer, lingerMilliseconds: 0)
        defer { dealer.close() }
        try dealer.set(.receiveTimeout(milliseconds: 5_000))
        try dealer.connect(harness.endpoints.control)
        _ = try dealer.sendMultipart([Array("x".utf8), Array("y".utf8)])
        let reply = try #require(try dealer.receiveMultipart())
        #expect(String(decoding: reply.last ?? [], as: UTF8.self).contains("\"ok\":false"))
        // And the daemon still answers properly.
        #expect(try harness.client.status().ok)
        harness.stop()
    }
}
