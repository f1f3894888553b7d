import AECTLKit
import ArgumentParser

// A minimal root until the lead merges the subcommands of every branch.
struct AECTL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aectl",
        abstract: "The operator's command line for aed.",
        subcommands: [PublishCommand.self])
}

AECTL.main()
