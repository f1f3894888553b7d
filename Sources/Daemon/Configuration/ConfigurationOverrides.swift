import Foundation

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
    /// `--metrics-listen`: the metrics endpoint's address (`""` turns it off).
    public var metricsListen: String?

    /// No overrides.
    public init(
        stateDirectory: String? = nil, ingestBinds: [String] = [], ingestConnects: [String] = [],
        controlEndpoint: String? = nil, logLevel: String? = nil, metricsListen: String? = nil
    ) {
        self.metricsListen = metricsListen
        self.stateDirectory = stateDirectory
        self.ingestBinds = ingestBinds
        self.ingestConnects = ingestConnects
        self.controlEndpoint = controlEndpoint
        self.logLevel = logLevel
    }
}
