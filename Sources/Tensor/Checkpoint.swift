/// Named tensors to a versioned, checksummed binary blob and back, bit-exact.
///
/// Layout, all integers little-endian:
/// `magic "AEDT" | version u32 (= 1) | count u32 |` then per tensor
/// `nameLength u32 | name UTF-8 | rank u32 | extent u64 × rank | values f32 × Π extents |`,
/// then `checksum u64`, the FNV-1a 64 hash of every preceding byte. Decoding checks the
/// checksum first and every length against the bytes left before reading, so a corrupt or
/// truncated blob throws and never traps.
public enum Checkpoint {
    /// The four magic bytes, "AEDT".
    public static let magic: [UInt8] = Array("AEDT".utf8)
    /// The format version written by `encode`.
    public static let version: UInt32 = 1
    /// The longest accepted name, in bytes.
    public static let maximumNameLength = 4096
    /// The highest accepted rank.
    public static let maximumRank = 8

    /// Encodes named tensors in the given order.
    /// - Precondition: names of at most `maximumNameLength` bytes, ranks of at most `maximumRank`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)]) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(16 + tensors.reduce(0) { $0 + 64 + $1.name.utf8.count + 4 * $1.tensor.count })
        append(version, to: &bytes)
        append(UInt32(tensors.count), to: &bytes)
        for (name, tensor) in tensors {
            let utf8 = Array(name.utf8)
            precondition(
                utf8.count <= maximumNameLength && tensor.rank <= maximumRank,
                "Checkpoint.encode: \(name) (rank \(tensor.rank)) exceeds the format's limits")
            append(UInt32(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
            append(UInt32(tensor.rank), to: &bytes)
            for extent in tensor.shape { append(UInt64(extent), to: &bytes) }
            for value in tensor.scalars { append(value.bitPattern, to: &bytes) }
        }
        append(FNV1a64.hash(bytes), to: &bytes)
        return bytes
    }

    /// Encodes a model's parameters by their dotted names.
    public static func encode(_ parameters: [NamedParameter]) -> [UInt8] {
        encode(parameters.tensors)
    }

    /// Decodes a blob written by `encode`, in its order.
    /// - Throws: `CheckpointError` for a short blob, wrong magic, unknown version, checksum
    ///   mismatch, bad lengths, invalid UTF-8, duplicate names, or trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        guard bytes.count >= magic.count + 4 + 4 + 8 else {
            throw CheckpointError.truncated(needed: magic.count + 16, available: bytes.count)
        }
        guard Array(bytes[0..<4]) == magic else { throw CheckpointError.badMagic }
        let bodyEnd = bytes.count - 8
        var reader = ByteReader(bytes: bytes, position: bodyEnd, end: bytes.count)
        let stored = try reader.readUInt64()
        let computed = FNV1a64.hash(bytes[0..<bodyEnd])
        guard stored == computed else {
            throw CheckpointError.checksumMismatch(stored: stored, computed: computed)
        }
        reader = ByteReader(bytes: bytes, position: 4, end: bodyEnd)
        let version = try reader.readUInt32()
        guard version == Self.version else { throw CheckpointError.unsupportedVersion(version) }
        let count = Int(try reader.readUInt32())
        var result: [(name: String, tensor: Tensor)] = []
        var seen = Set<String>()
        for _ in 0..<count {
            let nameLength = Int(try reader.readUInt32())
            guard nameLength <= maximumNameLength else {
                throw CheckpointError.invalidLength("name of \(nameLength) bytes")
            }
            let nameBytes = try reader.readBytes(nameLength)
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw CheckpointError.invalidName
            }
            guard seen.insert(name).inserted else { throw CheckpointError.duplicateName(name) }
            let rank = Int(try reader.readUInt32())
            guard rank <= maximumRank else { throw CheckpointError.invalidLength("rank \(rank)") }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let extent = try reader.readUInt64()
                // Every element takes 4 bytes, so no valid extent exceeds the bytes left.
                guard extent <= UInt64(reader.remaining / 4) || extent == 0 else {
                    throw CheckpointError.invalidLength("extent \(extent) of \(name)")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(extent))
                guard !overflow, product <= reader.remaining / 4 || product == 0 else {
                    throw CheckpointError.invalidLength("shape of \(name)")
                }
                elements = product
                shape.append(Int(extent))
            }
            if rank > 0, shape.contains(0) { elements = 0 }
            let scalars = try reader.readFloats(elements)
            result.append((name, Tensor(shape: shape, scalars: scalars)))
        }
        guard reader.remaining == 0 else { throw CheckpointError.trailingBytes(reader.remaining) }
        return result
    }

    static func append<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
