import ArgumentParser
import Detectors
import Foundation
import Wire

/// `aectl retrain [STREAM...] [--wait] [--accept-shift]`: start a retrain now.
public struct RetrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "retrain", abstract: "Retrain streams now (all when none is named).")

    @OptionGroup public var options: ControlOptions
    @Argument(help: "Streams to retrain; none = all.")
    public var streams: [String] = []
    @Flag(help: "Wait until the runs end and print how each ended; exit 1 if any failed.")
    public var wait = false
    @Option(name: .customLong("wait-timeout"), help: "Seconds --wait waits for the runs.")
    public var waitTimeout: Double = 1_800
    @Flag(
        name: .customLong("accept-shift"),
        help: "Adopt each stream's open level shift (shift_policy = \"alert\") as its new normal, then retrain.")
    public var acceptShift = false
    @Flag(help: "Print the reply as JSON.")
    public var json = false

    public init() {}

    public func run() throws {
        let client = try options.client()
        let timeout = wait ? Int32(clamping: Int(waitTimeout * 1000)) : nil
        let frame: [UInt8]
        let reply: RetrainReply
        do {
            // A long --wait must not turn "no daemon" into a long hang: check aed answers first.
            if wait { _ = try client.send(.status) }
            frame = try client.send(.retrain(streams: streams, wait: wait, acceptShift: acceptShift), timeoutMilliseconds: timeout)
            reply = try ControlReply.decode(RetrainReply.self, from: frame)
        } catch {
            throw CommandFailure("\(error)")
        }
        if json {
            printOut(String(decoding: frame, as: UTF8.self) + "\n")
        } else {
            printOut(Self.render(reply))
        }
        if wait, reply.runs.contains(where: { $0.state == .finished(.failed) }) { throw ExitCode(1) }
    }

    /// One line per stream and detector; a request that joined a run already queued or running
    /// says so.
    public static func render(_ reply: RetrainReply) -> String {
        reply.runs.map { run in
            var line = "\(run.stream)"
            if let detector = run.detector { line += " \(detector)" }
            line += ": \(run.outcome)"
            if let version = run.modelVersion { line += " v\(version)" }
            if let loss = run.validationLoss { line += String(format: " validation loss %.4f", loss) }
            if let reason = run.reason { line += " (\(reason))" }
            if run.coalesced == true, run.state != .coalesced { line += " (coalesced with an earlier request's run)" }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
