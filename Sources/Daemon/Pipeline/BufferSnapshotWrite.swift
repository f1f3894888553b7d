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
    /// Per row, little-endian UInt32: the censored vectors just before it
    /// (`VectorRingBuffer.censoredCounts()`).
    var censored: Data?

    /// A copy of `buffer` for stream `stream`.
    init(stream: String, buffer: VectorRingBuffer) {
        self.init(
            stream: stream, dimension: buffer.dimension, count: buffer.count, values: Self.data(buffer.snapshot()),
            censored: Self.data(buffer.censoredCounts()))
    }

    /// A snapshot of `count` rows from its parts.
    init(stream: String, dimension: Int, count: Int, values: Data, censored: Data? = nil) {
        self.stream = stream
        self.dimension = dimension
        self.count = count
        self.values = values
        self.censored = censored
    }
}

extension BufferSnapshotWrite {
    /// Float32 values as their bytes (the snapshot blob layout).
    static func data(_ values: [Float]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    /// UInt32 counts as their little-endian bytes.
    static func data(_ counts: [UInt32]) -> Data {
        var data = Data(capacity: counts.count * 4)
        for count in counts {
            var bits = count.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The UInt32 counts of a censored-counts blob (a trailing partial value is ignored).
    static func counts(_ data: Data) -> [UInt32] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
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
