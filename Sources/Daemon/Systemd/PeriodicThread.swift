import Foundation

/// A thread of its own that runs `body` at once and then every `period` seconds from `start()`
/// until `stop()`, whatever the other threads are doing (the systemd watchdog pings and start
/// extensions must keep their cadence through a long retrain or a slow start).
final class PeriodicThread: @unchecked Sendable {
    /// The thread's name (`top -H`, debuggers).
    let name: String
    /// Seconds between runs of `body`.
    let period: Double
    private let body: @Sendable () -> Void
    private let state = Locked<(started: Bool, stopped: Bool)>((false, false))
    private let wake = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// A thread named `name` that will run `body` every `period` seconds once started.
    init(name: String, period: Double, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.period = period
        self.body = body
    }

    /// Starts the thread (once; not after `stop()`).
    func start() {
        let first = state.withLock { state -> Bool in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        guard first else { return }
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopped }) {
                body()
                _ = wake.wait(timeout: .now() + period)
            }
            ended.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread and waits until `body` has run for the last time.
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
