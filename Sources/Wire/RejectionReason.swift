/// Why a message or vector was rejected; the raw values are the counter names in status output
/// and match the Python peer (`bench/wire.py`).
public enum RejectionReason: String, CaseIterable, Sendable, Codable, Hashable {
    /// Not exactly two frames `[stream][payload]` (the name is checked first: a lone frame that
    /// is not a valid stream name counts as `.stream`).
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
    /// A vector holding NaN, an infinity, or a number outside `Float` range (|x| > 3.4028235e38),
    /// however long its token.
    case nonfinite
    /// A batch with no vectors.
    case empty
    /// A vector whose `ts` is negative or beyond `WireDecoder.maximumTimestamp` (by default
    /// 2^33 s, the year 2242): usually a publisher sending milliseconds instead of seconds.
    case timestamp
}

/// One rejection: the reason, how many vectors it cost (1 when the message could not be
/// counted), and a short human-readable detail for a rate-limited log line.
public struct WireRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why it was rejected.
    public let reason: RejectionReason
    /// Vectors lost, at least 1: from the JSON batch, or from a binary header that matches its
    /// frame (a header that does not is not believed, and counts one message).
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
/// A fixed-size value type with one stored counter per reason: counting never allocates.
public struct RejectionCounts: Sendable, Equatable, Codable {
    private var frames = 0
    private var stream = 0
    private var malformed = 0
    private var size = 0
    private var dimension = 0
    private var nonfinite = 0
    private var empty = 0
    private var timestamp = 0

    /// All zero.
    public init() {}

    /// The count for `reason`.
    public subscript(reason: RejectionReason) -> Int {
        get {
            switch reason {
            case .frames: frames
            case .stream: stream
            case .malformed: malformed
            case .size: size
            case .dimension: dimension
            case .nonfinite: nonfinite
            case .empty: empty
            case .timestamp: timestamp
            }
        }
        set {
            switch reason {
            case .frames: frames = newValue
            case .stream: stream = newValue
            case .malformed: malformed = newValue
            case .size: size = newValue
            case .dimension: dimension = newValue
            case .nonfinite: nonfinite = newValue
            case .empty: empty = newValue
            case .timestamp: timestamp = newValue
            }
        }
    }

    /// Adds `rejection.count` to its reason.
    public mutating func record(_ rejection: WireRejection) {
        self[rejection.reason] += rejection.count
    }

    /// The sum over all reasons.
    public var total: Int { frames + stream + malformed + size + dimension + nonfinite + empty + timestamp }

    /// Non-zero counts keyed by reason name (`"dim"`, `"nonfinite"`, ...), for status output.
    public var byName: [String: Int] {
        var result: [String: Int] = [:]
        for reason in RejectionReason.allCases where self[reason] != 0 {
            result[reason.rawValue] = self[reason]
        }
        return result
    }

    /// Adds every count of `other`.
    public mutating func add(_ other: RejectionCounts) {
        for reason in RejectionReason.allCases { self[reason] += other[reason] }
    }

    public init(from decoder: any Decoder) throws {
        let values = try [String: Int](from: decoder)
        for (name, value) in values {
            if let reason = RejectionReason(rawValue: name) { self[reason] = value }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try byName.encode(to: encoder)
    }
}
