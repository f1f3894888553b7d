import ArgumentParser
import Foundation
import Wire

/// `aectl status [--json]`: the daemon, ingest counters and every stream.
public struct StatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show aed's streams, models, thresholds, training runs and alerts.")

    @OptionGroup public var options: ControlOptions
    @Flag(help: "Print aed's status reply as one JSON object.")
    public var json = false

    public init() {}

    public func run() throws {
        if options.isFleet {
            let answers = DaemonFleet.ask(.status, options: options)
            printOut(json ? DaemonFleet.json(answers) : DaemonFleet.renderStatus(answers))
            guard DaemonFleet.allAnswered(answers) else { throw CommandFailure("not every daemon answered") }
            return
        }
        let client = try options.client()
        let frame: [UInt8]
        do {
            frame = try client.send(.status)
        } catch {
            throw CommandFailure("\(error)")
        }
        let status: StatusReply
        do {
            status = try ControlReply.decode(StatusReply.self, from: frame)
        } catch {
            throw CommandFailure("\(error)")
        }
        if json {
            printOut(String(decoding: frame, as: UTF8.self) + "\n")
            return
        }
        printOut(StatusTable.render(status))
    }
}
