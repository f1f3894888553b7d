import Dispatch
import Foundation
import Logging

/// Runs the daemon in the foreground until SIGTERM or SIGINT, reloading on SIGHUP.
public enum DaemonRunner {
    /// Starts `AnomalyDaemon`, installs signal handlers, and blocks until a graceful stop ends.
    ///
    /// SIGHUP re-reads `configurationPath` (or the default file) with `overrides` and hands it to
    /// the daemon, which applies what can change at runtime and logs what needs a restart.
    /// - Returns: the process exit code (0 after a graceful stop).
    public static func run(
        configuration: DaemonConfiguration, configurationPath: String?, overrides: ConfigurationOverrides, logger: Logger
    ) -> Int32 {
        let daemon = AnomalyDaemon(configuration: configuration, logger: logger)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] { signal(signalNumber, SIG_IGN) }
        let queue = DispatchQueue(label: "aed.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                logger.notice("stopping on signal", metadata: ["signal": "\(signalNumber == SIGTERM ? "SIGTERM" : "SIGINT")"])
                daemon.requestStop()
            }
            source.resume()
            sources.append(source)
        }
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler {
            do {
                let reloaded = try DaemonConfiguration.load(path: configurationPath).applying(overrides)
                let (validated, clamps) = reloaded.validated()
                for clamp in clamps { logger.notice("configuration clamped", metadata: ["clamp": "\(clamp)"]) }
                _ = SystemdNotifier().reloading()
                daemon.requestReload(validated)
            } catch {
                logger.error("reload failed; keeping the running configuration", metadata: ["error": "\(error)"])
            }
        }
        hangup.resume()
        sources.append(hangup)
        do {
            try daemon.start()
        } catch {
            logger.critical("aed could not start", metadata: ["error": "\(error)"])
            return 1
        }
        daemon.waitUntilStopped()
        for source in sources { source.cancel() }
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
