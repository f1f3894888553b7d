import Foundation
import Testing
import Wire

@testable import Daemon

@Suite(.serialized, .timeLimit(.minutes(10))) struct IngestQueueTests {
    @Test func queueHoldsAtMostItsByteBudgetAndFreesWhatIsTaken() {
        var queue = IngestQueue(maximumBytes: 1_000)
        // 1 + 399 bytes each: two fit, the third would exceed the budget.
        let entry = IngestQueue.Entry(stream: "s", payload: [UInt8](repeating: 7, count: 399))
        let first = queue.append(entry)
        let second = queue.append(entry)
        let third = queue.append(entry)
        #expect(first && second && !third)
        #expect(queue.bytes == 800)
        #expect(queue.count == 2)
        let taken = queue.popFirst()
        #expect(taken?.payload.count == 399)
        #expect(queue.bytes == 400)
        let fourth = queue.append(entry)
        #expect(fourth)
        var popped = 0
        while queue.popFirst() != nil { popped += 1 }
        #expect(popped == 2)
        #expect(queue.isEmpty && queue.bytes == 0)
    }

    @Test func maxQueueBytesIsAConfigKeyWithA256MiBDefault() throws {
        #expect(DaemonSettings().maxQueueBytes == 256 << 20)
        let configuration = try DaemonConfiguration.parse(toml: "[daemon]\nmax_queue_bytes = 4096\n")
        #expect(configuration.daemon.maxQueueBytes == 4_096)
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.parse(toml: "[daemon]\nmax_queue_bytes = 0\n") }
    }

    @Test func receiveHighWaterMarkIsAConfigKeyWithA10000Default() throws {
        #expect(DaemonSettings().receiveHighWaterMark == 10_000)
        let configuration = try DaemonConfiguration.parse(toml: "[daemon]\nreceive_high_water_mark = 500\n")
        #expect(configuration.daemon.receiveHighWaterMark == 500)
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(toml: "[daemon]\nreceive_high_water_mark = 0\n")
        }
    }

    @Test func messagesOverTheQueueBudgetAreDroppedAndCountedOnTheirStream() throws {
        let harness = try DaemonHarness(toml: "[daemon]\nmax_queue_bytes = 4096\n" + smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let name = Array("burst".utf8)
        // Small messages fit and are accepted; one larger than the whole budget never fits.
        for index in 0..<5 { try raw.send([name, binaryPayload([[Float](repeating: Float(index), count: 12)])]) }
        try harness.waitForStatus { ($0.streams.first { $0.name == "burst" }?.received ?? 0) >= 5 }
        try raw.send([name, binaryPayload([[Float]](repeating: [Float](repeating: 1, count: 12), count: 200))])
        try raw.send([name, binaryPayload([[Float](repeating: 9, count: 12)])])
        let status = try harness.waitForStatus { ($0.streams.first { $0.name == "burst" }?.received ?? 0) >= 7 }
        let stream = try #require(status.streams.first { $0.name == "burst" })
        #expect(stream.rejected["queue-full"] == 1)
        let accepted = try harness.document().streams.first { $0.name == "burst" }?.accepted
        #expect(accepted == 6)
        #expect(stream.received == 7)
        harness.stop()
    }
}
