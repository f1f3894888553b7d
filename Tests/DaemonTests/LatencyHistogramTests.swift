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

@Suite struct RecentLatencyHistogramTests {
    static let tolerance = LatencyHistogramTests.tolerance

    @Test func aBurstLeavesTheP99OnceTimePassesTheWindow() throws {
        var recent = RecentLatencyHistogram(slotSeconds: 300, slotCount: 2)
        #expect(recent.windowSeconds == 600)
        let start = 1_700_000_000.0
        // A burst: 3 s delays for a minute, beside a few normal ones.
        for second in 0..<60 {
            recent.record(3, at: start + Double(second))
            recent.record(200e-6, at: start + Double(second))
        }
        let duringBurst = try #require(recent.window(at: start + 60).quantile(0.99))
        #expect(abs(duringBurst - 3) / 3 <= Self.tolerance)

        // Normal delays for the next 15 minutes, 10 a second.
        for tenth in 600..<9_600 {
            recent.record(200e-6, at: start + Double(tenth) / 10)
        }
        let now = start + 960
        let window = recent.window(at: now)
        let p99 = try #require(window.quantile(0.99))
        #expect(abs(p99 - 200e-6) / 200e-6 <= Self.tolerance)
        #expect(window.maximum == 200e-6)
        // The window holds between 5 and 10 minutes of the most recent samples.
        #expect(window.samples >= 3_000 && window.samples <= 6_000)
    }

    @Test func theBurstStaysWhileItIsInTheWindow() throws {
        var recent = RecentLatencyHistogram(slotSeconds: 300, slotCount: 2)
        for _ in 0..<100 { recent.record(2, at: 310) }
        for _ in 0..<100 { recent.record(1e-3, at: 620) }
        // At 620 s the window is slots [300, 600) and [600, 900): the burst still counts.
        let p99 = try #require(recent.window(at: 620).quantile(0.99))
        #expect(abs(p99 - 2) / 2 <= Self.tolerance)
        #expect(recent.window(at: 620).samples == 200)
        // From 900 s on the burst's slot has left the window.
        #expect(recent.window(at: 900).samples == 100)
        #expect(recent.window(at: 899).samples == 200)
    }

    @Test func anIdleStreamHasNoRecentPercentiles() {
        var recent = RecentLatencyHistogram(slotSeconds: 300, slotCount: 2)
        #expect(recent.window(at: 0).quantile(0.5) == nil)
        for _ in 0..<10 { recent.record(0.01, at: 1_000) }
        #expect(recent.window(at: 1_000).samples == 10)
        // Reading does not need a record to rotate: an hour later nothing is recent.
        #expect(recent.window(at: 4_600).quantile(0.99) == nil)
        #expect(recent.window(at: 4_600).samples == 0)
    }

    @Test func aClockThatStepsBackOrIsNotFiniteRecordsIntoTheNewestSlot() {
        var recent = RecentLatencyHistogram(slotSeconds: 300, slotCount: 2)
        recent.record(0.01, at: 1_000)
        recent.record(0.01, at: 100)          // clock stepped back
        recent.record(0.01, at: .nan)
        recent.record(0.01, at: .infinity)
        #expect(recent.window(at: 1_000).samples == 4)
        #expect(recent.window(at: .nan).samples == 4)
    }
}
