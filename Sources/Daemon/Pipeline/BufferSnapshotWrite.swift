import Foundation

/// A copy of one stream's retrain buffer for the store writer to save (`buffer_snapshots`).
struct BufferSnapshotWrite: Sendable, Equatable {
    /// The stream's name.
    var stream: String
    /// Features per vector.
    var dimension: Int
    /// Vectors in `values`.
    var count: Int
    /// `[count, dimension]` little-endian Float32, oldest vector first.
    var values: Data
}

extension BufferSnapshotWrite {
    /// Float32 values as their bytes (the snapshot blob layout).
    static func data(_ values: [Float]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    /// The Float32 values of a snapshot blob (a trailing partial value is ignored).
    static func floats(_ data: Data) -> [Float] {
        let count = data.count / 4
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<(count * 4)]))
            }
        }
        return values
    }
}
