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
