import Report
import Testing

@testable import Daemon

/// The bounded rings behind the live page: `RingBuffer` and each detector's `RecentScores`.
@Suite struct RecentScoresTests {
    @Test func aRingBufferKeepsTheNewestInOrderAndNeverGrowsPastItsCapacity() {
        var ring = RingBuffer<Int>(capacity: 3)
        #expect(ring.isEmpty && ring.first == nil && ring.last == nil && ring.elements.isEmpty)
        ring.append(1)
        ring.append(2)
        #expect(ring.elements == [1, 2] && ring.first == 1 && ring.last == 2)
        for value in 3...10 {
            ring.append(value)
            #expect(ring.count == min(value, 3))
            #expect(ring.last == value)
        }
        #expect(ring.elements == [8, 9, 10])
        #expect(ring.first == 8)
        ring.removeAll()
        #expect(ring.isEmpty && ring.capacity == 3)
        ring.append(11)
        #expect(ring.elements == [11])
    }

    @Test("each detector keeps its last `capacity` scores, alerts where a score is not under the threshold")
    func scoresAreBoundedPerDetector() throws {
        var recent = RecentScores(capacity: 100)
        // 25 batches of 10: 250 scores of "ae", one of them infinite (an alert), one NaN (an alert).
        for batch in 0..<25 {
            let times = (0..<10).map { Double(1_700_000_000 + batch * 10 + $0) }
            var scores = (0..<10).map { Float(($0 + batch) % 7) / 10 }
            if batch == 24 { (scores[3], scores[4]) = (.infinity, .nan) }
            recent.record(detector: "ae", times: times, scores: scores, threshold: 0.55)
        }
        recent.record(detector: "pca", times: [1_700_000_300], scores: [2], threshold: 1)
        let ae = try #require(recent.trace(of: "ae"))
        #expect(ae.scores.count == 100)
        #expect(ae.times.first == 1_700_000_150 && ae.times.last == 1_700_000_249)
        #expect(ae.times == ae.times.sorted())
        // 0.6 is over 0.55 (one score in seven), and so are the infinite and NaN ones.
        let expected = zip(ae.times, ae.scores).filter { !($0.1 <= 0.55) }.map(\.0)
        #expect(ae.alertTimes == expected)
        #expect(ae.alertTimes.contains(1_700_000_243) && ae.alertTimes.contains(1_700_000_244))
        #expect(ae.thresholds == [ThresholdStep(start: 1_700_000_000, value: 0.55)])
        #expect(recent.trace(of: "pca")?.alertTimes == [1_700_000_300])
        #expect(recent.trace(of: "vae") == nil)
        recent.keep(only: ["pca"])
        #expect(recent.trace(of: "ae") == nil)
    }

    @Test("threshold steps older than the oldest kept score are dropped, the one in force then kept")
    func thresholdStepsAreBounded() throws {
        var recent = RecentScores(capacity: 10)
        for step in 0..<50 {
            // A new threshold (a promoted model) every 5 scores.
            recent.record(
                detector: "ae", times: (0..<5).map { Double(step * 5 + $0) }, scores: [Float](repeating: 1, count: 5),
                threshold: Double(step + 2))
        }
        let trace = try #require(recent.trace(of: "ae"))
        #expect(trace.times == (240..<250).map(Double.init))
        #expect(trace.thresholds == [ThresholdStep(start: 240, value: 50), ThresholdStep(start: 245, value: 51)])
        #expect(trace.alertTimes.isEmpty)
    }

    @Test func theDefaultBoundIsTwoThousandScoresOfSixteenBytes() {
        #expect(RecentScores.defaultCapacity == 2_000)
        #expect(MemoryLayout<RecentScores.Score>.stride == 16)
        var recent = RecentScores()
        for batch in 0..<30 {
            recent.record(
                detector: "ae", times: (0..<100).map { Double(batch * 100 + $0) },
                scores: [Float](repeating: 0.1, count: 100), threshold: 1)
        }
        #expect(recent.trace(of: "ae")?.scores.count == 2_000)
    }
}
