/// Counts what a stream's publisher sequence numbers (`seq`) say about lost and repeated vectors.
///
/// - A new stream's first `seq` above 0 counts the vectors before it as lost (sequences start
///   at 0), unless the stream was restored from the store (aed restarted: what the publisher
///   sent meanwhile is not known).
/// - A jump forward by more than one counts the skipped numbers as lost (gaps).
/// - The same `seq` again, or an older one within `reorderWindow` of the newest, is counted as
///   a duplicate and leaves the sequence where it was.
/// - `seq` 0, or a jump back by more than `reorderWindow`, is a publisher that restarted: the
///   sequence starts again there, and its first `seq` counts what was lost before it.
/// - A jump forward by more than `maximumGap` (2^32) restarts the sequence without counting.
///
/// Counts saturate instead of overflowing, whatever publishers send.
struct SequenceTracker: Sendable, Equatable {
    /// The newest sequence number seen.
    private(set) var last: UInt64?
    /// Whether the first `seq` seen counts the numbers before it as lost.
    var countsLeadingGap: Bool
    /// Vectors missing according to the sequence numbers.
    private(set) var gaps = 0
    /// Vectors whose `seq` repeated or went back within `reorderWindow`.
    private(set) var duplicates = 0
    /// Publisher restarts (the sequence started again).
    private(set) var restarts = 0

    /// How far back a `seq` may go and still be taken as a repeat, not a restart.
    static let reorderWindow: UInt64 = 1_024
    /// The largest forward jump still counted as lost vectors.
    static let maximumGap: UInt64 = 1 << 32

    /// A tracker; `countsLeadingGap` is false for streams restored from the store.
    init(countsLeadingGap: Bool = true) {
        self.countsLeadingGap = countsLeadingGap
    }

    /// Notes one vector's sequence number.
    mutating func note(_ sequence: UInt64) {
        guard let last else {
            if countsLeadingGap { countGap(sequence) }
            self.last = sequence
            return
        }
        if sequence > last {
            let missing = sequence - last - 1
            if missing <= Self.maximumGap { countGap(missing) } else { restarts = restarts.addingSaturating(1) }
            self.last = sequence
        } else if sequence == last || (sequence != 0 && last - sequence <= Self.reorderWindow) {
            duplicates = duplicates.addingSaturating(1)
        } else {
            restarts = restarts.addingSaturating(1)
            countGap(sequence)
            self.last = sequence
        }
    }

    private mutating func countGap(_ missing: UInt64) {
        guard missing > 0, missing <= Self.maximumGap else { return }
        gaps = gaps.addingSaturating(Int(missing))
    }
}

extension Int {
    /// `self + other`, or `Int.max` / `Int.min` where the sum would overflow.
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
