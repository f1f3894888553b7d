import Foundation
import Testing
import Wire

@Suite(.serialized, .timeLimit(.minutes(10))) struct SequenceGapTests {
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

    /// 100 duplicated messages count as duplicates and do not rebase the sequence (no phantom
    /// gaps); a new stream whose first seq is 32 lost 32 vectors; a publisher restart (seq 0
    /// again) counts as a restart and its first seq counts what it lost.
    @Test func duplicatesDoNotRebaseAndLeadingGapsCount() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let values = demoVectors(count: 1, seed: 63)
        func send(_ stream: String, _ sequence: UInt64) throws {
            try raw.send([Array(stream.utf8), WireEncoder.encode(.json, values: values, dimension: 12, sequenceNumbers: [sequence])])
        }
        for sequence in 0..<200 as Range<UInt64> {
            try send("dup", sequence)
            if sequence % 2 == 1 { try send("dup", sequence) }  // 100 duplicates
        }
        for sequence in 32..<40 as Range<UInt64> { try send("late", sequence) }
        for sequence in 0..<5 as Range<UInt64> { try send("late", sequence) }  // a restart
        _ = try harness.waitForStatus { $0.streams.map(\.received).reduce(0, +) == 300 + 8 + 5 }
        let document = try harness.document()
        let dup = try #require(document.streams.first { $0.name == "dup" })
        #expect(dup.gaps == 0)
        #expect(dup.duplicates == 100)
        #expect(dup.sequenceRestarts == 0)
        let late = try #require(document.streams.first { $0.name == "late" })
        #expect(late.gaps == 32)
        #expect(late.sequenceRestarts == 1)
        #expect(late.duplicates == 0)
        harness.stop()
    }

    /// A vector stamped two days ahead is counted, and stored with its receive time, so it
    /// cannot drag alert times into the future; later correctly stamped vectors are normal.
    @Test func futureTimestampsAreCountedAndClamped() throws {
        let harness = try DaemonHarness(toml: smallModelTOML())
        defer { harness.removeState() }
        let raw = try RawPublisher(endpoint: harness.endpoints.ingest[0])
        let values = demoVectors(count: 3, seed: 64)
        let now = Date().timeIntervalSince1970
        try raw.send([Array("f".utf8), WireEncoder.encode(.json, values: Array(values[0..<12]), dimension: 12, timestamps: [now + 2 * 86_400])])
        try raw.send([Array("f".utf8), WireEncoder.encode(.json, values: Array(values[12..<36]), dimension: 12, timestamps: [now, now + 1])])
        _ = try harness.waitForStatus { $0.streams.first?.received == 3 }
        let document = try harness.document()
        #expect(document.streams[0].futureTimestamps == 1)
        #expect(document.streams[0].accepted == 3)
        #expect(document.streams[0].bufferSize == 3)
        harness.stop()
    }
}

