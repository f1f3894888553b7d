import Testing
@testable import Tensor

@Suite struct CheckpointTests {
    func model(seed: UInt64) -> Sequential {
        var rng = Xoshiro256StarStar(seed: seed)
        return Sequential([
            Linear(5, 4, initialization: .he, using: &rng), Activation(.relu),
            Linear(4, 5, using: &rng),
        ])
    }

    @Test func roundTripIsBitExact() throws {
        let source = model(seed: 1)
        source.parameters[1].variable.assign(Tensor([.nan, -0.0, .infinity, 1e-38]))
        let blob = Checkpoint.encode(source.parameters.prefixed("encoder"))
        let decoded = try Checkpoint.decode(blob)
        #expect(decoded.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias"])
        for (a, b) in zip(decoded, source.parameters) {
            #expect(a.tensor.shape == b.variable.shape)
            #expect(a.tensor.scalars.map(\.bitPattern) == b.variable.value.scalars.map(\.bitPattern))
        }
        let target = model(seed: 2)
        try target.load(Checkpoint.decode(Checkpoint.encode(source.parameters)))
        let x = Tensor.ones([2, 5])
        #expect(target(x).scalars.map(\.bitPattern) == source(x).scalars.map(\.bitPattern))
    }

    @Test func everyFlippedByteIsRejected() {
        let blob = Checkpoint.encode(model(seed: 3).parameters)
        for index in stride(from: 0, to: blob.count, by: 1) {
            var corrupt = blob
            corrupt[index] ^= 0x5A
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(corrupt) }
        }
    }

    @Test func everyTruncationIsRejected() {
        let blob = Checkpoint.encode(model(seed: 4).parameters)
        for length in 0..<blob.count {
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(Array(blob[0..<length])) }
        }
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(blob + [0]) }
    }

    @Test func hostileLengthsThrowInsteadOfTrapping() {
        // A valid checksum over absurd lengths: the decoder must check lengths, not trust them.
        var body = Checkpoint.magic
        Checkpoint.append(UInt32(1), to: &body)
        Checkpoint.append(UInt32(1), to: &body)
        Checkpoint.append(UInt32(1), to: &body)
        body.append(UInt8(ascii: "w"))
        Checkpoint.append(UInt32(2), to: &body)
        Checkpoint.append(UInt64.max, to: &body)
        Checkpoint.append(UInt64.max, to: &body)
        Checkpoint.append(FNV1a64.hash(body), to: &body)
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(body) }
    }

    @Test func loadRejectsMismatchedModels() throws {
        let blob = Checkpoint.encode(model(seed: 5).parameters)
        var rng = Xoshiro256StarStar(seed: 6)
        let wrongShape = Sequential([Linear(5, 3, using: &rng), Activation(.relu), Linear(3, 5, using: &rng)])
        let before = wrongShape.parameters.tensors.map(\.tensor)
        #expect(throws: CheckpointError.shapeMismatch(name: "0.weight", expected: [5, 3], found: [5, 4])) {
            try wrongShape.load(Checkpoint.decode(blob))
        }
        #expect(wrongShape.parameters.tensors.map(\.tensor) == before)
        let smaller = Sequential([Linear(5, 4, using: &rng)])
        #expect(throws: CheckpointError.unexpectedParameter("2.weight")) {
            try smaller.load(Checkpoint.decode(blob))
        }
        #expect(FNV1a64.hash(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    }
}
