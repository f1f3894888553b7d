/// What decoding one payload did: vectors appended and vectors (or messages) rejected.
public struct DecodeOutcome: Sendable, Equatable {
    /// Vectors appended to the batch.
    public var accepted = 0
    /// Vectors rejected (a whole-message rejection of unknown size counts 1).
    public var rejected = 0
    /// The last rejection, for a rate-limited log line; nil when nothing was rejected.
    public var lastRejection: WireRejection?

    /// Nothing decoded yet.
    public init() {}

    /// Counts `rejection` here and in `counts`.
    mutating func reject(_ rejection: WireRejection, into counts: inout RejectionCounts) {
        rejected += rejection.count
        lastRejection = rejection
        counts.record(rejection)
    }
}
