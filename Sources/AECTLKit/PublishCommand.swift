import ArgumentParser
import Foundation
import Wire

/// `aectl publish`: replays a CSV file to aed in the wire format.
public struct PublishCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Replay a CSV file (header row, one vector a line) to aed over ZeroMQ.",
        discussion: """
            Connects to the endpoint a SUB binds (aed --ingest), or with --bind binds it for a SUB \
            that connects (aed --connect). Waits until the subscriber has joined before the first \
            message, so no vector is lost, then prints how many vectors it sent and at what rate.
            """)

    /// The ZeroMQ endpoint, e.g. `tcp://127.0.0.1:5557`.
    @Option(help: "ZeroMQ endpoint, e.g. tcp://127.0.0.1:5557 or ipc:///run/aed/ingest.sock.")
    public var endpoint: String

    /// The stream name.
    @Option(help: "Stream name: 1-128 characters of [A-Za-z0-9._:/-].")
    public var stream: String

    /// The CSV file.
    @Option(help: "CSV file: a header row, then one vector a line.")
    public var file: String

    /// Vectors per second.
    @Option(help: "Vectors per second (default: as fast as the subscriber takes them).")
    public var rate: Double?

    /// Payload form.
    @Option(help: "Payload form: json or binary.")
    public var format: PayloadFormat = .binary

    /// Vectors per message.
    @Option(help: "Vectors per message.")
    public var batch: Int = 1

    /// Bind instead of connect.
    @Flag(help: "Bind the endpoint (for aed --connect) instead of connecting to it.")
    public var bind = false

    /// Leave out `ts`.
    @Flag(name: .customLong("no-timestamps"), help: "Do not send the send time as ts (aed then uses its receive time).")
    public var noTimestamps = false

    /// The first row's replayed timestamp.
    @Option(name: .customLong("ts-start"),
            help: "Stamp rows as a recorded series: row i gets ts = ts-start + i * ts-step (seconds since the Unix epoch) instead of the send time.")
    public var timestampStart: Double?

    /// The replayed spacing of rows.
    @Option(name: .customLong("ts-step"), help: "Seconds between rows with --ts-start.")
    public var timestampStep: Double = 1

    /// Leave out `seq`.
    @Flag(name: .customLong("no-seq"), help: "Do not number the vectors with seq.")
    public var noSequenceNumbers = false

    /// Seconds to wait for a subscriber.
    @Option(name: .customLong("wait"), help: "Seconds to wait for a subscriber before giving up.")
    public var waitSeconds: Double = 10

    /// CURVE keys for a tcp endpoint of a daemon with CURVE ingest.
    @OptionGroup public var curve: CurveOptions

    public init() {}

    public func validate() throws {
        guard StreamName.isValid(stream) else {
            throw ValidationError("--stream \"\(stream)\" is not a valid stream name: 1-128 characters of [A-Za-z0-9._:/-]")
        }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number, got \(rate)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard batch <= 1_000_000 else { throw ValidationError("--batch must be at most 1000000, got \(batch)") }
        guard waitSeconds > 0 && waitSeconds.isFinite else { throw ValidationError("--wait must be a positive number of seconds") }
        if let timestampStart {
            guard timestampStart.isFinite, timestampStart >= 0 else { throw ValidationError("--ts-start must be a non-negative number of seconds since the Unix epoch") }
            guard !noTimestamps else { throw ValidationError("--ts-start and --no-timestamps contradict each other") }
        }
        guard timestampStep.isFinite, timestampStep > 0 else { throw ValidationError("--ts-step must be a positive number of seconds") }
    }

    /// The options this command line asks for.
    public var options: PublishOptions {
        PublishOptions(endpoint: endpoint, stream: stream, bind: bind, format: format, batch: batch, rate: rate,
                       timestamps: !noTimestamps, sequenceNumbers: !noSequenceNumbers, waitSeconds: waitSeconds,
                       seriesClock: timestampStart.map { SeriesClock(start: $0, step: timestampStep) })
    }

    public func run() throws {
        let report: PublishReport
        var options = options
        do {
            options.curve = try curve.credentials()
        } catch {
            FileHandle.standardError.write(Data("aectl publish: \(error)\n".utf8))
            throw ExitCode.failure
        }
        do {
            report = try Publisher.publish(csv: file, options: options) { endpoint in
                if bind { FileHandle.standardError.write(Data("aectl publish: bound \(endpoint)\n".utf8)) }
            }
        } catch {
            FileHandle.standardError.write(Data("aectl publish: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print(Self.summary(report, stream: stream))
    }

    /// The one-line summary printed after a run.
    public static func summary(_ report: PublishReport, stream: String) -> String {
        let rate = report.vectorsPerSecond
        return "sent \(report.vectors) vectors in \(report.messages) messages (\(report.bytes) payload bytes) to \(stream) in "
            + String(format: "%.3f s: %.0f vectors/s", report.seconds, rate)
    }
}

extension PayloadFormat: ExpressibleByArgument {}
