import Foundation
import Testing

@testable import Daemon

@Suite struct LatencyHistogramTests {
    /// Bucket width: 16 buckets a doubling, so a quantile is within 2^(1/16) - 1 (about 4.4%).
    static let tolerance = pow(2.0, 1.0 / 16) - 1

    @Test func emptyHasNoQuantiles() {
        let histogram = LatencyHistogram()
        #expect(histogram.quantile(0.5) == nil)
        #expect(histogram.samples == 0)
    }

    @Test(arguments: [0.5, 0.9, 0.99])
    func quantilesOfAUniformSpreadAreWithinOneBucket(q: Double) throws {
        var histogram = LatencyHistogram()
        // 1 ... 10,000 microseconds, in seconds.
        for micro in 1...10_000 { histogram.record(Double(micro) * 1e-6) }
        let exact = q * 10_000e-6
        let measured = try #require(histogram.quantile(q))
        #expect(abs(measured - exact) / exact <= Self.tolerance)
        #expect(histogram.samples == 10_000)
        #expect(histogram.maximum == 10_000e-6)
    }

    @Test func outliersSetTheTailNotTheMedian() throws {
        var histogram = LatencyHistogram()
        for _ in 0..<990 { histogram.record(100e-6) }
        for _ in 0..<10 { histogram.record(0.5) }
        let median = try #require(histogram.quantile(0.5))
        #expect(abs(median - 100e-6) / 100e-6 <= Self.tolerance)
        let tail = try #require(histogram.quantile(0.999))
        #expect(abs(tail - 0.5) / 0.5 <= Self.tolerance)
    }

    @Test func negativeZeroAndHugeDelaysStayInRange() throws {
        var histogram = LatencyHistogram()
        histogram.record(-1)       // clock skew
        histogram.record(0)
        histogram.record(1e9)      // beyond the last bucket
        histogram.record(.nan)
        #expect(histogram.samples == 4)
        let top = try #require(histogram.quantile(1))
        #expect(top.isFinite && top > 0)
        // A quantile never exceeds the largest recorded delay.
        #expect(try #require(histogram.quantile(0.25)) <= histogram.maximum)
    }
}
