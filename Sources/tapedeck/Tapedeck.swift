import ArgumentParser

@main
struct Tapedeck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Real-time speech analytics server.",
        subcommands: [DumpCommand.self, VerifyCommand.self, RecoverCommand.self]
    )
}
