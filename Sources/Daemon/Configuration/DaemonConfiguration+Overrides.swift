import Foundation

extension DaemonConfiguration {
    /// This configuration with the command-line `overrides` applied, then validated.
    /// - Throws: `ConfigurationError.invalidValue` for a bad flag value (e.g. an unknown log level).
    public func applying(_ overrides: ConfigurationOverrides) throws -> DaemonConfiguration {
        var result = self
        if let dir = overrides.stateDirectory { result.daemon.stateDirectory = dir }
        for bind in overrides.ingestBinds where !result.daemon.ingestBinds.contains(bind) {
            result.daemon.ingestBinds.append(bind)
        }
        for connect in overrides.ingestConnects where !result.daemon.ingestConnects.contains(connect) {
            result.daemon.ingestConnects.append(connect)
        }
        if let control = overrides.controlEndpoint { result.daemon.controlEndpoint = control }
        if let metrics = overrides.metricsListen {
            result.daemon.metricsListen = try DaemonSettings.metricsAddress(metrics, key: "--metrics-listen")
        }
        if let level = overrides.logLevel {
            guard Self.logLevels.contains(level) else {
                throw ConfigurationError.invalidValue(
                    key: "--log-level", value: level, reason: "expected one of \(Self.logLevels.joined(separator: ", "))")
            }
            result.daemon.logLevel = level
        }
        return result
    }

    /// The log level names accepted by `log_level` and `--log-level`.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
