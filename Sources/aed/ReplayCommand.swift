import ArgumentParser
import Daemon
import Foundation

/// `aed replay`: the daemon's pipeline over a recorded series, in event time.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded series through the daemon's own pipeline, in the series' time.",
        discussion: """
            Rows of --train warm the stream up (buffer, first model, retrains; no metrics), then the rows \
            of --file are scored. Vector time is a `ts` column when a file has one, else --ts-start + i x \
            --ts-step. Retrain timers, episodes and level shifts run on that time, and a training run \
            that comes due runs at that point of the series, so a replay is deterministic.
            """)

    @Option(help: "Configuration file (default: /etc/aed/aed.toml if present, else built-in defaults).")
    var config: String?
    @Option(help: "The series to score: CSV with a header row, one vector a row, optional `ts` column.")
    var file: String
    @Option(help: "Rows replayed first to warm the stream up (same columns).")
    var train: String?
    @Option(help: "One 0/1 label per row of --file, no header: adds precision, recall, F1 and false-positive rates.")
    var labels: String?
    @Option(help: "Stream name (its [streams.\"name\"] section applies).")
    var stream = "replay"
    // Unconditional: a negative time ("--ts-start -3600") is a value, not an option.
    @Option(name: .customLong("ts-start"), parsing: .unconditional, help: "Time of the first row without a ts column, seconds (default 0).")
    var tsStart: Double?
    @Option(name: .customLong("ts-step"), parsing: .unconditional, help: "Seconds between rows without a ts column.")
    var tsStep = 60.0
    @Flag(help: "Print one JSON object.")
    var json = false
    @Option(help: "Write a self-contained HTML report (scores against thresholds over time).")
    var report: String?
    @Option(name: .customLong("state-dir"), help: "Also leave the aed.db the daemon would have written here.")
    var stateDir: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default warning).")
    var logLevel = "warning"

    func validate() throws {
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of \(levels.joined(separator: ", ")), got '\(logLevel)'")
        }
    }

    func run() throws {
        let loaded: DaemonConfiguration
        do {
            loaded = try DaemonConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("aed: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let (configuration, _) = loaded.validated()
        var options = ReplayOptions(file: file)
        options.train = train
        options.labels = labels
        options.stream = stream
        options.tsStart = tsStart
        options.tsStep = tsStep
        options.stateDirectory = stateDir
        options.report = report
        let interrupted = ReplayInterruption()
        options.isInterrupted = { interrupted.isSet }
        let logger = DaemonRunner.makeLogger(level: logLevel)
        do {
            let outcome = try Replay.run(options, configuration: configuration, logger: logger)
            if let report { try ReplayReportWriter.write(outcome, title: (file as NSString).lastPathComponent, to: report) }
            let text = json ? try ReplayText.json(outcome.summary) : ReplayText.table(outcome.summary)
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        } catch ReplayError.interrupted(let row, let rows) {
            FileHandle.standardError.write(Data("aed replay: \(ReplayError.interrupted(row: row, of: rows))\n".utf8))
            throw ExitCode(130)
        } catch {
            FileHandle.standardError.write(Data("aed replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Ctrl-C (SIGINT) and SIGTERM during a replay: set a flag the replay checks between rows, so
/// it stops and cleans up (no temporary folder, no half-written --state-dir database).
// Unchecked: `sources` is written once in init and only kept alive afterwards.
final class ReplayInterruption: @unchecked Sendable {
    private let stopped = Locked(false)
    private let sources: [DispatchSourceSignal]

    init() {
        let stopped = self.stopped
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopped.withLock { $0 = true } }
            source.resume()
            return source
        }
    }

    /// Whether a stop signal arrived.
    var isSet: Bool { stopped.withLock { $0 } }
}
