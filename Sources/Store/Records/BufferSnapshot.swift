import struct Foundation.Data

/// A stream's retrain buffer, saved so a restart can retrain without waiting for new data.
///
/// `values` is `[count, dimension]` row-major little-endian Float32: `count * dimension * 4`
/// bytes.
public struct BufferSnapshot: Sendable, Equatable {
    /// The stream.
    public var stream: String
    /// Features per vector.
    public var dimension: Int
    /// Vectors in the snapshot.
    public var count: Int
    /// `[count, dimension]` little-endian Float32 values.
    public var values: Data
    /// When it was saved, seconds since the Unix epoch.
    public var saved: Double
    /// Per row, `count` little-endian UInt32: the vectors kept out of the buffer just before
    /// that row for crossing a threshold strongly; nil when none were recorded (snapshots saved
    /// before schema version 5).
    public var censored: Data?

    /// Creates a snapshot.
    public init(stream: String, dimension: Int, count: Int, values: Data, saved: Double, censored: Data? = nil) {
        self.stream = stream
        self.dimension = dimension
        self.count = count
        self.values = values
        self.saved = saved
        self.censored = censored
    }
}
