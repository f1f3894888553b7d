import Foundation

/// A bounded FIFO of fixed-dimension vectors, stored contiguously; the oldest is overwritten.
///
/// Holds a stream's accepted, non-alerting vectors for retraining: up to `[capacity, dimension]`
/// Float32 in one array that grows as vectors arrive (so an idle stream costs little) and, once
/// full, is overwritten in place without allocating.
///
/// Beside each row it counts the *censored* vectors that arrived just before it: vectors that
/// crossed a threshold strongly and were kept out of the buffer (`noteCensored()`). Calibration
/// counts them as exceedances, so keeping the tail out of the training data does not also cut it
/// out of the data a threshold is calibrated on (each retrain would otherwise set the threshold
/// lower than the last; `Trainer`).
public struct VectorRingBuffer: Sendable {
    /// Features per vector.
    public let dimension: Int
    /// Maximum number of vectors kept.
    public let capacity: Int
    private var storage: [Float]
    private var censored: [UInt32] = []
    /// Censored vectors since the last appended row (attached to the next one).
    private var pendingCensored: UInt32 = 0
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
            censored.append(pendingCensored)
        } else {
            storage.withUnsafeMutableBufferPointer { target in
                for j in 0..<dimension { target[start + j] = values[offset + j] }
            }
            censored[head] = pendingCensored
        }
        pendingCensored = 0
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

    /// Counts one vector kept out of the buffer because it crossed a threshold strongly; it is
    /// attached to the next appended row.
    public mutating func noteCensored() {
        if pendingCensored < UInt32.max { pendingCensored += 1 }
    }

    /// Forgets the `n` newest censored vectors (a level shift adopted them into the buffer).
    public mutating func forgetCensored(_ n: Int) {
        var left = n
        let taken = min(UInt32(clamping: left), pendingCensored)
        pendingCensored -= taken
        left -= Int(taken)
        var row = (head - 1 + capacity) % capacity
        var visited = 0
        while left > 0, visited < count {
            let taken = min(UInt32(clamping: left), censored[row])
            censored[row] -= taken
            left -= Int(taken)
            row = (row - 1 + capacity) % capacity
            visited += 1
        }
    }

    /// Per held row, oldest first: the censored vectors that arrived just before it (`count`
    /// entries).
    public func censoredCounts() -> [UInt32] {
        if count < capacity { return censored }
        return Array(censored[head...]) + Array(censored[..<head])
    }

    /// The held vectors, oldest first, as `[count, dimension]` row-major values.
    public func snapshot() -> [Float] {
        if count < capacity { return Array(storage[0..<(count * dimension)]) }
        let split = head * dimension
        return Array(storage[split...]) + Array(storage[..<split])
    }

    /// A buffer refilled from a snapshot (`[rows, dimension]`, oldest first) and its censored
    /// counts (`censoredCounts()`; missing entries count 0); the newest `capacity` rows are kept.
    public init(dimension: Int, capacity: Int, restoring values: [Float], censored counts: [UInt32] = []) {
        self.init(dimension: dimension, capacity: capacity)
        let rows = values.count / dimension
        let skip = max(0, rows - capacity)
        values.withUnsafeBufferPointer { pointer in
            for row in skip..<rows {
                pendingCensored = row < counts.count ? counts[row] : 0
                append(pointer, offset: row * dimension)
            }
        }
        totalAppended = count
    }
}
