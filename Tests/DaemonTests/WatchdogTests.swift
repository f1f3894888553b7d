import Daemon
import Foundation
import Testing
import Wire

/// systemd's watchdog keeps getting `WATCHDOG=1` while a retrain runs (a fake `NOTIFY_SOCKET`:
/// a unix datagram socket bound by the test).
@Suite(.serialized, .timeLimit(.minutes(10))) struct WatchdogTests {
    @Test func pingsKeepComingWhileARetrainRuns() throws {
        let listener = try NotifyListener(abstract: false)
        // WatchdogSec=1s: a ping every quarter second while the ingest loop turns.
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000"])
        let harness = try DaemonHarness(
            toml: smallModelTOML(detectors: "[\"ae\", \"vae\"]")
                .replacingOccurrences(of: "hidden_sizes = [8]", with: "hidden_sizes = [128]"),
            notifier: notifier)
        defer {
            harness.stop()
            harness.removeState()
        }
        try harness.publish(stream: "s", values: demoVectors(count: 700, seed: 11), dimension: 12)
        try harness.waitForStatus(timeout: 180) { $0.streams.first?.models.count == 2 && $0.streams.first?.state == .scoring }

        _ = try harness.client.retrain(streams: ["s"], wait: false)
        try harness.waitForStatus(timeout: 60) { $0.streams.first?.state == .training }
        // Only what is sent from now on counts.
        listener.drain()
        var pings = 0
        var stillTraining = true
        while stillTraining && pings < 3 {
            // A receive timeout (5 s, far beyond the 0.25 s cadence) ends the loop: a missed ping.
            guard let message = listener.receive() else { break }
            // A ping counts when the run was still going after it arrived (so it was sent while
            // the run was in progress).
            stillTraining = try harness.client.status().streams.first?.state == .training
            if message == "WATCHDOG=1" && stillTraining { pings += 1 }
        }
        #expect(pings >= 1, "no WATCHDOG=1 while the retrain ran (received \(pings))")
        if stillTraining { #expect(pings == 3) }
    }
}
