import Foundation

/// A bounded FIFO of fixed-dimension vectors, stored contiguously; the oldest is overwritten.
///
/// Holds a stream's accepted, non-alerting vectors for retraining: up to `[capacity, dimension]`
/// Float32 in one array that grows as vectors arrive (so an idle stream costs little) and, once
/// full, is overwritten in place without allocating.
public struct VectorRingBuffer: Sendable {
    /// Features per vector.
    public let dimension: Int
    /// Maximum number of vectors kept.
    public let capacity: Int
    private var storage: [Float]
    private var head = 0
    /// The number of vectors held, at most `capacity`.
    public private(set) var count = 0
    /// Vectors appended since creation (including overwritten ones).
    public private(set) var totalAppended = 0

    /// An empty buffer.
    /// - Precondition: `dimension > 0` and `capacity > 0`.
    public init(dimension: Int, capacity: Int) {
        precondition(dimension > 0 && capacity > 0, "VectorRingBuffer needs dimension and capacity > 0, got \(dimension), \(capacity)")
        self.dimension = dimension
        self.capacity = capacity
        storage = []
    }

    /// Appends one vector of `dimension` values from `values[offset..<offset+dimension]`.
    public mutating func append(_ values: UnsafeBufferPointer<Float>, offset: Int) {
        let start = head * dimension
        if storage.count < capacity * dimension {
            // Still filling: head == count, append at the end.
            storage.append(contentsOf: UnsafeBufferPointer(rebasing: values[offset..<(offset + dimension)]))
        } else {
            storage.withUnsafeMutableBufferPointer { target in
                for j in 0..<dimension { target[start + j] = values[offset + j] }
            }
        }
        head = (head + 1) % capacity
        count = min(count + 1, capacity)
        totalAppended += 1
    }

    /// Appends one vector.
    /// - Precondition: `vector.count == dimension`.
    public mutating func append(_ vector: [Float]) {
        precondition(vector.count == dimension, "vector of \(vector.count) features into a buffer of dimension \(dimension)")
        vector.withUnsafeBufferPointer { append($0, offset: 0) }
    }

    /// Adds `offsets[j]` to feature `j` of every held vector (moving buffered history to a new
    /// level after a level shift).
    /// - Precondition: `offsets.count == dimension`.
    public mutating func translate(by offsets: [Float]) {
        precondition(offsets.count == dimension, "\(offsets.count) offsets for a buffer of dimension \(dimension)")
        storage.withUnsafeMutableBufferPointer { values in
            for row in 0..<(values.count / dimension) {
                for j in 0..<dimension where offsets[j] != 0 { values[row * dimension + j] += offsets[j] }
            }
        }
    }

    /// The held vectors, oldest first, as `[count, dimension]` row-major values.
    public func snapshot() -> [Float] {
        if count < capacity { return Array(storage[0..<(count * dimension)]) }
        let split = head * dimension
        return Array(storage[split...]) + Array(storage[..<split])
    }

    /// A buffer refilled from a snapshot (`[rows, dimension]`, oldest first); the newest
    /// `capacity` rows are kept.
    public init(dimension: Int, capacity: Int, restoring values: [Float]) {
        self.init(dimension: dimension, capacity: capacity)
        let rows = values.count / dimension
        let skip = max(0, rows - capacity)
        values.withUnsafeBufferPointer { pointer in
            for row in skip..<rows { append(pointer, offset: row * dimension) }
        }
        totalAppended = count
    }
}
