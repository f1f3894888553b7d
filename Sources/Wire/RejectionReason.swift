/// Why a message or vector was rejected; the raw values are the counter names in status output
/// and match the Python peer (`bench/wire.py`).
public enum RejectionReason: String, CaseIterable, Sendable, Codable, Hashable {
    /// Not exactly two frames `[stream][payload]`.
    case frames
    /// Stream name not 1-128 bytes of `[A-Za-z0-9._:/-]`.
    case stream
    /// Payload neither JSON nor `AEV1`, invalid JSON, a non-number where a number belongs
    /// (`null`, strings, booleans), missing `values`, unknown binary flag bits.
    case malformed
    /// A payload that is empty, shorter or longer than its header says, over the size limit,
    /// or whose `count × dim` overflows.
    case size
    /// A vector whose dimension differs from the stream's.
    case dimension = "dim"
    /// A vector holding NaN, an infinity, or a number outside `Float` range (|x| > 3.4028235e38).
    case nonfinite
    /// A batch with no vectors.
    case empty

    /// Index of this reason in `RejectionCounts`.
    var index: Int {
        switch self {
        case .frames: 0
        case .stream: 1
        case .malformed: 2
        case .size: 3
        case .dimension: 4
        case .nonfinite: 5
        case .empty: 6
        }
    }
}

/// One rejection: the reason, how many vectors it cost (1 when the message could not be
/// counted), and a short human-readable detail for a rate-limited log line.
public struct WireRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why it was rejected.
    public let reason: RejectionReason
    /// Vectors lost (from the binary header or the JSON batch), at least 1.
    public let count: Int
    /// A short explanation, e.g. `"dim 37 != 38"`.
    public let detail: String

    /// Creates a rejection of `count` vectors for `reason`.
    public init(_ reason: RejectionReason, count: Int = 1, detail: String) {
        self.reason = reason
        self.count = max(1, count)
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue) (\(count) vector\(count == 1 ? "" : "s")): \(detail)" }
}

/// Rejection counters by reason, in vectors (or messages where the count is unknown).
///
/// A fixed-size value type: counting costs no allocation.
public struct RejectionCounts: Sendable, Equatable, Codable {
    private var counts: [Int] = Array(repeating: 0, count: RejectionReason.allCases.count)

    /// All zero.
    public init() {}

    /// The count for `reason`.
    public subscript(reason: RejectionReason) -> Int {
        get { counts[reason.index] }
        set { counts[reason.index] = newValue }
    }

    /// Adds `rejection.count` to its reason.
    public mutating func record(_ rejection: WireRejection) {
        counts[rejection.reason.index] += rejection.count
    }

    /// The sum over all reasons.
    public var total: Int { counts.reduce(0, +) }

    /// Non-zero counts keyed by reason name (`"dim"`, `"nonfinite"`, ...), for status output.
    public var byName: [String: Int] {
        var result: [String: Int] = [:]
        for reason in RejectionReason.allCases where counts[reason.index] != 0 {
            result[reason.rawValue] = counts[reason.index]
        }
        return result
    }

    /// Adds every count of `other`.
    public mutating func add(_ other: RejectionCounts) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    public init(from decoder: any Decoder) throws {
        let values = try [String: Int](from: decoder)
        for (name, value) in values {
            if let reason = RejectionReason(rawValue: name) { counts[reason.index] = value }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try byName.encode(to: encoder)
    }
}
