import Foundation

/// Sends systemd's `WATCHDOG=1` from a thread of its own while the ingest loop is alive.
///
/// The ingest loop calls `beat()` on every turn (at least every 100 ms when idle). Every quarter
/// of the watchdog interval this thread pings if the last beat is at most half an interval old,
/// so the pings keep their cadence whatever a turn does (scoring a backlog, answering a large
/// `alerts` request, a reload) and whatever else runs (a retrain, on its own thread), while a
/// loop stuck for longer than half the interval stops them and systemd restarts aed within
/// one and a half intervals. systemd arms the watchdog only once `READY=1` arrived (slow starts
/// fall under `TimeoutStartSec=`), so the thread runs from READY to the end of the ingest loop.
final class WatchdogPinger: @unchecked Sendable {
    private let notifier: SystemdNotifier
    /// `WatchdogSec=`, seconds.
    let interval: Double
    /// The last beat, seconds of `ProcessInfo.systemUptime` (monotonic).
    private let lastBeat = Locked(ProcessInfo.processInfo.systemUptime)
    private let thread: PeriodicThread

    /// A pinger for `notifier`'s watchdog; nil when systemd asked for none (no `WATCHDOG_USEC`).
    init?(notifier: SystemdNotifier) {
        guard notifier.isEnabled, let interval = notifier.watchdogInterval else { return nil }
        self.notifier = notifier
        self.interval = interval
        let lastBeat = lastBeat
        thread = PeriodicThread(name: "aed-watchdog", period: interval / 4) {
            let age = ProcessInfo.processInfo.systemUptime - lastBeat.withLock { $0 }
            if age <= interval / 2 { notifier.watchdog() }
        }
    }

    /// Records that the ingest loop made progress (any thread; a lock and a clock read).
    func beat() {
        let now = ProcessInfo.processInfo.systemUptime
        lastBeat.withLock { $0 = now }
    }

    /// Starts the thread (once): it pings at once, then every quarter interval while beats come.
    func start() {
        beat()
        thread.start()
    }

    /// Stops the pings (the ingest loop ended) and waits for the thread to finish.
    func stop() { thread.stop() }
}
