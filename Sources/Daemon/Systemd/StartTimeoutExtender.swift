import Foundation

/// Keeps systemd's `TimeoutStartSec=` ahead of a start that is still working: opening and
/// migrating a large database, restoring many streams' models and retrain buffers.
///
/// From `start()` to `stop()` a thread of its own sends `EXTEND_TIMEOUT_USEC` (`grant` ahead) with `STATUS=starting: <phase>` every `period`, so a start that takes longer than
/// `TimeoutStartSec=` is not killed while it runs, and `systemctl status` shows which step it is
/// in. It extends for at most `limit` in all: a start wedged beyond that still times out.
/// systemd arms `WatchdogSec=` only at `READY=1`, so the watchdog is not involved before.
final class StartTimeoutExtender: @unchecked Sendable {
    /// How often an extension is sent, seconds.
    let period: Double
    /// How far each extension reaches from the moment it is sent, seconds.
    let grant: Double
    /// The most time, seconds from `start()`, that extensions may cover.
    let limit: Double
    private let phase = Locked("opening the store")
    private let began = Locked(0.0)
    private let thread: PeriodicThread

    /// An extender for `notifier`; nil when aed does not run under systemd (no `NOTIFY_SOCKET`).
    /// - Parameters:
    ///   - period: seconds between extensions (default 10).
    ///   - grant: seconds each extension grants (default 30: three periods, so one late
    ///     wake-up does not let the timeout pass).
    ///   - limit: seconds after which no more extensions are sent (default 30 minutes).
    init?(notifier: SystemdNotifier, period: Double = 10, grant: Double = 30, limit: Double = 1_800) {
        guard notifier.isEnabled else { return nil }
        self.period = period
        self.grant = grant
        self.limit = limit
        let phase = phase, began = began
        thread = PeriodicThread(name: "aed-start-timeout", period: period) {
            let elapsed = ProcessInfo.processInfo.systemUptime - began.withLock { $0 }
            if elapsed + grant <= limit {
                notifier.extendTimeout(seconds: grant, status: "starting: " + phase.withLock { $0 })
            }
        }
    }

    /// Names the step the start is in (shown with the next extension).
    func enter(_ step: String) { phase.withLock { $0 = step } }

    /// Sends the first extension now and starts the thread (once).
    func start() {
        began.withLock { $0 = ProcessInfo.processInfo.systemUptime }
        thread.start()
    }

    /// Stops the extensions (the start finished or failed) and waits for the thread to end.
    func stop() { thread.stop() }
}
