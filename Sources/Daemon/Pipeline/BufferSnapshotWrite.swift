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
