/// The recent vectors that alerted, with their vector times: kept out of the retrain buffer
/// (so anomalies are never learned) until a level shift adopts the ones of its window.
struct AlertedVectors: Sendable {
    private(set) var vectors: VectorRingBuffer
    private var times: [Double] = []
    private var head = 0

    /// Room for `capacity` vectors of `dimension` features; the oldest are overwritten.
    init(dimension: Int, capacity: Int) {
        vectors = VectorRingBuffer(dimension: dimension, capacity: capacity)
    }

    /// Keeps row `offset / dimension` of `values`, alerted at vector time `time`.
    mutating func append(_ values: UnsafeBufferPointer<Float>, offset: Int, time: Double) {
        vectors.append(values, offset: offset)
        if times.count < vectors.capacity {
            times.append(time)
        } else {
            times[head] = time
        }
        head = (head + 1) % vectors.capacity
    }

    /// The kept vectors with vector time at or after `start`, oldest first, `[rows, dimension]`.
    func since(_ start: Double) -> (values: [Float], rows: Int) {
        let all = vectors.snapshot()
        let ordered = times.count < vectors.capacity ? times : Array(times[head...] + times[..<head])
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
        times = []
        head = 0
    }
}
