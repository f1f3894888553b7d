#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import Logging

/// aed's answer to every catchable signal a service manager, logrotate or a monitoring agent
/// may send (README, *Signals*):
///
/// - stop cleanly, as SIGTERM: SIGTERM, SIGINT, SIGQUIT, SIGXCPU (the soft `LimitCPU=` limit:
///   stop cleanly before the hard limit kills), SIGPWR (power is failing);
/// - reload: SIGHUP (`ReloadService`);
/// - ignore, with a log line: SIGUSR1, SIGUSR2 (aed logs to stderr: no log file to reopen);
/// - ignore silently: SIGPIPE (a closed stderr or peer; the write fails with `EPIPE` instead),
///   SIGXFSZ (a file over `LimitFSIZE=`; the write fails with `EFBIG` and shows in status as a
///   storage write error), SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGSTKFLT and the real-time
///   signals (aed sets no timers and no asynchronous I/O), SIGTSTP, SIGTTIN, SIGTTOU (a
///   suspended daemon drops vectors and misses its watchdog; SIGSTOP still suspends);
/// - keep the default: SIGCHLD, SIGURG, SIGWINCH (ignored), SIGCONT (continues); and the fault
///   signals SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT (a crash, or systemd's
///   watchdog timeout: dump core, let `Restart=on-failure` restart).
///
/// An ignored signal keeps a handler some library installed before: only a default disposition
/// is changed. Stop signals are handled from `install` on, so one that arrives while aed
/// starts (a large database) still stops it cleanly once the store is open.
public final class SignalHandling: @unchecked Sendable {
    /// Signals that begin a clean stop, as SIGTERM does.
    public static var stopSignals: [Int32] {
        #if os(Linux)
            return [SIGTERM, SIGINT, SIGQUIT, SIGXCPU, SIGPWR]
        #else
            return [SIGTERM, SIGINT, SIGQUIT, SIGXCPU]
        #endif
    }
    /// Signals ignored with one log line each time.
    public static let loggedIgnoredSignals: [Int32] = [SIGUSR1, SIGUSR2]
    /// Signals ignored without a log line (a flood of them must not flood the log).
    public static var silentlyIgnoredSignals: [Int32] {
        var signals: [Int32] = [SIGPIPE, SIGXFSZ, SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGTSTP, SIGTTIN, SIGTTOU]
        #if os(Linux)
            signals.append(SIGSTKFLT)
            // glibc reserves the first real-time signals for its threads; these are the rest.
            signals += Array(__libc_current_sigrtmin()...__libc_current_sigrtmax())
        #endif
        return signals
    }

    private let logger: Logger
    private let onStop: @Sendable (String) -> Void
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "aed-signals")

    /// Handling that calls `onStop` with the signal's name for every stop signal, and logs
    /// ignored ones to `logger`. Nothing changes until `install()`.
    public init(logger: Logger, onStop: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.onStop = onStop
    }

    /// Sets the dispositions above and returns once the stop and logged signals are handled.
    public func install() {
        for number in Self.silentlyIgnoredSignals { ignoreIfDefault(number) }
        for number in Self.stopSignals {
            handle(number) { [logger, onStop] in
                let name = Self.name(number)
                logger.notice("stop requested", metadata: ["signal": "\(name)"])
                onStop(name)
            }
        }
        for number in Self.loggedIgnoredSignals {
            handle(number) { [logger] in
                logger.notice(
                    "signal ignored: aed logs to stderr and has nothing to reopen",
                    metadata: ["signal": "\(Self.name(number))"])
            }
        }
    }

    /// Handles `number` on `queue`: the default action is replaced by `SIG_IGN` and a dispatch
    /// source delivers it (both are needed on Linux, where libdispatch reads a signalfd).
    private func handle(_ number: Int32, _ body: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        let registered = DispatchSemaphore(value: 0)
        source.setRegistrationHandler { registered.signal() }
        source.setEventHandler(handler: body)
        source.resume()
        // Registration is asynchronous: wait for it, so a signal sent right after is not lost.
        _ = registered.wait(timeout: .now() + 2)
        sources.append(source)
    }

    /// Ignores `number` unless something installed a handler for it.
    private func ignoreIfDefault(_ number: Int32) {
        var current = sigaction()
        guard sigaction(number, nil, &current) == 0 else { return }
        #if os(Linux)
            let isDefault = current.__sigaction_handler.sa_handler == nil
        #else
            let isDefault = current.__sigaction_u.__sa_handler == nil
        #endif
        // SIG_DFL is the null handler.
        if isDefault { signal(number, SIG_IGN) }
    }

    /// `SIGTERM`, `SIGUSR1`, ...; `signal N` for one without a name here.
    public static func name(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGXCPU: "SIGXCPU", SIGHUP: "SIGHUP",
            SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGXFSZ: "SIGXFSZ", SIGALRM: "SIGALRM",
        ]
        #if os(Linux)
            if number == SIGPWR { return "SIGPWR" }
        #endif
        return names[number] ?? "signal \(number)"
    }
}
