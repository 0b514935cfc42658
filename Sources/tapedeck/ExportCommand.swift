import ArgumentParser
import ControlPlane
import Foundation
import Pipeline

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Merge an organization's session CSVs between two days into one sheet.")

    @Option(help: "Organization.") var org: String
    @Option(help: "First day, yyyy-mm-dd (inclusive).") var from: String
    @Option(help: "Last day, yyyy-mm-dd (inclusive).") var to: String
    @Option(help: "Results directory.") var results = "results"
    @Option(name: .shortAndLong, help: "Output file ('-' for standard output).") var output = "-"
    @Option(help: "Data directory (for a control plane given by it).") var data = "data"
    @OptionGroup var controlPlane: ControlPlaneOptions

    func validate() throws {
        let day = #"^\d{4}-\d{2}-\d{2}$"#
        guard from.range(of: day, options: .regularExpression) != nil, to.range(of: day, options: .regularExpression) != nil else {
            throw ValidationError("--from and --to take days as yyyy-mm-dd")
        }
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() async throws {
        // With a shared control plane the export covers every node's calls, from its copy of
        // their CSVs; otherwise the results folder.
        let location = try controlPlane.location(data: data)
        let sheets: [(name: String, text: String)]
        if location.isShared {
            let backends = try ControlPlaneBackends.open(location)
            let stored = try await SessionCSVs(backend: backends.main).sessionFiles(organization: org, from: from, to: to)
            await backends.close()
            sheets = stored.map { ("\($0.day)/\($0.name).csv", String(decoding: $0.session, as: UTF8.self)) }
        } else {
            let files = Exporter.sessionFiles(root: URL(fileURLWithPath: results), organization: org, from: from, to: to)
            sheets = try files.map { ($0.path, try String(contentsOf: $0, encoding: .utf8)) }
        }
        let data = try Exporter.merge(sheets: sheets)
        let files = sheets
        if output == "-" {
            FileHandle.standardOutput.write(data)
        } else {
            try AtomicFile.write(data, to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("exported \(files.count) sessions to \(output)\n".utf8))
        }
    }
}
