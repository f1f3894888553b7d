/// The recent vectors that alerted, with their vector times: kept out of the retrain buffer
/// (so anomalies are never learned) until a level shift adopts the ones of its window.
struct AlertedVectors: Sendable {
    private(set) var vectors: VectorRingBuffer
    /// The vector time of each kept vector, in step with `vectors`.
    private var times: RingBuffer<Double>

    /// Room for `capacity` vectors of `dimension` features; the oldest are overwritten.
    init(dimension: Int, capacity: Int) {
        vectors = VectorRingBuffer(dimension: dimension, capacity: capacity)
        times = RingBuffer(capacity: capacity)
    }

    /// Keeps row `offset / dimension` of `values`, alerted at vector time `time`.
    mutating func append(_ values: UnsafeBufferPointer<Float>, offset: Int, time: Double) {
        vectors.append(values, offset: offset)
        times.append(time)
    }

    /// The kept vectors with vector time at or after `start`, oldest first, `[rows, dimension]`.
    func since(_ start: Double) -> (values: [Float], rows: Int) {
        let all = vectors.snapshot()
        let ordered = times.elements
        let d = vectors.dimension
        var values: [Float] = []
        var rows = 0
        for (row, time) in ordered.enumerated() where time >= start {
            values.append(contentsOf: all[(row * d)..<((row + 1) * d)])
            rows += 1
        }
        return (values, rows)
    }

    /// Forgets everything kept.
    mutating func removeAll() {
        vectors = VectorRingBuffer(dimension: vectors.dimension, capacity: vectors.capacity)
        times.removeAll()
    }
}
