import ArgumentParser
import Foundation

/// The `aectl` root: the operator's command line for aed, listing every subcommand.
public struct AECTL: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "aectl",
        abstract: "The operator's command line for aed, the anomaly-detection daemon.",
        discussion: """
            aectl finds aed's control socket through --control, $AED_CONTROL, \
            /run/aed/control.sock (installed service) or ipc://./state/control.sock. Over a tcp \
            endpoint with CURVE, pass aed's public key and your key pair: --curve-server-key and \
            --curve-key, or $AED_CURVE_SERVER_KEY and $AED_CURVE_KEY (aectl keygen writes key pairs).
            """,
        subcommands: [
            StatusCommand.self, RetrainCommand.self, AlertsCommand.self, PublishCommand.self, EvalCommand.self,
            DemoCommand.self, KeygenCommand.self, ProxyCommand.self,
        ])

    public init() {}
}

extension AECTL {
    /// Moves a `--control ENDPOINT` (or `--control=ENDPOINT`) given before the subcommand into
    /// `AED_CONTROL`, so `aectl --control E status` works as the contract writes it.
    /// - Returns: the remaining arguments and the endpoint, if one was given there.
    public static func splitLeadingControl(_ arguments: [String]) -> (arguments: [String], control: String?) {
        var rest = arguments
        var control: String?
        while let first = rest.first, first.hasPrefix("--control") {
            if first == "--control", rest.count >= 2 {
                control = rest[1]
                rest.removeFirst(2)
            } else if first.hasPrefix("--control=") {
                control = String(first.dropFirst("--control=".count))
                rest.removeFirst()
            } else {
                break
            }
        }
        return (rest, control)
    }

    /// The entry point of the `aectl` executable.
    public static func runFromCommandLine() {
        let (arguments, control) = splitLeadingControl(Array(CommandLine.arguments.dropFirst()))
        if let control { setenv("AED_CONTROL", control, 1) }
        main(arguments)
    }
}
