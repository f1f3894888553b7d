import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP until the group shuts down.
///
/// Each SIGHUP re-reads `configurationPath` (or the default file) with `overrides`, tells
/// systemd `RELOADING=1`, and hands the result to the daemon, which applies what can change at
/// runtime and logs what needs a restart; a file that does not load or validate changes
/// nothing: it is logged and shown in `aectl status` with its time and reason.
public struct ReloadService: Service, CustomStringConvertible {
    let daemon: AnomalyDaemon
    let configurationPath: String?
    let overrides: ConfigurationOverrides
    let logger: Logger

    /// A reload service for `daemon`, reading `configurationPath` with `overrides` applied.
    public init(daemon: AnomalyDaemon, configurationPath: String?, overrides: ConfigurationOverrides, logger: Logger) {
        self.daemon = daemon
        self.configurationPath = configurationPath
        self.overrides = overrides
        self.logger = logger
    }

    public var description: String { "reload" }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Loads, validates and hands over the configuration once; a file that does not load or
    /// validate changes nothing, is logged and is recorded for `aectl status`.
    func reload() {
        let readAt = Date().timeIntervalSince1970
        do {
            let reloaded = try DaemonConfiguration.load(path: configurationPath).applying(overrides)
            let (validated, clamps) = reloaded.validated()
            for clamp in clamps { logger.notice("configuration clamped", metadata: ["clamp": "\(clamp)"]) }
            _ = SystemdNotifier().reloading()
            daemon.requestReload(validated, readAt: readAt)
        } catch {
            logger.error("reload failed; keeping the whole running configuration", metadata: ["error": "\(error)"])
            daemon.recordReloadFailure(reason: "\(error)", time: readAt)
        }
    }
}
