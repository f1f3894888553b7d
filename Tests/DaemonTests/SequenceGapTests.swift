import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(1))) struct SequenceGapTests {
    @Test func missingSequenceNumbersAreCountedAsGaps() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let values = demoVectors(count: 4, seed: 61)
        // seq 0, 1, 2, 5 (3 and 4 lost) in one binary batch, then 6 and 9 as JSON (7 and 8 lost).
        try raw.send([Array("g".utf8), WireEncoder.encode(.binary, values: values, dimension: 12, sequenceNumbers: [0, 1, 2, 5])])
        try raw.send([Array("g".utf8), WireEncoder.encode(.json, values: Array(values[0..<24]), dimension: 12, sequenceNumbers: [6, 9])])
        let status = try harness.waitForStatus { $0.streams.first?.received == 6 }
        #expect(status.streams[0].gaps == 4)
        #expect(status.streams[0].rejected.isEmpty)
        harness.stop()
    }

    /// Two publishers on one stream (one numbering by nanoseconds, one from 1) or a wild `seq`
    /// must not overflow the gap counter: big jumps restart the sequence instead of counting.
    @Test func wildSequenceNumbersNeitherCrashNorCount() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let values = demoVectors(count: 4, seed: 62)
        for round in 0..<3 {
            try raw.send([Array("w".utf8), WireEncoder.encode(
                .binary, values: values, dimension: 12,
                sequenceNumbers: [0, UInt64.max - UInt64(round), 0, 2])])
        }
        let status = try harness.waitForStatus { $0.streams.first?.received == 12 }
        #expect(status.streams[0].gaps == 3)  // only the 0 -> 2 steps
        #expect(status.streams[0].rejected.isEmpty)
        harness.stop()
    }
}
