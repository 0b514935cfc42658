import ArgumentParser
import Recognition

@main
struct Tapedeck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Real-time speech analytics server.",
        subcommands: [ServeCommand.self, SendCommand.self, ReplayCommand.self, RegenerateCommand.self, TranscribeCommand.self, KeysCommand.self, UsersCommand.self, ExportCommand.self, DumpCommand.self, VerifyCommand.self, RecoverCommand.self, AnalyzeCommand.self]
    )

    static func main() async {
        // Before any model loads: make OpenBLAS use the kernels this CPU really has.
        BLASTuning.adoptBestCoreType()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
