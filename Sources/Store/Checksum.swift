import Foundation
import Tensor

/// The checksum of a model's blobs: 64-bit FNV-1a (Tensor's `FNV1a64`, the checkpoint checksum)
/// over configuration, scaler and weights, each preceded by its length as a little-endian
/// UInt64, written as 16 lowercase hex digits.
///
/// FNV-1a is not cryptographic; it detects torn or bit-flipped blobs, not tampering.
enum Checksum {
    static func model(configuration: Data, scaler: Data, weights: Data) -> String {
        var hash = FNV1a64()
        for blob in [configuration, scaler, weights] {
            var length = UInt64(blob.count).littleEndian
            withUnsafeBytes(of: &length) { hash.update($0) }
            hash.update(blob)
        }
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
