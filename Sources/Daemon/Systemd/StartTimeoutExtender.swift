import Foundation

/// Keeps systemd's `TimeoutStartSec=` ahead of a start that is still working: opening and
/// migrating a large database, restoring many streams' models and retrain buffers.
///
/// From `start()` to `stop()` a thread of its own sends `EXTEND_TIMEOUT_USEC` (`grant` ahead) with `STATUS=starting: <phase>` every `period`, so a start that takes longer than
/// `TimeoutStartSec=` is not killed while it runs, and `systemctl status` shows which step it is
/// in. It extends for at most `limit` in all: a start wedged beyond that still times out.
/// systemd arms `WatchdogSec=` only at `READY=1`, so the watchdog is not involved before.
final class StartTimeoutExtender: @unchecked Sendable {
    private let notifier: SystemdNotifier
    /// How often an extension is sent, seconds.
    let period: Double
    /// How far each extension reaches from the moment it is sent, seconds.
    let grant: Double
    /// The most time, seconds from `start()`, that extensions may cover.
    let limit: Double
    private let phase = Locked("opening the store")
    private let state = Locked<(started: Bool, stopped: Bool)>((false, false))
    private let wake = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// An extender for `notifier`; nil when aed does not run under systemd (no `NOTIFY_SOCKET`).
    /// - Parameters:
    ///   - period: seconds between extensions (default 10).
    ///   - grant: seconds each extension grants (default 30: three periods, so one late
    ///     wake-up does not let the timeout pass).
    ///   - limit: seconds after which no more extensions are sent (default 30 minutes).
    init?(notifier: SystemdNotifier, period: Double = 10, grant: Double = 30, limit: Double = 1_800) {
        guard notifier.isEnabled else { return nil }
        self.notifier = notifier
        self.period = period
        self.grant = grant
        self.limit = limit
    }

    /// Names the step the start is in (shown with the next extension).
    func enter(_ step: String) { phase.withLock { $0 = step } }

    /// Sends the first extension now and starts the thread (once).
    func start() {
        let first = state.withLock { state -> Bool in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        guard first else { return }
        let begin = ProcessInfo.processInfo.systemUptime
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopped }) {
                let elapsed = ProcessInfo.processInfo.systemUptime - begin
                if elapsed + grant <= limit {
                    notifier.extendTimeout(seconds: grant, status: "starting: " + phase.withLock { $0 })
                }
                _ = wake.wait(timeout: .now() + period)
            }
            ended.signal()
        }
        thread.name = "aed-start-timeout"
        thread.start()
    }

    /// Stops the extensions (the start finished or failed) and waits for the thread to end.
    func stop() {
        let running = state.withLock { state -> Bool in
            let running = state.started && !state.stopped
            state.stopped = true
            return running
        }
        guard running else { return }
        wake.signal()
        ended.wait()
    }
}
