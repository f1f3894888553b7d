/// A bounds-checked little-endian reader over a byte array.
struct ByteReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    var remaining: Int { end - position }

    mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw CheckpointError.truncated(needed: count, available: remaining)
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Reads `count` little-endian `Float`s in one pass.
    mutating func readFloats(_ count: Int) throws -> [Float] {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow else { throw CheckpointError.invalidLength("\(count) floats") }
        let slice = try readBytes(byteCount)
        return slice.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                initialized = count
            }
        }
    }

    mutating func readUInt32() throws -> UInt32 {
        let slice = try readBytes(4)
        return slice.reversed().reduce(0) { ($0 << 8) | UInt32($1) }
    }

    mutating func readUInt64() throws -> UInt64 {
        let slice = try readBytes(8)
        return slice.reversed().reduce(0) { ($0 << 8) | UInt64($1) }
    }
}
