import ArgumentParser
import Foundation
import Wire

/// Where aectl finds aed, shared by every control subcommand.
public struct ControlOptions: ParsableArguments {
    @Option(help: "aed's control endpoint (default: $AED_CONTROL, /run/aed/control.sock when installed, else ipc://./state/control.sock). status and alerts take several, separated by commas, and show them as one view.")
    public var control: String?

    // `.unconditional` so `--timeout -1` reaches validation instead of "Missing value".
    @Option(parsing: .unconditional, help: "Seconds to wait for aed's reply (more than 0, at most \(Int(Self.maximumTimeout))).")
    public var timeout: Double = 5

    /// CURVE keys for a tcp control endpoint.
    @OptionGroup public var curve: CurveOptions

    /// The longest `--timeout`, in seconds (one day; the socket option holds milliseconds in 32 bits).
    public static let maximumTimeout: Double = 86_400

    public init() {}

    /// Rejects an empty `--control` (which would otherwise fall back to the default silently)
    /// and a `--timeout` that is not a positive number of seconds up to `maximumTimeout`.
    public func validate() throws {
        if let control, control.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--control must not be empty; leave it out to use the default endpoint")
        }
        guard timeout.isFinite, timeout > 0, timeout <= Self.maximumTimeout else {
            throw ValidationError("--timeout must be a number of seconds greater than 0 and at most \(Int(Self.maximumTimeout)), got \(timeout)")
        }
    }

    /// The endpoint after `ControlEndpoint.resolve`.
    public var endpoint: String { ControlEndpoint.resolve(explicit: control) }

    /// A client, or a clear error.
    ///
    /// - Throws: `CommandFailure` for bad CURVE options or when no client can be made.
    public func client() throws -> ControlClient {
        let endpoints = DaemonFleet.endpoints(endpoint)
        guard endpoints.count <= 1 else {
            throw CommandFailure("this command talks to one daemon; give one control endpoint, not \(endpoints.count)")
        }
        return try client(endpoint: endpoint)
    }

    /// A client for `endpoint` with these options' timeout and CURVE keys.
    ///
    /// - Throws: `CommandFailure` for bad CURVE options or when no client can be made.
    public func client(endpoint: String) throws -> ControlClient {
        let credentials = try curve.credentials()
        do {
            return try ControlClient(
                endpoint: endpoint, timeoutMilliseconds: Int32(clamping: Int(timeout * 1000)), curve: credentials)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Whether more than one control endpoint was given (comma-separated).
    public var isFleet: Bool { DaemonFleet.endpoints(endpoint).count > 1 }
}

/// An error that prints its message (no usage text) and exits 1.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Writes `text` to standard output.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
