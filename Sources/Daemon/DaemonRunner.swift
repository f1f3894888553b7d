import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the daemon in the foreground until SIGTERM or SIGINT, reloading on SIGHUP.
public enum DaemonRunner {
    /// Runs `AnomalyDaemon` as a `ServiceGroup` (its parts plus a SIGHUP `ReloadService`) with
    /// SIGTERM and SIGINT as graceful-shutdown signals, and returns after the shutdown.
    ///
    /// SIGHUP re-reads `configurationPath` (or the default file) with `overrides` and hands it to
    /// the daemon, which applies what can change at runtime and logs what needs a restart.
    /// - Returns: the process exit code (0 after a graceful stop, 1 when the daemon could not
    ///   start or failed).
    public static func run(
        configuration: DaemonConfiguration, configurationPath: String?, overrides: ConfigurationOverrides, logger: Logger
    ) async -> Int32 {
        // Until the group's handlers are in place, these signals must not end the process
        // (SIGHUP's default action would, and the reload service may start after READY).
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] { signal(signalNumber, SIG_IGN) }
        let daemon = AnomalyDaemon(configuration: configuration, logger: logger)
        let reload = ReloadService(
            daemon: daemon, configurationPath: configurationPath, overrides: overrides, logger: logger)
        do {
            try await daemon.run(gracefulShutdownSignals: [.sigterm, .sigint], services: [reload])
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
