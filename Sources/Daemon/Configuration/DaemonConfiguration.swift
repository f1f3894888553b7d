import Foundation

/// The whole configuration of `aed`: daemon settings, stream defaults, per-stream overrides, alerts.
///
/// Built from built-in defaults, then a TOML file (`etc/aed/aed.toml` documents every key),
/// then command-line flags. `validated()` clamps soft limits and reports each clamp.
public struct DaemonConfiguration: Sendable, Equatable {
    /// The `[daemon]` section.
    public var daemon = DaemonSettings()
    /// The `[defaults]` section: settings of every stream without an override.
    public var defaults = StreamSettings()
    /// The `[streams.<name>]` sections, fully resolved (defaults with the overrides applied).
    public var streams: [String: StreamSettings] = [:]
    /// The `[alerts]` section.
    public var alerts = AlertSettings()

    /// The built-in defaults: serve on `tcp://127.0.0.1:7600` with state in `./state`.
    public init() {}

    /// The settings of the stream `name`: its override if configured, else the defaults.
    public func settings(forStream name: String) -> StreamSettings {
        streams[name] ?? defaults
    }

    /// The default configuration file path, read when no `--config` is given and it exists.
    public static let defaultPath = "/etc/aed/aed.toml"
}

/// Values from the command line that override the configuration file.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `--state-dir`.
    public var stateDirectory: String?
    /// `--ingest`, repeated: added to the configured binds.
    public var ingestBinds: [String] = []
    /// `--connect`, repeated: added to the configured connects.
    public var ingestConnects: [String] = []
    /// `--control`.
    public var controlEndpoint: String?
    /// `--log-level`.
    public var logLevel: String?

    /// No overrides.
    public init(
        stateDirectory: String? = nil, ingestBinds: [String] = [], ingestConnects: [String] = [],
        controlEndpoint: String? = nil, logLevel: String? = nil
    ) {
        self.stateDirectory = stateDirectory
        self.ingestBinds = ingestBinds
        self.ingestConnects = ingestConnects
        self.controlEndpoint = controlEndpoint
        self.logLevel = logLevel
    }
}

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
