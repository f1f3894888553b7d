import ArgumentParser

/// The `aectl` root: the operator's command line for aed, listing every subcommand.
public struct AECTL: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "aectl",
        abstract: "The operator's command line for aed, the anomaly-detection daemon.",
        discussion: """
            aectl finds aed's control socket through --control, $AED_CONTROL, \
            /run/aed/control.sock (installed service) or ipc://./state/control.sock.
            """,
        subcommands: [
            StatusCommand.self, RetrainCommand.self, AlertsCommand.self, PublishCommand.self, DemoCommand.self,
        ])

    public init() {}
}
