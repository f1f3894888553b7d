import Testing
@testable import Wire

@Suite("Fuzz")
struct FuzzTests {
    /// Good payloads of every form, to mutate.
    static func seeds() -> [[UInt8]] {
        var generator = SeededGenerator(seed: 2026)
        var seeds: [[UInt8]] = []
        for format in PayloadFormat.allCases {
            for count in [1, 3] {
                let values = randomFloats(count * 4, using: &generator)
                seeds.append(WireEncoder.encode(format, values: values, dimension: 4))
                seeds.append(WireEncoder.encode(format, values: values, dimension: 4,
                                                timestamps: (0..<count).map { Double($0) + 0.5 },
                                                sequenceNumbers: (0..<count).map { UInt64($0) }))
            }
        }
        seeds.append(Array(#"{"x":{"y":["a\u0041",true,false,null,-1.5e-3]},"values":[1,2,3,4]}"#.utf8))
        return seeds
    }

    /// Decodes `payload` and checks the invariants that must hold for any input.
    static func check(_ payload: [UInt8], decoder: inout WireDecoder, batch: inout VectorBatch, counts: inout RejectionCounts) {
        let before = batch.count
        let totalBefore = counts.total
        let outcome = decoder.decode(frames: [streamFrame, payload], into: &batch, rejections: &counts).outcome
        #expect(batch.count == before + outcome.accepted)
        #expect(counts.total == totalBefore + outcome.rejected)
        #expect(outcome.accepted > 0 || outcome.rejected > 0)
        #expect(batch.dimension == 4)
        let allFinite = batch.values.allSatisfy { $0.isFinite }
        #expect(allFinite)
        if batch.count > 4096 { batch.removeAll() }
    }

    @Test func randomBytesAndTruncationsNeverCrash() {
        var generator = SeededGenerator(seed: 7)
        var decoder = WireDecoder()
        var batch = VectorBatch(dimension: 4)
        var counts = RejectionCounts()
        let seeds = Self.seeds()
        var inputs = 0
        for _ in 0..<6_000 {
            // Pure random bytes, sometimes behind a plausible prefix.
            let length = Int.random(in: 0..<96, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes = Array("AEV1".utf8) + bytes
            case 1: bytes = Array("{\"values\":[".utf8) + bytes
            default: break
            }
            Self.check(bytes, decoder: &decoder, batch: &batch, counts: &counts)
            inputs += 1
        }
        for seed in seeds {
            // Every truncation of every good payload.
            for length in 0..<seed.count {
                Self.check(Array(seed.prefix(length)), decoder: &decoder, batch: &batch, counts: &counts)
                inputs += 1
            }
            // Random byte flips and splices.
            for _ in 0..<600 {
                var mutated = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<mutated.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: mutated[position] = UInt8.random(in: 0...255, using: &generator)
                    case 1: mutated[position] = Array("{}[],:\"-.e0NI ".utf8).randomElement(using: &generator) ?? 0
                    default: mutated.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                    }
                }
                Self.check(mutated, decoder: &decoder, batch: &batch, counts: &counts)
                inputs += 1
            }
        }
        #expect(inputs > 10_000)
        // The decoder still works after all that.
        batch.removeAll()
        let good = decoder.decode(frames: [streamFrame, WireEncoder.encode(.json, values: [1, 2, 3, 4], dimension: 4)],
                                  into: &batch, rejections: &counts).outcome
        #expect(good.accepted == 1)
    }
}
