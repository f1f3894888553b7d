/// The 64-bit FNV-1a hash (Fowler, Noll and Vo; IETF draft-eastlake-fnv).
///
/// `h = 0xcbf29ce484222325`; for each byte `b`: `h = (h ^ b) · 0x100000001b3 mod 2^64`.
/// Used as the checkpoint checksum: it detects every single flipped byte.
public struct FNV1a64: Sendable, Equatable {
    /// The running hash.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Starts a hash.
    public init() {}

    /// Mixes `bytes` into the hash.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        value = h
    }

    /// The hash of `bytes`.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = FNV1a64()
        hasher.update(bytes)
        return hasher.value
    }
}
