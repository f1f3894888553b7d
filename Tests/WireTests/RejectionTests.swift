import Testing
@testable import Wire

/// A bad message, the reason it must be rejected for, and the vectors it costs.
struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let frames: [[UInt8]]
    let reason: RejectionReason
    let vectors: Int
    var testDescription: String { name }

    init(_ name: String, _ frames: [[UInt8]], _ reason: RejectionReason, vectors: Int = 1) {
        self.name = name
        self.frames = frames
        self.reason = reason
        self.vectors = vectors
    }

    init(_ name: String, json: String, _ reason: RejectionReason, vectors: Int = 1) {
        self.init(name, [streamFrame, Array(json.utf8)], reason, vectors: vectors)
    }

    init(_ name: String, payload: [UInt8], _ reason: RejectionReason, vectors: Int = 1) {
        self.init(name, [streamFrame, payload], reason, vectors: vectors)
    }
}

/// An AEV1 header with arbitrary fields followed by `bodyBytes` zero bytes.
func binaryHeader(dimension: UInt32, count: UInt32, flags: UInt32, bodyBytes: Int) -> [UInt8] {
    var bytes = BinaryFormat.magic
    for value in [dimension, count, flags] { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    return bytes + [UInt8](repeating: 0, count: bodyBytes)
}

let good3 = WireEncoder.encode(.binary, values: [1, 2, 3], dimension: 3)

let badInputs: [BadInput] = {
    let nanBinary = WireEncoder.encode(.binary, values: [1, .nan, 3], dimension: 3)
    let infBinary = WireEncoder.encode(.binary, values: [1, 2, -.infinity, 4, .nan, 6], dimension: 3)
    return [
        // Envelope
        BadInput("one frame", [streamFrame], .frames),
        BadInput("three frames", [streamFrame, good3, [1]], .frames),
        BadInput("no frames", [], .frames),
        BadInput("empty stream name", [[], good3], .stream),
        BadInput("stream name with a space", [Array("bad name".utf8), good3], .stream),
        BadInput("stream name too long", [[UInt8](repeating: UInt8(ascii: "a"), count: 129), good3], .stream),
        BadInput("stream name not UTF-8 ASCII", [[0xC3, 0xA9], good3], .stream),
        // Dimension
        BadInput("JSON wrong dimension", json: #"{"values":[1,2]}"#, .dimension),
        BadInput("binary wrong dimension", payload: WireEncoder.encode(.binary, values: [1, 2, 3, 4], dimension: 4), .dimension),
        BadInput("binary batch wrong dimension", payload: WireEncoder.encode(.binary, values: [Float](repeating: 1, count: 8), dimension: 2), .dimension, vectors: 4),
        BadInput("JSON empty values", json: #"{"values":[]}"#, .dimension),
        // Non-finite
        BadInput("JSON NaN", json: #"{"values":[1,NaN,3]}"#, .nonfinite),
        BadInput("JSON Infinity", json: #"{"values":[1,-Infinity,3]}"#, .nonfinite),
        BadInput("JSON above Float range", json: #"{"values":[1,3.5e38,3]}"#, .nonfinite),
        BadInput("JSON far above Double range", json: #"{"values":[1,-1e400,3]}"#, .nonfinite),
        BadInput("binary NaN", payload: nanBinary, .nonfinite),
        BadInput("binary infinity and NaN in two rows", payload: infBinary, .nonfinite, vectors: 2),
        // Malformed JSON and non-numbers
        BadInput("JSON null value", json: #"{"values":[1,null,3]}"#, .malformed),
        BadInput("JSON string value", json: #"{"values":[1,"2",3]}"#, .malformed),
        BadInput("JSON boolean value", json: #"{"values":[1,true,3]}"#, .malformed),
        BadInput("JSON nested array", json: #"{"values":[[1,2,3]]}"#, .malformed),
        BadInput("JSON truncated", json: #"{"values":[1,2,3"#, .malformed),
        BadInput("JSON trailing comma", json: #"{"values":[1,2,3,]}"#, .malformed),
        BadInput("JSON leading zero", json: #"{"values":[01,2,3]}"#, .malformed),
        BadInput("JSON bare dot", json: #"{"values":[1.,2,3]}"#, .malformed),
        BadInput("JSON trailing garbage", json: #"{"values":[1,2,3]} x"#, .malformed),
        BadInput("JSON no values", json: #"{"ts":1}"#, .malformed),
        BadInput("JSON values and batch", json: #"{"values":[1,2,3],"batch":[{"values":[1,2,3]}]}"#, .malformed),
        BadInput("JSON duplicate values", json: #"{"values":[1,2,3],"values":[1,2,3]}"#, .malformed),
        BadInput("JSON ts a string", json: #"{"values":[1,2,3],"ts":"now"}"#, .malformed),
        BadInput("JSON negative seq", json: #"{"values":[1,2,3],"seq":-1}"#, .malformed),
        BadInput("JSON fractional seq", json: #"{"values":[1,2,3],"seq":1.5}"#, .malformed),
        BadInput("JSON batch not an array", json: #"{"batch":{"values":[1,2,3]}}"#, .malformed),
        BadInput("JSON batch item without values", json: #"{"batch":[{"values":[1,2,3]},{"ts":1}]}"#, .malformed),
        BadInput("JSON bad escape in key", json: #"{"va\qlues":[1,2,3]}"#, .malformed),
        BadInput("JSON deep nesting", json: "{\"x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + ",\"values\":[1,2,3]}", .malformed),
        BadInput("neither JSON nor AEV1", payload: Array("END:100".utf8), .malformed),
        BadInput("binary unknown flag", payload: binaryHeader(dimension: 3, count: 1, flags: 4, bodyBytes: 12), .malformed),
        // Size
        BadInput("empty payload", payload: [], .size),
        BadInput("short binary header", payload: Array(good3.prefix(10)), .size),
        BadInput("magic only, truncated", payload: Array(good3.prefix(3)), .size),
        BadInput("binary truncated body", payload: Array(good3.dropLast()), .size),
        BadInput("binary extra byte", payload: good3 + [0], .size),
        BadInput("binary count × dim overflows", payload: binaryHeader(dimension: .max, count: .max, flags: 3, bodyBytes: 16), .size),  // an untrustworthy header counts one message
        BadInput("binary count exceeds frame", payload: binaryHeader(dimension: 3, count: 1_000_000, flags: 0, bodyBytes: 12), .size),
        // Empty
        BadInput("binary count zero", payload: binaryHeader(dimension: 3, count: 0, flags: 0, bodyBytes: 0), .empty),
        BadInput("JSON empty batch", json: #"{"batch":[]}"#, .empty),
        BadInput("JSON values and empty batch", json: #"{"values":[1,2,3],"batch":[]}"#, .malformed),
        BadInput("JSON empty batch and values", json: #"{"batch":[],"values":[1,2,3]}"#, .malformed),
        BadInput("lone frame that is not a stream name", [Array("bad name".utf8)], .stream),
        // Out of range however long the token
        BadInput("JSON 100000-digit integer", json: #"{"values":[1,"# + "9" + String(repeating: "0", count: 99_999) + ",3]}", .nonfinite),
        BadInput("JSON 100000-digit negative integer", json: #"{"values":[1,-"# + "1" + String(repeating: "7", count: 99_999) + ",3]}", .nonfinite),
        BadInput("JSON huge exponent", json: #"{"values":[1,1e"# + String(repeating: "9", count: 1000) + ",3]}", .nonfinite),
        BadInput("JSON long in-range token", json: #"{"values":[1,0."# + String(repeating: "3", count: 600) + ",3]}", .malformed),
        // Timestamp
        BadInput("JSON ts 1e300", json: #"{"values":[1,2,3],"ts":1e300}"#, .timestamp),
        BadInput("JSON ts negative", json: #"{"values":[1,2,3],"ts":-1e12}"#, .timestamp),
        BadInput("JSON ts 1e15", json: #"{"values":[1,2,3],"ts":1e15}"#, .timestamp),
        BadInput("JSON ts in milliseconds", json: #"{"values":[1,2,3],"ts":1732870000250}"#, .timestamp),
        BadInput("JSON batch ts in milliseconds", json: #"{"batch":[{"values":[1,2,3],"ts":1732870000250},{"values":[1,2,3],"ts":-1}]}"#, .timestamp, vectors: 2),
        BadInput("binary ts in milliseconds", payload: WireEncoder.encode(.binary, values: [1, 2, 3, 4, 5, 6], dimension: 3, timestamps: [1_732_870_000_250, 1e300]), .timestamp, vectors: 2),
    ]
}()

@Suite("Rejections")
struct RejectionTests {
    @Test(arguments: badInputs)
    func badInputIsRejectedAndTheNextGoodMessageDecodes(input: BadInput) {
        var batch = VectorBatch(dimension: 3)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        // A good vector first, so we can see the bad one leaves it alone.
        _ = decodeOne([streamFrame, good3], into: &batch, decoder: &decoder, counts: &counts)
        let outcome = decodeOne(input.frames, into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == 0)
        #expect(outcome.lastRejection?.reason == input.reason, "\(String(describing: outcome.lastRejection))")
        #expect(outcome.rejected == input.vectors)
        #expect(counts[input.reason] == input.vectors)
        #expect(counts.total == input.vectors)
        #expect(batch.count == 1)
        #expect(batch.dimension == 3)
        let next = decodeOne([streamFrame, Array(#"{"values":[4,5,6],"ts":2}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(next.accepted == 1)
        #expect(batch.count == 2)
        #expect(Array(batch.values) == [1, 2, 3, 4, 5, 6])
        #expect(batch.timestamp(1) == 2)
    }

    @Test func batchKeepsGoodVectorsAndCountsBadOnesOneByOne() {
        var batch = VectorBatch(dimension: 2)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let json = #"{"batch":[{"values":[1,2]},{"values":[1,2,3]},{"values":[NaN,1]},{"values":[3,4],"seq":9}]}"#
        let outcome = decodeOne([streamFrame, Array(json.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == 2)
        #expect(outcome.rejected == 2)
        #expect(counts[.dimension] == 1 && counts[.nonfinite] == 1)
        #expect(Array(batch.values) == [1, 2, 3, 4])
        #expect(batch.sequenceNumber(1) == 9)

        let binary = WireEncoder.encode(.binary, values: [1, 1, .nan, 2, 3, 3, 4, .infinity], dimension: 2,
                                        timestamps: [10, 11, 12, 13], sequenceNumbers: [0, 1, 2, 3])
        let second = decodeOne([streamFrame, binary], into: &batch, decoder: &decoder, counts: &counts)
        #expect(second.accepted == 2 && second.rejected == 2)
        #expect(Array(batch.values.suffix(4)) == [1, 1, 3, 3])
        #expect(Array(batch.timestamps.suffix(2)) == [10, 12])
        #expect(Array(batch.sequenceNumbers.suffix(2)) == [0, 2])
    }

    /// A timestamp is accepted up to `maximumTimestamp` and 0 onwards; out-of-range rows of a
    /// batch are dropped alone, NaN still means "none sent".
    @Test func implausibleTimestampsAreDroppedOneByOne() {
        var batch = VectorBatch(dimension: 2)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let json = #"{"batch":[{"values":[1,2],"ts":0},{"values":[9,9],"ts":1732870000250},{"values":[3,4],"ts":8589934592}]}"#
        let outcome = decodeOne([streamFrame, Array(json.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == 2 && outcome.rejected == 1)
        #expect(outcome.lastRejection?.detail.contains("milliseconds") == true)
        #expect(Array(batch.timestamps) == [0, 8_589_934_592])

        let binary = WireEncoder.encode(.binary, values: [5, 5, 6, 6, .nan, 7, 8, 8], dimension: 2,
                                        timestamps: [-0.5, 12, 13, .nan], sequenceNumbers: [0, 1, 2, 3])
        let second = decodeOne([streamFrame, binary], into: &batch, decoder: &decoder, counts: &counts)
        #expect(second.accepted == 2 && second.rejected == 2)
        #expect(counts[.timestamp] == 2 && counts[.nonfinite] == 1)
        #expect(Array(batch.values.suffix(4)) == [6, 6, 8, 8])
        #expect(batch.timestamp(2) == 12 && batch.timestamp(3) == nil)
        #expect(Array(batch.sequenceNumbers.suffix(2)) == [1, 3])

        var strict = WireDecoder(maximumTimestamp: 100)
        #expect(decodeOne([streamFrame, Array(#"{"values":[1,2],"ts":101}"#.utf8)], into: &batch, decoder: &strict, counts: &counts).lastRejection?.reason == .timestamp)
        #expect(counts.byName["timestamp"] == 3)
    }

    /// A long token whose magnitude alone puts it at zero decodes as zero.
    @Test func longTokensThatUnderflowDecodeAsZero() {
        var batch = VectorBatch(dimension: 3)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let json = #"{"values":[1e-"# + String(repeating: "9", count: 600) + ",-0." + String(repeating: "0", count: 600) + "1,0." + String(repeating: "0", count: 600) + "]}"
        let outcome = decodeOne([streamFrame, Array(json.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == 1, "\(String(describing: outcome.lastRejection))")
        #expect(Array(batch.values) == [0, 0, 0])
        #expect(decoder.maximumPayloadBytes == 16 << 20)
    }

    @Test func firstAcceptedVectorFixesTheDimension() {
        var batch = VectorBatch()
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        // A rejected message does not fix it.
        _ = decodeOne([streamFrame, Array(#"{"values":[1,2,NaN]}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        _ = decodeOne([streamFrame, Array(#"{"values":[1,2,3,4], "ts": "x"}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(batch.dimension == nil)
        _ = decodeOne([streamFrame, Array(#"{"values":[1,2]}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(batch.dimension == 2)
        _ = decodeOne([streamFrame, Array(#"{"values":[1,2,3]}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        #expect(counts[.dimension] == 1)
        #expect(counts[.nonfinite] == 1 && counts[.malformed] == 1)
    }

    @Test func oversizedPayloadIsRejected() {
        var batch = VectorBatch(dimension: 3)
        var decoder = WireDecoder(maximumPayloadBytes: 20)
        var counts = RejectionCounts()
        let big = WireEncoder.encode(.binary, values: [1, 2, 3, 4, 5, 6], dimension: 3)
        let outcome = decodeOne([streamFrame, big], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.lastRejection?.reason == .size)
        #expect(decodeOne([streamFrame, Array(#"{"values":[4,5,6]}"#.utf8)], into: &batch, decoder: &decoder, counts: &counts).accepted == 1)
    }

    /// A header that does not match its frame cannot be trusted for how many vectors were lost:
    /// such a message counts once, so a 16-byte frame claiming 2^32 - 1 vectors cannot inflate
    /// (or, repeated, overflow) the counters.
    @Test func anUntrustworthyHeaderCountsOneMessage() {
        var batch = VectorBatch(dimension: 3)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let claims: [[UInt8]] = [
            binaryHeader(dimension: .max, count: .max, flags: 0, bodyBytes: 0),
            binaryHeader(dimension: 3, count: .max, flags: 0, bodyBytes: 12),
            binaryHeader(dimension: 0, count: .max, flags: 0, bodyBytes: 0),
            binaryHeader(dimension: 3, count: .max, flags: 0x80, bodyBytes: 12),
        ]
        for claim in claims { _ = decodeOne([streamFrame, claim], into: &batch, decoder: &decoder, counts: &counts) }
        #expect(counts.total == claims.count)
        #expect(decodeOne([streamFrame, good3], into: &batch, decoder: &decoder, counts: &counts).accepted == 1)
    }

    @Test func countsEncodeByName() throws {
        var counts = RejectionCounts()
        counts.record(WireRejection(.dimension, count: 3, detail: ""))
        counts.record(WireRejection(.stream, detail: ""))
        #expect(counts.byName == ["dim": 3, "stream": 1])
        #expect(counts.total == 4)
    }
}
