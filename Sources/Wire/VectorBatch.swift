/// A reusable buffer of decoded vectors: values `[count, dimension]` row-major as `Float`,
/// one timestamp and one sequence number per vector.
///
/// The decoder appends to it; `removeAll()` empties it but keeps its capacity and dimension, so
/// a long-running consumer allocates only while the buffer grows to its working size. The
/// dimension is fixed by `init(dimension:)` (from config) or by the first accepted vector.
public struct VectorBatch: Sendable {
    /// Marks a vector that carried no sequence number.
    public static let noSequenceNumber = UInt64.max

    /// The stream's dimension (features per vector), nil until fixed.
    public private(set) var dimension: Int?
    /// The number of vectors held.
    public private(set) var count = 0

    /// Row storage; only the first `count * dimension` entries are valid.
    var valueStorage: [Float] = []
    /// Per-vector timestamps, seconds since the Unix epoch; NaN = none sent.
    var timestampStorage: [Double] = []
    /// Per-vector sequence numbers; `noSequenceNumber` = none sent.
    var sequenceStorage: [UInt64] = []

    /// Creates an empty batch with a fixed `dimension` (or nil to take the first vector's) and
    /// room for `capacity` vectors.
    /// - Precondition: `dimension` is nil or positive.
    public init(dimension: Int? = nil, capacity: Int = 0) {
        precondition(dimension.map { $0 > 0 } ?? true, "dimension must be positive, got \(String(describing: dimension))")
        self.dimension = dimension
        if let dimension, capacity > 0 { reserve(vectors: capacity, dimension: dimension) }
    }

    /// The values of all vectors, `[count, dimension]` row-major.
    public var values: ArraySlice<Float> { valueStorage[0..<(count * (dimension ?? 0))] }

    /// The timestamps, seconds since the Unix epoch, NaN where a vector had none; `[count]`.
    public var timestamps: ArraySlice<Double> { timestampStorage[0..<count] }

    /// The sequence numbers, `noSequenceNumber` where a vector had none; `[count]`.
    public var sequenceNumbers: ArraySlice<UInt64> { sequenceStorage[0..<count] }

    /// Vector `index`, `[dimension]`.
    /// - Precondition: `index < count`.
    public func vector(_ index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < count, "vector \(index) of \(count)")
        let dimension = self.dimension ?? 0
        return valueStorage[(index * dimension)..<((index + 1) * dimension)]
    }

    /// The timestamp of vector `index` in seconds since the Unix epoch, nil if none was sent.
    public func timestamp(_ index: Int) -> Double? {
        let value = timestampStorage[index]
        return value.isNaN ? nil : value
    }

    /// The sequence number of vector `index`, nil if none was sent.
    public func sequenceNumber(_ index: Int) -> UInt64? {
        let value = sequenceStorage[index]
        return value == Self.noSequenceNumber ? nil : value
    }

    /// Calls `body` with the values as one contiguous `[count, dimension]` buffer.
    public func withUnsafeValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let total = count * (dimension ?? 0)
        return try valueStorage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<total])) }
    }

    /// Removes all vectors, keeping the capacity and the dimension.
    public mutating func removeAll() {
        count = 0
    }

    /// Appends one vector.
    /// - Precondition: `vector.count` equals the dimension (which it fixes when unset).
    public mutating func append(_ vector: some Collection<Float>, timestamp: Double? = nil, sequenceNumber: UInt64? = nil) {
        let dimension = self.dimension ?? vector.count
        precondition(vector.count == dimension && dimension > 0, "vector of \(vector.count) values for dimension \(dimension)")
        self.dimension = dimension
        reserve(vectors: count + 1, dimension: dimension)
        var offset = count * dimension
        for value in vector {
            valueStorage[offset] = value
            offset += 1
        }
        timestampStorage[count] = timestamp ?? .nan
        sequenceStorage[count] = sequenceNumber ?? Self.noSequenceNumber
        count += 1
    }

    // MARK: Decoder internals

    /// Fixes the dimension (first accepted vector).
    mutating func fixDimension(_ dimension: Int) {
        if self.dimension == nil { self.dimension = dimension }
    }

    /// Ensures room for `vectors` vectors of `dimension` values.
    mutating func reserve(vectors: Int, dimension: Int) {
        let needed = vectors * dimension
        if valueStorage.count < needed {
            let target = max(needed, valueStorage.count * 2)
            valueStorage.append(contentsOf: repeatElement(0, count: target - valueStorage.count))
        }
        if timestampStorage.count < vectors {
            let target = max(vectors, timestampStorage.count * 2)
            timestampStorage.append(contentsOf: repeatElement(.nan, count: target - timestampStorage.count))
            sequenceStorage.append(contentsOf: repeatElement(Self.noSequenceNumber, count: target - sequenceStorage.count))
        }
    }

    /// Sets the vector count after the decoder filled rows in place.
    mutating func setCount(_ count: Int) {
        self.count = count
    }
}

extension VectorBatch {
    /// Undoes a dimension fixed by a message that was rejected after all.
    mutating func restoreDimension(_ dimension: Int?) {
        if dimension == nil && count == 0 { self.dimension = nil }
    }
}
