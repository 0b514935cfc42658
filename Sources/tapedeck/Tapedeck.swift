import ArgumentParser
import Recognition

@main
struct Tapedeck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Real-time speech analytics server.",
        subcommands: [ServeCommand.self, SendCommand.self, ReplayCommand.self, RegenerateCommand.self, TranscribeCommand.self, KeysCommand.self, UsersCommand.self, IndexCommand.self, ExportCommand.self, DumpCommand.self, VerifyCommand.self, RecoverCommand.self, AnalyzeCommand.self]
    )

    static func main() async {
        // Before OpenBLAS is used: the kernels it runs are chosen when it loads, so choosing them
        // may re-execute the process (see `BLASTuning`).
        chooseKernels(CommandLine.arguments)
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

extension KernelPolicy: ExpressibleByArgument {}

extension Tapedeck {
    /// Commands that transcribe live audio run on the `--kernels` policy (portable unless told
    /// otherwise, or an operator's `OPENBLAS_CORETYPE` when no policy is given). `replay` and
    /// `regenerate` run on what each journal recorded: they pin it for the process that
    /// derives, so nothing is chosen here for them; the other commands do no numeric work.
    static func chooseKernels(_ arguments: [String]) {
        guard let command = arguments.dropFirst().first, ["serve", "transcribe"].contains(command) else { return }
        var policy: KernelPolicy?
        for (index, argument) in arguments.enumerated() {
            if argument == "--kernels", index + 1 < arguments.count { policy = KernelPolicy(rawValue: arguments[index + 1]) }
            if argument.hasPrefix("--kernels=") { policy = KernelPolicy(rawValue: String(argument.dropFirst("--kernels=".count))) }
        }
        BLASTuning.adopt(policy)
    }
}
