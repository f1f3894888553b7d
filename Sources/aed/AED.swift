// aed: the anomaly-detection daemon. Parses flags, builds the configuration, runs the daemon's
// service group, or replays a recorded series through the same pipeline (`aed replay`).
import ArgumentParser
import Daemon
import Foundation
import Tensor

@main
struct AED: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aed",
        abstract: "Anomaly-detection daemon: scores vectors from ZeroMQ publishers with autoencoders.",
        discussion: """
            Without a subcommand aed runs the daemon: `aed --config /etc/aed/aed.toml` is \
            `aed run --config /etc/aed/aed.toml`. Its options (--config, --state-dir, --ingest, \
            --connect, --control, --log-level, --metrics-listen, --check-config): `aed run --help`.
            """,
        version: AnomalyDaemon.versionDescription,
        subcommands: [Serve.self, ReplayCommand.self],
        defaultSubcommand: Serve.self)

    /// Makes OpenBLAS use a kernel that fits the CPU (re-executing once if needed) before
    /// anything parses or computes.
    static func main() async {
        BLASKernel.ensureCapableKernel(arguments: CommandLine.arguments)
        await main(nil)
    }
}

/// `aed [options]`: the daemon (the default subcommand).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon in the foreground (the default).")

    @Option(help: "Configuration file (default: /etc/aed/aed.toml if present, else built-in defaults).")
    var config: String?
    @Option(name: .customLong("state-dir"), help: "State folder holding aed.db (default ./state).")
    var stateDir: String?
    @Option(help: "Bind a SUB endpoint publishers connect to; repeatable.")
    var ingest: [String] = []
    @Option(help: "Connect to a publisher that binds; repeatable.")
    var connect: [String] = []
    @Option(help: "Control REP endpoint (default ipc://<state-dir>/control.sock).")
    var control: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?
    @Option(
        name: .customLong("metrics-listen"),
        help: "Serve Prometheus metrics on HOST:PORT (e.g. 127.0.0.1:9464; \"\" for none; default: metrics_listen).")
    var metricsListen: String?
    @Flag(name: .customLong("check-config"), help: "Validate the configuration and exit.")
    var checkConfig = false

    func run() async throws {
        let overrides = ConfigurationOverrides(
            stateDirectory: stateDir, ingestBinds: ingest, ingestConnects: connect, controlEndpoint: control,
            logLevel: logLevel, metricsListen: metricsListen)
        let loaded: DaemonConfiguration
        do {
            loaded = try DaemonConfiguration.load(path: config).applying(overrides)
            try loaded.daemon.checkControlTransport()
        } catch {
            FileHandle.standardError.write(Data("aed: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let (configuration, clamps) = loaded.validated()
        if checkConfig {
            for clamp in clamps { FileHandle.standardError.write(Data("aed: note: \(clamp)\n".utf8)) }
            FileHandle.standardError.write(Data("aed: configuration ok\n".utf8))
            return
        }
        let logger = DaemonRunner.makeLogger(level: configuration.daemon.logLevel)
        for clamp in clamps { logger.notice("configuration clamped", metadata: ["clamp": "\(clamp)"]) }
        let code = await DaemonRunner.run(
            configuration: configuration, configurationPath: config, overrides: overrides, logger: logger)
        if code != 0 { throw ExitCode(code) }
    }
}
