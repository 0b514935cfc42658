import ArgumentParser

@main
struct Tapedeck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Real-time speech analytics server.",
        subcommands: [ServeCommand.self, SendCommand.self, ReplayCommand.self, TranscribeCommand.self, KeysCommand.self, ExportCommand.self, DumpCommand.self, VerifyCommand.self, RecoverCommand.self]
    )
}
