import ArgumentParser
import Foundation
import Pipeline

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Merge an organization's session CSVs between two days into one sheet.")

    @Option(help: "Organization.") var org: String
    @Option(help: "First day, yyyy-mm-dd (inclusive).") var from: String
    @Option(help: "Last day, yyyy-mm-dd (inclusive).") var to: String
    @Option(help: "Results directory.") var results = "results"
    @Option(name: .shortAndLong, help: "Output file ('-' for standard output).") var output = "-"

    func validate() throws {
        let day = #"^\d{4}-\d{2}-\d{2}$"#
        guard from.range(of: day, options: .regularExpression) != nil, to.range(of: day, options: .regularExpression) != nil else {
            throw ValidationError("--from and --to take days as yyyy-mm-dd")
        }
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        let files = Exporter.sessionFiles(root: URL(fileURLWithPath: results), organization: org, from: from, to: to)
        let data = try Exporter.merge(files)
        if output == "-" {
            FileHandle.standardOutput.write(data)
        } else {
            try AtomicFile.write(data, to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("exported \(files.count) sessions to \(output)\n".utf8))
        }
    }
}
