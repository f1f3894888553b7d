import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the daemon in the foreground until SIGTERM or SIGINT (or another stop signal of
/// `SignalHandling`), reloading on SIGHUP.
public enum DaemonRunner {
    /// Runs `AnomalyDaemon` as a `ServiceGroup` (its parts plus a SIGHUP `ReloadService`) until
    /// a stop signal (SIGTERM, SIGINT, ...: `SignalHandling`), and returns after the graceful
    /// shutdown.
    ///
    /// SIGHUP re-reads `configurationPath` (or the default file) with `overrides` and hands it to
    /// the daemon, which applies what can change at runtime and logs what needs a restart.
    /// - Returns: the process exit code (0 after a graceful stop, 1 when the daemon could not
    ///   start or failed).
    public static func run(
        configuration: DaemonConfiguration, configurationPath: String?, overrides: ConfigurationOverrides, logger: Logger
    ) async -> Int32 {
        // SIGHUP is ignored until the reload service traps it (its default action would end
        // aed); a SIGHUP while aed starts is lost, the file having been read just before.
        signal(SIGHUP, SIG_IGN)
        let daemon = AnomalyDaemon(configuration: configuration, logger: logger)
        // The stop signals are handled here, from the start, not by the service group: one that
        // arrives while aed opens a large database is kept (the group's handlers come later,
        // and a stop signal before them was lost), and one path stops the group: the stop
        // request ends the ingest loop, whose end shuts the other parts down in reverse.
        let signals = SignalHandling(logger: logger) { _ in daemon.requestStop() }
        signals.install()
        let reload = ReloadService(
            daemon: daemon, configurationPath: configurationPath, overrides: overrides, logger: logger)
        do {
            try await daemon.run(gracefulShutdownSignals: [], services: [reload])
        } catch {
            logger.critical("aed failed", metadata: ["error": "\(error)"])
            return 1
        }
        return 0
    }

    /// A logger writing one line per event to stderr at `level` (journald-friendly).
    public static func makeLogger(level: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
        var logger = Logger(label: "aed")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
