import ArgumentParser
import Foundation
import Wire

/// Where aectl finds aed, shared by every control subcommand.
public struct ControlOptions: ParsableArguments {
    @Option(help: "aed's control endpoint (default: $AED_CONTROL, /run/aed/control.sock when installed, else ipc://./state/control.sock).")
    public var control: String?

    @Option(help: "Seconds to wait for aed's reply.")
    public var timeout: Double = 5

    public init() {}

    /// The endpoint after `ControlEndpoint.resolve`.
    public var endpoint: String { ControlEndpoint.resolve(explicit: control) }

    /// A client, or a clear error.
    public func client() throws -> ControlClient {
        do {
            return try ControlClient(endpoint: endpoint, timeoutMilliseconds: Int32(clamping: Int(timeout * 1000)))
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// An error that prints its message (no usage text) and exits 1.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Writes `text` to standard output.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Runs a control call; a protocol error becomes a `CommandFailure` with aed's message.
func withClient<T>(_ options: ControlOptions, _ body: (ControlClient) throws(ControlProtocolError) -> T) throws -> T {
    let client = try options.client()
    do {
        return try body(client)
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// `aectl status [--json]`: the daemon, ingest counters and every stream.
public struct StatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show aed's streams, models, thresholds, training runs and alerts.")

    @OptionGroup public var options: ControlOptions
    @Flag(help: "Print aed's status reply as one JSON object.")
    public var json = false

    public init() {}

    public func run() throws {
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
        let details = try? JSONDecoder().decode(StatusDetails.self, from: Data(frame))
        printOut(StatusTable.render(status, details: details))
    }
}
