import ArgumentParser
import ControlPlane
import Foundation
import Journal
import Pipeline
import Server

/// The control plane's session index: a projection of the journals, so it can always be made
/// again from them.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "The session index: rebuild it from a node's journals, list it, fetch a session's journal from the control plane, or prune those copies.",
        subcommands: [Rebuild.self, List.self, Fetch.self, PruneJournals.self])

    struct PruneJournals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune-journals",
            abstract: "Delete the control plane's copies of finished sessions' journals from before a day (retention); index rows and CSVs stay.",
            discussion: """
                Only sealed or projected sessions are pruned: a live, ended or orphaned one may still be finished from its \
                copy by a sweeper. The nodes' own journal files are untouched, so `index fetch`, `verify --org` and \
                `regenerate --from-control-plane` then say to read those. PostgreSQL reuses the freed space after its \
                autovacuum; the files shrink only with VACUUM FULL.
                """)
        @Option(help: "Prune sessions whose journal day (UTC, yyyy-mm-dd) is before this one.") var before: String
        @Option(help: "Only this organization's sessions.") var org: String?
        @Flag(help: "Say what would be pruned, and prune nothing.") var dryRun = false
        @Option(help: "Data directory (its SQLite control plane unless --control-plane names another).") var data = "data"
        @OptionGroup var controlPlane: ControlPlaneOptions

        func validate() throws {
            if before.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil { throw ValidationError("--before takes yyyy-mm-dd") }
        }

        func run() async throws {
            let backends = try controlPlane.backends(data: data)
            do {
                let index = try await SessionIndex(backend: backends.main)
                let blocks = try await JournalBlocks(backend: backends.main)
                let rows = try await index.all().filter { row in
                    (row.state == .sealed || row.state == .projected) && (org == nil || row.organization == org)
                        && (row.journalPath.split(separator: "/").dropFirst().first.map(String.init) ?? "") < before
                }
                var (pruned, bytes): (Int, Int64) = (0, 0)
                for row in rows {
                    let stored = dryRun ? try await blocks.storedLength(organization: row.organization, journalPath: row.journalPath)
                        : try await blocks.remove(organization: row.organization, journalPath: row.journalPath)
                    if stored > 0 { (pruned, bytes) = (pruned + 1, bytes + stored) }
                }
                await backends.close()
                let megabytes = String(format: "%.1f", Double(bytes) / 1e6)
                print("\(dryRun ? "would prune" : "pruned") the control plane's copies of \(pruned) journals from before \(before) (\(megabytes) MB)\(org.map { " of \($0)" } ?? "")")
            } catch {
                await backends.close()
                throw error
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute this node's rows of the session index from its journals and CSVs, replacing what is there.")
        @Option(help: "Journal directory.") var journal = "journal"
        @Option(help: "Results directory (CSV files).") var results = "results"
        @Option(help: "Data directory (SQLite control plane, master key).") var data = "data"
        @Option(help: "The node whose rows these journals are (default: the host name and port 8080, as `serve` names itself).") var node: String?
        @Option(help: "The node's port, for the default node name.") var port = 8080
        @OptionGroup var controlPlane: ControlPlaneOptions
        @OptionGroup var journalKey: JournalKeyOptions

        func run() async throws {
            let opened = try await controlPlane.open(data: data)
            let name = node ?? "\(ProcessInfo.processInfo.hostName):\(port)"
            let outcome = try await IndexRebuild.run(
                index: try await opened.sessionIndex(), node: name, journalRoot: URL(fileURLWithPath: journal),
                resultsRoot: URL(fileURLWithPath: results), key: try journalKey.load(),
                progress: { done, total in
                    if done % 500 == 0 || done == total { FileHandle.standardError.write(Data("index rebuild: \(done)/\(total) journals\n".utf8)) }
                })
            await opened.close()
            for (path, reason) in outcome.unreadable { FileHandle.standardError.write(Data("unreadable: \(path): \(reason)\n".utf8)) }
            var states: [String: Int] = [:]
            for entry in outcome.entries { states[entry.state.rawValue, default: 0] += 1 }
            let summary = states.keys.sorted().map { "\($0) \(states[$0]!)" }.joined(separator: ", ")
            print("indexed \(outcome.entries.count) sessions of node \(name)\(summary.isEmpty ? "" : " (\(summary))")")
            if !outcome.unreadable.isEmpty { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the session index as JSON lines, ordered by organization and journal.")
        @Option(help: "Data directory (SQLite control plane, master key).") var data = "data"
        @Option(help: "Only this organization's sessions.") var org: String?
        @OptionGroup var controlPlane: ControlPlaneOptions

        func run() async throws {
            let opened = try await controlPlane.open(data: data)
            let entries = try await opened.sessionIndex().all().filter { org == nil || $0.organization == org }
            await opened.close()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for entry in entries { print(String(decoding: try encoder.encode(entry), as: UTF8.self)) }
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a session's journal as the shared control plane holds it (any node's call, a lost node's too) to a file, for `tapedeck replay` and `tapedeck verify`.")
        @Option(help: "Data directory (SQLite control plane, master key).") var data = "data"
        @Option(help: "The session's organization.") var org: String
        @Option(help: "The session id.") var session: String
        @Option(help: "Which journal, when the organization has several for the id (`tapedeck index list` shows journal paths).") var journalPath: String?
        @Option(name: [.customShort("o"), .long], help: "File to write (default: the journal's own file name, here). An existing file is never overwritten.") var output: String?
        @OptionGroup var controlPlane: ControlPlaneOptions

        func run() async throws {
            let opened = try await controlPlane.open(data: data)
            let fetched: JournalFetch.Fetched
            do {
                fetched = try await JournalFetch.fetch(index: try await opened.sessionIndex(), blocks: try await opened.journalBlocks(),
                                                       organization: org, sessionId: session, journalPath: journalPath)
            } catch {
                await opened.close()
                throw (error as? JournalFetchError).map { ValidationError($0.description) } ?? error
            }
            await opened.close()
            let target = URL(fileURLWithPath: output ?? URL(fileURLWithPath: fetched.entry.journalPath).lastPathComponent)
            guard !FileManager.default.fileExists(atPath: target.path) else {
                throw ValidationError("\(target.path) exists; give another file with -o")
            }
            try Data(fetched.bytes).write(to: target, options: .withoutOverwriting)
            let entry = fetched.entry
            let what = fetched.isTheIndexedJournal
                ? "the sealed journal, its SHA-256 as indexed; `tapedeck verify \(target.path)` checks it, `tapedeck replay \(target.path)` shows it"
                : entry.journalSHA256 == nil
                    ? "the bytes shipped so far (the session is not sealed yet)"
                    : "the bytes its first node shipped before it was lost, unsealed (node \(entry.node) sealed its own copy); `tapedeck recover --seal \(target.path)` seals this one for replay"
            print("wrote \(fetched.bytes.count) bytes of \(entry.journalPath) (\(entry.state.rawValue), node \(entry.node)) to \(target.path): \(what)")
        }
    }
}
