import Foundation

/// Publish-to-scored delays of one stream in log-spaced buckets: 16 a doubling (each about 4.4%
/// wide) from 2^-20 s (about 1 µs) to 2^7 s; smaller and larger delays go to the end buckets.
///
/// Fixed memory (432 counters), O(1) per vector, quantiles to within one bucket width.
struct LatencyHistogram {
    static let bucketsPerDoubling = 16
    static let smallestExponent = -20
    static let largestExponent = 7
    private var counts = [Int](repeating: 0, count: (largestExponent - smallestExponent) * bucketsPerDoubling)
    /// Delays recorded.
    private(set) var samples = 0
    /// The largest delay recorded, seconds.
    private(set) var maximum = 0.0

    /// Records one delay in seconds (negative clock skew counts as 0).
    mutating func record(_ seconds: Double) {
        let value = max(seconds, 0)
        samples += 1
        if value > maximum { maximum = value }
        let position = value > 0 ? (log2(value) - Double(Self.smallestExponent)) * Double(Self.bucketsPerDoubling) : 0
        let index = position.isFinite ? min(max(Int(position), 0), counts.count - 1) : 0
        counts[index] += 1
    }

    /// Adds the samples of `other` (same buckets) to these.
    mutating func merge(_ other: LatencyHistogram) {
        guard other.samples > 0 else { return }
        for index in counts.indices { counts[index] += other.counts[index] }
        samples += other.samples
        maximum = max(maximum, other.maximum)
    }

    /// The delay below which a fraction `q` in (0, 1] of the samples fall, seconds: the geometric
    /// middle of the bucket holding that rank (nil without samples).
    func quantile(_ q: Double) -> Double? {
        guard samples > 0 else { return nil }
        let rank = max(1, Int((q * Double(samples)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank {
                let exponent = Double(Self.smallestExponent) + (Double(index) + 0.5) / Double(Self.bucketsPerDoubling)
                return min(pow(2, exponent), maximum)
            }
        }
        return maximum
    }
}
