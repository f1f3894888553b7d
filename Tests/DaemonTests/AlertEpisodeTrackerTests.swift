import Testing

@testable import Daemon

@Suite struct AlertEpisodeTrackerTests {
    @Test func consecutiveAlertsFormOneEpisode() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        let started1 = tracker.record(detector: "ae", time: 0, severity: 1.2)
        #expect(started1)
        let started2 = tracker.record(detector: "ae", time: 10, severity: 2)
        #expect(!started2)
        tracker.noteQuiet(detector: "ae")
        tracker.noteQuiet(detector: "ae")
        let started3 = tracker.record(detector: "ae", time: 20, severity: 1.1)
        #expect(!started3)
        #expect(tracker.current(detector: "ae", now: 30)?.count == 3)
        #expect(tracker.current(detector: "ae", now: 30)?.peakSeverity == 2)
        // Another detector has its own episodes.
        let started4 = tracker.record(detector: "vae", time: 20, severity: 1.5)
        #expect(started4)
    }

    @Test func quietVectorsOrAGapEndAnEpisode() {
        var tracker = AlertEpisodeTracker(gap: 60, quietVectors: 3)
        let started1 = tracker.record(detector: "ae", time: 0, severity: 1.2)
        #expect(started1)
        for _ in 0..<3 { tracker.noteQuiet(detector: "ae") }
        let started5 = tracker.record(detector: "ae", time: 1, severity: 1.2)
        #expect(started5)
        let started6 = tracker.record(detector: "ae", time: 100, severity: 1.2)
        #expect(started6)
        var timeOnly = AlertEpisodeTracker(gap: 60, quietVectors: 0)
        let started7 = timeOnly.record(detector: "ae", time: 0, severity: 1)
        #expect(started7)
        for _ in 0..<1000 { timeOnly.noteQuiet(detector: "ae") }
        let started8 = timeOnly.record(detector: "ae", time: 59, severity: 1)
        #expect(!started8)
    }
}
