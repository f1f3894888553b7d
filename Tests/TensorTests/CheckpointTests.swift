import Testing
@testable import Tensor

@Suite struct CheckpointTests {
    /// Named tensors as a two-layer stack's checkpoint holds them.
    func tensors(seed: UInt64) -> [(name: String, tensor: Tensor)] {
        var rng = Xoshiro256StarStar(seed: seed)
        return [
            ("encoder.0.weight", .randomNormal([5, 4], using: &rng)), ("encoder.0.bias", .randomNormal([4], using: &rng)),
            ("encoder.1.weight", .randomNormal([4, 5], using: &rng)), ("encoder.1.bias", .zeros([5])),
        ]
    }

    @Test func roundTripIsBitExact() throws {
        var source = tensors(seed: 1)
        source[1].tensor = Tensor([.nan, -0.0, .infinity, 1e-38])
        let decoded = try Checkpoint.decode(Checkpoint.encode(source))
        #expect(decoded.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias"])
        for (a, b) in zip(decoded, source) {
            #expect(a.tensor.shape == b.tensor.shape)
            #expect(a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern))
        }
        // Parameters encode as their values under their names.
        let parameters = source.map { NamedParameter(name: $0.name, variable: Variable($0.tensor, requiresGradient: true)) }
        #expect(Checkpoint.encode(parameters) == Checkpoint.encode(source))
    }

    @Test func everyFlippedByteIsRejected() {
        let blob = Checkpoint.encode(tensors(seed: 3))
        for index in stride(from: 0, to: blob.count, by: 1) {
            var corrupt = blob
            corrupt[index] ^= 0x5A
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(corrupt) }
        }
    }

    @Test func everyTruncationIsRejected() {
        let blob = Checkpoint.encode(tensors(seed: 4))
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

    @Test func duplicateNamesAreRejected() {
        let blob = Checkpoint.encode(tensors(seed: 5) + [("encoder.0.bias", .zeros([4]))])
        #expect(throws: CheckpointError.duplicateName("encoder.0.bias")) { try Checkpoint.decode(blob) }
        #expect(FNV1a64.hash(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    }
}
