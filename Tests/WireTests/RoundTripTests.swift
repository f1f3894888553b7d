import Testing
@testable import Wire

@Suite("Round trips")
struct RoundTripTests {
    @Test(arguments: PayloadFormat.allCases, [1, 2, 256])
    func encodeThenDecodeIsBitIdentical(format: PayloadFormat, count: Int) {
        var generator = SeededGenerator(seed: UInt64(count) &* 7919 &+ (format == .json ? 1 : 2))
        let dimension = 38
        let values = randomFloats(count * dimension, using: &generator)
        let timestamps = (0..<count).map { 1_732_870_000.25 + Double($0) * 0.001 }
        let sequenceNumbers = (0..<count).map { UInt64($0) * 3 + 17 }
        let payload = WireEncoder.encode(format, values: values, dimension: dimension,
                                         timestamps: timestamps, sequenceNumbers: sequenceNumbers)
        var batch = VectorBatch()
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let outcome = decodeOne([streamFrame, payload], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == count)
        #expect(outcome.rejected == 0)
        #expect(counts.total == 0)
        #expect(batch.dimension == dimension)
        #expect(batch.count == count)
        #expect(batch.values.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(Array(batch.timestamps) == timestamps)
        #expect(Array(batch.sequenceNumbers) == sequenceNumbers)
    }

    @Test(arguments: PayloadFormat.allCases)
    func optionalFieldsAbsentDecodeAsNone(format: PayloadFormat) {
        let payload = WireEncoder.encode(format, values: [1, 2, 3, 4, 5, 6], dimension: 3)
        var batch = VectorBatch(dimension: 3)
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        let outcome = decodeOne([streamFrame, payload], into: &batch, decoder: &decoder, counts: &counts)
        #expect(outcome.accepted == 2)
        #expect(batch.timestamp(0) == nil && batch.timestamp(1) == nil)
        #expect(batch.sequenceNumber(0) == nil && batch.sequenceNumber(1) == nil)
        #expect(Array(batch.vector(1)) == [4, 5, 6])
    }

    @Test func handWrittenJSONFormsDecode() {
        let payloads = [
            #"{"values": [1, -2.5, 3e2], "ts": 1732870000.25, "seq": 17}"#,
            #"  {"seq":18,"extra":{"a":[1,{"b":null}],"c":"x\"y"},"values":[0.1,2E-3,-0],"ts":null}"#,
            #"{"batch": [{"values": [7, 8, 9]}, {"ts": 5, "values": [10, 11, 12.0]}]}"#,
        ]
        var batch = VectorBatch()
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        for payload in payloads {
            _ = decodeOne([streamFrame, Array(payload.utf8)], into: &batch, decoder: &decoder, counts: &counts)
        }
        #expect(counts.total == 0)
        #expect(batch.count == 4)
        #expect(Array(batch.values) == [1, -2.5, 300, 0.1, 0.002, 0, 7, 8, 9, 10, 11, 12])
        #expect(batch.timestamp(0) == 1_732_870_000.25)
        #expect(batch.sequenceNumber(0) == 17 && batch.sequenceNumber(1) == 18)
        #expect(batch.timestamp(1) == nil)
        #expect(batch.timestamp(3) == 5)
    }

    @Test func decimalConversionIsCorrectlyRounded() {
        // Hard cases: many digits, near float midpoints, subnormals, range edges.
        let tokens = [
            "0.1", "3.4028235e38", "3.4028234663852886e38", "1.17549435e-38", "1e-45", "1.4e-45",
            "7.006492321624085e-46", "0.30000001192092896", "16777217", "16777216.000000001",
            "1.00000005960464477539062", "1.000000059604644775390625", "1.0000000596046448",
            "123456789012345678901234567890", "0.000000000000000000000000000000000001",
            "-2.7182818284590452353602874713527", "4.9406564584124654e-324", "9007199254740993",
        ]
        var generator = SeededGenerator(seed: 99)
        var randomTokens: [String] = []
        for _ in 0..<3000 {
            let mantissa = UInt64.random(in: 0...99_999_999_999, using: &generator)
            let exponent = Int.random(in: -50...40, using: &generator)
            randomTokens.append("\(mantissa)e\(exponent)")
        }
        // Python's json prints a Float widened to Double with up to 17 significant digits;
        // 18-25 digit tokens (digits past 19 dropped) and the neighbours of float midpoints.
        for _ in 0..<3000 {
            let float = Float(bitPattern: UInt32.random(in: 0x0080_0000...0x7F7F_FFFF, using: &generator))
            let sign = Bool.random(using: &generator) ? "-" : ""
            randomTokens.append(sign + "\(Double(float))")
            let digits = (0..<Int.random(in: 18...25, using: &generator)).map { _ in
                String(Int.random(in: 0...9, using: &generator))
            }.joined()
            randomTokens.append("0.\(digits)e\(Int.random(in: -20...30, using: &generator))")
            let midpoint = (Double(float) + Double(float.nextUp)) / 2
            for neighbour in [midpoint.nextDown, midpoint, midpoint.nextUp] {
                randomTokens.append(String(format: "%.25e", neighbour))
                randomTokens.append("\(neighbour)")
            }
        }
        for token in tokens + randomTokens {
            let expected = Float(token)
            let payload = Array("{\"values\":[\(token)]}".utf8)
            var batch = VectorBatch()
            var decoder = WireDecoder()
            var counts = RejectionCounts()
            let outcome = decodeOne([streamFrame, payload], into: &batch, decoder: &decoder, counts: &counts)
            if let expected, expected.isFinite {
                #expect(outcome.accepted == 1, "\(token)")
                #expect(batch.values.first?.bitPattern == expected.bitPattern, "\(token): \(String(describing: batch.values.first)) vs \(expected)")
            } else {
                #expect(counts[.nonfinite] == 1, "\(token) is outside Float range")
            }
        }
    }

    @Test func batchAppendsAcrossMessagesAndResetKeepsDimension() {
        var batch = VectorBatch()
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        for index in 0..<10 {
            let payload = WireEncoder.encode(index.isMultiple(of: 2) ? .json : .binary,
                                             values: [Float(index), 1], dimension: 2)
            _ = decodeOne([streamFrame, payload], into: &batch, decoder: &decoder, counts: &counts)
        }
        #expect(batch.count == 10)
        #expect(batch.vector(9) == [9, 1])
        batch.removeAll()
        #expect(batch.count == 0 && batch.dimension == 2)
        let wrong = WireEncoder.encode(.binary, values: [1, 2, 3], dimension: 3)
        _ = decodeOne([streamFrame, wrong], into: &batch, decoder: &decoder, counts: &counts)
        #expect(counts[.dimension] == 1)
    }
}
