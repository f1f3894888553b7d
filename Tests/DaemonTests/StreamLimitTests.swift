import Foundation
import Store
import Testing
import Wire

@testable import Daemon

@Suite(.serialized, .timeLimit(.minutes(10))) struct StreamLimitTests {
    @Test func maxStreamsIsAConfigKeyWithA1024Default() throws {
        #expect(DaemonSettings().maxStreams == 1_024)
        let configuration = try DaemonConfiguration.parse(toml: "[daemon]\nmax_streams = 2\n")
        #expect(configuration.daemon.maxStreams == 2)
    }

    @Test func refusedNamesTakeNoSlotAndTheLimitCountsOnlyStreamsWithAcceptedVectors() throws {
        let harness = try DaemonHarness(toml: "[daemon]\nmax_streams = 2\n" + smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        // Junk names whose first messages are refused: more of them than the limit.
        for index in 0..<5 {
            try raw.send([Array("junk-\(index)".utf8), Array("{\"values\": [1, 2,".utf8)])
            try raw.send([Array("nan-\(index)".utf8), binaryPayload([[Float](repeating: .nan, count: 12)])])
        }
        for name in ["a", "b", "c"] {
            try raw.send([Array(name.utf8), binaryPayload([[Float](repeating: 1, count: 12)])])
        }
        let status = try harness.waitForStatus { $0.ingest.received >= 13 }
        #expect(status.streams.map(\.name).sorted() == ["a", "b"])
        #expect(status.ingest.rejected["stream-limit"] == 1)
        // The backlog is reported against max_queue_bytes (the default: 256 MiB).
        #expect(status.ingest.maxQueueBytes == 268_435_456)
        #expect(status.ingest.queuedMessages != nil && (status.ingest.queuedBytes ?? -1) >= 0)
        #expect(status.ingest.rejected["malformed"] == 5)
        #expect(status.ingest.rejected["nonfinite"] == 5)
        harness.stop()
        let store = try Store.openReadOnly(path: harness.stateDirectory + "/aed.db")
        #expect(try store.streams().map(\.name).sorted() == ["a", "b"])
        try store.close()
    }
}
