import ArgumentParser
import ControlPlane
import Foundation
import Journal

/// Options shared by commands that check footers against the server journal key.
struct JournalKeyOptions: ParsableArguments {
    @Option(name: .customLong("journal-key-file"),
            help: "File holding the server journal key as '<key-id>:<hex secret>' (or set TAPEDECK_JOURNAL_KEY_FILE).")
    var keyFile: String?

    func load() throws -> JournalKey? {
        guard let path = keyFile ?? ProcessInfo.processInfo.environment["TAPEDECK_JOURNAL_KEY_FILE"] else { return nil }
        return try JournalKeyFile.load(path)
    }
}

enum JournalKeyFile {
    static func load(_ path: String) throws -> JournalKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read journal key file \(path)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let secret = [UInt8](hexString: parts[1]), secret.count >= 16 else {
            throw ValidationError("journal key file \(path) must hold '<key-id>:<hex secret of at least 16 bytes>'")
        }
        return JournalKey(id: parts[0], secret: secret)
    }
}

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print a journal's records as JSON lines (binary payloads summarized).")

    @Argument(help: "Journal file (.tdj).") var file: String

    struct Line: Encodable {
        var seq: UInt64
        var type: String
        var time: String
        var flags: UInt8
        var bytes: Int
        var text: String?
        var sha256: String?
    }

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let out = FileHandle.standardOutput
        let url = URL(fileURLWithPath: file)
        func emit(_ line: Line) throws {
            var data = try encoder.encode(line)
            data.append(0x0A)
            out.write(data)
        }
        let scan = try JournalReader.scan(url) { record in
            let text = record.text
            try emit(Line(seq: record.sequence, type: record.type.description,
                          time: JournalTime.iso8601(microseconds: record.receivedAt),
                          flags: record.flags.rawValue, bytes: record.payload.count, text: text,
                          sha256: text == nil ? SHA256Digest.hash(record.payload).hexString : nil))
        }
        if let footer = scan.footer {
            try emit(Line(seq: footer.records, type: RecordType.sessionFooter.description, time: "", flags: 0,
                          bytes: 0, text: String(decoding: try encoder.encode(footer), as: UTF8.self), sha256: nil))
        }
        if let damage = scan.damage {
            FileHandle.standardError.write(Data("tapedeck dump: \(file): \(damage)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check journals: record CRCs, sequence, hash chain, footer and its HMAC.",
        discussion: """
            Exit 0 when every journal is sealed and intact; 1 when any is damaged, tampered or unsealed; \
            2 when a path does not exist or a folder holds no journal (nothing was checked there).

            With --org and --session the journal is read from the control plane (any node's call, a lost \
            node's too), and it must also be the sealed journal the session index names (the same SHA-256).
            """)

    @Argument(help: "Journal files or directories to search for .tdj files (or --org and --session).") var paths: [String] = []
    @OptionGroup var source: ControlPlaneSession
    @OptionGroup var key: JournalKeyOptions

    func validate() throws {
        try source.validate(file: paths.first)
    }

    func run() async throws {
        let journalKey = try key.load()
        var files: [URL] = []
        var missing = 0
        var bad = Set<URL>()
        // A journal read from the control plane is checked in a temporary file, named as the index names it.
        var fetchedAs: [URL: String] = [:]
        var fetchedFolder: URL?
        defer { if let fetchedFolder { try? FileManager.default.removeItem(at: fetchedFolder) } }
        if source.isRequested {
            let (file, fetched) = try await source.fetch()
            fetchedFolder = file.deletingLastPathComponent()
            files.append(file)
            fetchedAs[file] = "control plane: " + fetched.entry.journalPath
            if !fetched.isTheIndexedJournal {
                bad.insert(file)
                print("NOT INDEXED \(fetched.entry.journalPath): " + ControlPlaneSession.describe(fetched).trimmingCharacters(in: .newlines))
            }
        }
        for path in paths {
            do {
                files += try JournalLayout.journals(at: path)
            } catch let error as JournalError {
                missing += 1
                print("\(error.isNotFound ? "NOT FOUND" : "NO JOURNALS") \(error)")
            }
        }
        for file in files {
            let named = fetchedAs[file] ?? file.path
            do {
                let scan = try JournalReader.scan(file, key: journalKey)
                if let damage = scan.damage {
                    bad.insert(file)
                    print("DAMAGED  \(named): \(damage)")
                    if damage.isMidFile {
                        print("         the damage is mid-file: `tapedeck recover` will not cut it without --cut-intact-blocks")
                    }
                } else if let footer = scan.footer {
                    var notes = "\(scan.recordCount) records, chain \(footer.chain.prefix(16))…"
                    if footer.hmac != nil { notes += journalKey == nil ? ", HMAC present (not checked: no key given)" : ", HMAC ok" }
                    if footer.recovered { notes += ", sealed by recovery" }
                    print("OK       \(named): \(notes)")
                } else {
                    bad.insert(file)
                    print("UNSEALED \(named): \(scan.recordCount) intact records but no footer" + (fetchedAs[file] == nil ? "; if its session is over, run `tapedeck recover --seal \(named)`" : ""))
                }
            } catch {
                bad.insert(file)
                print("DAMAGED  \(named): \(error)")
            }
        }
        print("\(files.count - bad.count) ok, \(bad.count) not ok" + (missing > 0 ? ", \(missing) path\(missing == 1 ? "" : "s") without journals" : ""))
        if !bad.isEmpty { throw ExitCode(1) }
        if missing > 0 { throw ExitCode(2) }
    }
}

private extension JournalError {
    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}

struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Cut a journal's torn or corrupt tail to a side file, keeping every intact block.",
        discussion: """
            Damage with intact blocks after it (corruption in the middle of the file) is reported and left \
            untouched unless --cut-intact-blocks is given. Tampered journals are reported and left untouched. \
            Exit 1 when any journal was left damaged.
            """)

    @Argument(help: "Journal files.") var files: [String]
    @Flag(help: "Also seal an unsealed journal with a transport-closed record and a recovery footer.") var seal = false
    @Flag(help: "Also cut a journal damaged in the middle at the damage, moving the intact blocks after it to the side file.")
    var cutIntactBlocks = false
    @OptionGroup var key: JournalKeyOptions

    func run() throws {
        let journalKey = try key.load()
        var leftDamaged = false
        for file in files {
            let report = try JournalRecovery.recover(URL(fileURLWithPath: file), seal: seal, cutIntactBlocks: cutIntactBlocks,
                                                     key: journalKey, recoveredAt: wallClockMicroseconds())
            print(report)
            if report.refusal != nil { leftDamaged = true }
        }
        if leftDamaged { throw ExitCode(1) }
    }
}
