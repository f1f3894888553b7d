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
