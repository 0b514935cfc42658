import ArgumentParser

@main
struct Tapedeck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Real-time speech analytics server.",
        subcommands: [KeysCommand.self, ExportCommand.self, DumpCommand.self, VerifyCommand.self, RecoverCommand.self]
    )
}
