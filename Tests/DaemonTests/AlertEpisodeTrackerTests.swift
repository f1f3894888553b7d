import Testing

@testable import Daemon

@Suite struct AlertEpisodeTrackerTests {
    /// Records an alert at `time` (vector time `time - 0.5`); returns true when it starts an episode.
    static func alert(_ tracker: inout AlertEpisodeTracker, _ detector: String = "ae", time: Double, severity: Double)
        -> Bool
    {
        tracker.record(detector: detector, time: time, vectorTime: time - 0.5, score: severity * 10, severity: severity)
            != nil
    }

    @Test func consecutiveAlertsFormOneEpisode() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        #expect(Self.alert(&tracker, time: 0, severity: 1.2))
        #expect(!Self.alert(&tracker, time: 10, severity: 2))
        tracker.noteQuiet(detector: "ae")
        tracker.noteQuiet(detector: "ae")
        #expect(!Self.alert(&tracker, time: 20, severity: 1.1))
        let episode = tracker.current(detector: "ae", now: 30)
        #expect(episode?.count == 3)
        #expect(episode?.peakSeverity == 2)
        #expect(episode?.peakScore == 20)
        #expect(episode?.last == 20)
        #expect(episode?.lastVectorTime == 19.5)
        // Another detector has its own episodes.
        #expect(Self.alert(&tracker, "vae", time: 20, severity: 1.5))
    }

    @Test func quietVectorsOrAGapEndAnEpisode() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        #expect(Self.alert(&tracker, time: 0, severity: 1.2))
        for _ in 0..<3 { tracker.noteQuiet(detector: "ae") }
        #expect(Self.alert(&tracker, time: 1, severity: 1.2))
        #expect(Self.alert(&tracker, time: 100, severity: 1.2))
        var timeOnly = AlertEpisodeTracker(gap: 60, quietVectors: 0)
        #expect(Self.alert(&timeOnly, time: 0, severity: 1))
        for _ in 0..<1000 { timeOnly.noteQuiet(detector: "ae") }
        #expect(!Self.alert(&timeOnly, time: 59, severity: 1))
        // A run of quiet vectors counted at once is the same as one at a time.
        var counted = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        #expect(Self.alert(&counted, time: 0, severity: 1.2))
        counted.noteQuiet(detector: "ae", count: 2)
        counted.noteQuiet(detector: "ae", count: 0)
        #expect(!Self.alert(&counted, time: 1, severity: 1.2))
        counted.noteQuiet(detector: "ae", count: 3)
        #expect(Self.alert(&counted, time: 2, severity: 1.2))
    }

    @Test func serialsNumberEpisodesInOrder() {
        var tracker = AlertEpisodeTracker(gap: 1)
        #expect(tracker.record(detector: "ae", time: 0, vectorTime: 0, score: 2, severity: 2) == 1)
        #expect(tracker.record(detector: "ae", time: 0.5, vectorTime: 0.5, score: 2, severity: 2) == nil)
        #expect(tracker.record(detector: "vae", time: 0.5, vectorTime: 0.5, score: 2, severity: 2) == 2)
        #expect(tracker.record(detector: "ae", time: 5, vectorTime: 5, score: 2, severity: 2) == 3)
    }

    @Test func growthIsReportedOncePerTakeWithAbsoluteValues() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        #expect(Self.alert(&tracker, time: 0, severity: 1.5))
        // A new episode's first alert is stored by itself: no growth yet.
        #expect(tracker.takeGrowth().isEmpty)
        for time in 1...4 { #expect(!Self.alert(&tracker, time: Double(time), severity: Double(time))) }
        let first = tracker.takeGrowth()
        #expect(first.count == 1)
        #expect(first.first?.detector == "ae")
        let stored = first.first?.episode.stored
        #expect(stored?.count == 5)
        #expect(stored?.lastReceiveTime == 4)
        #expect(stored?.lastVectorTime == 3.5)
        #expect(stored?.maxSeverity == 4)
        #expect(stored?.maxScore == 40)
        // Reported once: nothing until it grows again.
        #expect(tracker.takeGrowth().isEmpty)
        #expect(!Self.alert(&tracker, time: 5, severity: 1.1))
        #expect(tracker.takeGrowth().map(\.episode.count) == [6])
    }

    @Test func anEndedEpisodeReportsItsLastGrowthBeforeTheNextStarts() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 2)
        #expect(Self.alert(&tracker, time: 0, severity: 2))
        #expect(!Self.alert(&tracker, time: 1, severity: 3))
        for _ in 0..<2 { tracker.noteQuiet(detector: "ae") }
        // Starts episode 2 while episode 1's growth (count 2) was never taken.
        #expect(Self.alert(&tracker, time: 2, severity: 2))
        #expect(!Self.alert(&tracker, time: 3, severity: 2))
        let grown = tracker.takeGrowth()
        #expect(grown.map(\.episode.serial) == [1, 2])
        #expect(grown.map(\.episode.count) == [2, 2])
        #expect(tracker.takeGrowth().isEmpty)
        // An episode of one that ended leaves nothing to report.
        for _ in 0..<2 { tracker.noteQuiet(detector: "ae") }
        #expect(Self.alert(&tracker, time: 4, severity: 2))
        for _ in 0..<2 { tracker.noteQuiet(detector: "ae") }
        #expect(Self.alert(&tracker, time: 5, severity: 2))
        #expect(tracker.takeGrowth().isEmpty)
    }
}
