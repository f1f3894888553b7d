import Foundation

/// The checksum of a model's blobs: 64-bit FNV-1a over configuration, scaler and weights, each
/// preceded by its length as a little-endian UInt64, written as 16 lowercase hex digits.
///
/// FNV-1a is not cryptographic; it detects torn or bit-flipped blobs, not tampering. Reference:
/// Fowler, Noll, Vo, "FNV hash" (IETF draft-eastlake-fnv).
enum Checksum {
    static func model(configuration: Data, scaler: Data, weights: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for blob in [configuration, scaler, weights] {
            var length = UInt64(blob.count).littleEndian
            withUnsafeBytes(of: &length) { hash = fnv1a(hash, $0) }
            blob.withUnsafeBytes { hash = fnv1a(hash, $0) }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func fnv1a(_ start: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = start
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
