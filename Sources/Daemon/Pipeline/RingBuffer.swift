/// A bounded FIFO of values: it holds the newest `capacity` values appended, and each append
/// beyond that overwrites the oldest in place.
///
/// Storage grows with the values appended (an idle owner costs little) up to `capacity`
/// elements, never beyond. Used for the recent vector times of `AlertedVectors`, the recent
/// anomaly scores of the live page (`RecentScores`) and its recent alerts. (Retrain buffers are
/// a `VectorRingBuffer`: fixed-dimension `Float` rows in one contiguous array.)
struct RingBuffer<Element: Sendable>: Sendable {
    /// The most values kept.
    let capacity: Int
    private var storage: [Element] = []
    /// Where the next value goes once full: the index of the oldest one.
    private var head = 0

    /// An empty buffer for at most `capacity` values.
    /// - Precondition: `capacity > 0`.
    init(capacity: Int) {
        precondition(capacity > 0, "RingBuffer needs a capacity > 0, got \(capacity)")
        self.capacity = capacity
    }

    /// The number of values held, at most `capacity`.
    var count: Int { storage.count }

    /// Whether nothing is held.
    var isEmpty: Bool { storage.isEmpty }

    /// Appends `value`, overwriting the oldest one when `capacity` values are held.
    mutating func append(_ value: Element) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[head] = value
            head = (head + 1) % capacity
        }
    }

    /// The oldest value held, nil when empty.
    var first: Element? { storage.isEmpty ? nil : storage[head] }

    /// The newest value held, nil when empty.
    var last: Element? { storage.isEmpty ? nil : storage[(head + storage.count - 1) % storage.count] }

    /// The values held, oldest first.
    var elements: [Element] {
        head == 0 ? storage : Array(storage[head...] + storage[..<head])
    }

    /// Forgets every value (the capacity stays).
    mutating func removeAll() {
        storage = []
        head = 0
    }
}
