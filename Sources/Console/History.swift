import ControlPlane
import Foundation
import Journal
import Pipeline

/// Ended calls, read from the CSV files the server writes when a session ends
/// (`results/<org>/<day>/<name>.csv` and `.utterances.csv`, docs/pipeline.md), and in a cluster
/// from the control plane's copy of every node's files too, so any node's console shows every
/// call. Every lookup takes the organization, and every path is built through
/// `SessionFileName`, which refuses a day or name that is not a plain path component: a URL can
/// name only its own organization's files, and never a path outside them.
struct History: Sendable {
    let root: URL
    /// The journal root and key, for the call page's verification state (none shown without them).
    var journals: URL?
    var key: JournalKey?
    /// The cluster's stores (nil on one node, whose folders have every call).
    var cluster: Cluster?

    struct Cluster: Sendable {
        var csvs: SessionCSVs
        /// For the journal state and audio of a call whose journal is on another node.
        var index: SessionIndex?
        var blocks: JournalBlocks?
    }

    struct Entry: Sendable {
        var file: SessionFileName
        var row: SessionRow
    }

    struct Call: Sendable {
        var file: SessionFileName
        var row: SessionRow
        var utterances: [UtteranceRow]
    }

    /// The organization's days with calls, newest first.
    func days(organization: String) async throws -> [String] {
        guard (try? SessionFileName(organization: organization, day: "2000-01-01", name: "x")) != nil else { return [] }
        let folder = root.appendingPathComponent(organization, isDirectory: true)
        var days = Set(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { (try? SessionFileName(organization: organization, day: $0, name: "x")) != nil })
        if let cluster { days.formUnion(try await cluster.csvs.days(organization: organization)) }
        return days.sorted(by: >)
    }

    /// The calls of one day, in start order; `matching` keeps those whose transcript contains it
    /// (case- and diacritic-insensitive).
    func calls(organization: String, day: String, matching query: String? = nil) async throws -> [Entry] {
        guard let probe = try? SessionFileName(organization: organization, day: day, name: "x") else { return [] }
        var rows: [String: SessionRow] = [:]
        if let cluster {
            for stored in try await cluster.csvs.sessionFiles(organization: organization, from: day, to: day) {
                if let row = Self.sessionRow(stored.session, organization: organization) { rows[stored.name] = row }
            }
        }
        // This node's own files: all of them on one node; in a cluster, any whose copy did not reach the control plane.
        let folder = Projector(root: root).sessionURL(probe).deletingLastPathComponent()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasSuffix(".csv") && !name.hasSuffix(".utterances.csv") && !name.hasPrefix(".") && rows[String(name.dropLast(4))] == nil {
            guard let file = try? SessionFileName(organization: organization, day: day, name: String(name.dropLast(4))),
                  let row = localSessionRow(file) else { continue }
            rows[file.name] = row
        }
        var entries: [Entry] = []
        for (name, row) in rows {
            guard let file = try? SessionFileName(organization: organization, day: day, name: name) else { continue }
            if let query, !query.isEmpty,
               row.transcript.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) == nil { continue }
            entries.append(Entry(file: file, row: row))
        }
        return entries.sorted { ($0.row.start, $0.file.name) < ($1.row.start, $1.file.name) }
    }

    func call(organization: String, day: String, name: String) async throws -> Call? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name),
              let files = try await csvFiles(file),
              let row = Self.sessionRow(files.session, organization: organization) else { return nil }
        var utterances: [UtteranceRow] = []
        if let rows = try? CSV.parse(String(decoding: files.utterances, as: UTF8.self)), rows.first == UtteranceRow.columns {
            for fields in rows.dropFirst() where fields.count == UtteranceRow.columns.count {
                utterances.append(UtteranceRow(start: fields[0], end: fields[1], speaker: fields[2], language: fields[3],
                                               text: fields[4], sentiment: fields[5]))
            }
        }
        return Call(file: file, row: row, utterances: utterances)
    }

    /// The call's two files as written: this node's, else the control plane's copy.
    private func csvFiles(_ file: SessionFileName) async throws -> (session: [UInt8], utterances: [UInt8])? {
        let projector = Projector(root: root)
        if let session = try? Data(contentsOf: projector.sessionURL(file)) {
            return ([UInt8](session), [UInt8]((try? Data(contentsOf: projector.utterancesURL(file))) ?? Data()))
        }
        return try await cluster?.csvs.get(organization: file.organization, day: file.day, name: file.name)
    }

    /// What `tapedeck verify` would say of the call's journal: `sealed` (intact, footer and, with
    /// a key, its HMAC checked), `unsealed`, `damaged`, or `missing`, with a line of detail. A
    /// journal another node of the cluster holds is described from its index row.
    func verification(_ file: SessionFileName) async -> (state: String, detail: String)? {
        guard let url = journalURL(file) else { return nil }
        guard FileManager.default.fileExists(atPath: url.path) else {
            if let index = cluster?.index,
               let row = try? await index.entry(organization: file.organization, journalPath: Self.journalPath(file)) {
                var detail = "on node \(row.node), as indexed"
                if let sha = row.journalSHA256 { detail += "; SHA-256 \(sha.prefix(16))…" }
                if cluster?.blocks != nil { detail += "; a copy is in the control plane" }
                return (row.verification, detail)
            }
            return ("missing", "no journal of this call on this server")
        }
        do {
            let scan = try JournalReader.scan(url, key: key)
            if let damage = scan.damage { return ("damaged", "\(damage)") }
            guard let footer = scan.footer else { return ("unsealed", "\(scan.recordCount) intact records, no footer") }
            var detail = "\(scan.recordCount) records, hash chain \(footer.chain.prefix(16))…"
            if footer.hmac != nil { detail += key == nil ? ", HMAC not checked (no key)" : ", HMAC ok" }
            if footer.recovered { detail += ", sealed by recovery" }
            return ("sealed", detail)
        } catch {
            return ("damaged", "\(error)")
        }
    }

    /// The call's audio as WAV, rendered from its journal: this node's file, or the control
    /// plane's copy (nil without either).
    func audio(organization: String, day: String, name: String) async throws -> [UInt8]? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name),
              try await csvFiles(file) != nil, let url = journalURL(file) else { return nil }
        if FileManager.default.fileExists(atPath: url.path) {
            return try? JournalAudio.wav(journal: url, key: key, organization: organization)
        }
        guard let blocks = cluster?.blocks else { return nil }
        let bytes = try await blocks.contiguousBytes(organization: organization, journalPath: Self.journalPath(file))
        guard !bytes.isEmpty else { return nil }
        // The renderer reads a file: a private temporary one, removed at once.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("\(file.name).\(JournalLayout.fileExtension)")
        try Data(bytes).write(to: copy)
        return try? JournalAudio.wav(journal: copy, key: key, organization: organization)
    }

    func journalURL(_ file: SessionFileName) -> URL? {
        journals.map { $0.appendingPathComponent(Self.journalPath(file)) }
    }

    /// The journal's path under a journal root, as the session index names it.
    static func journalPath(_ file: SessionFileName) -> String {
        "\(file.organization)/\(file.day)/\(file.name).\(JournalLayout.fileExtension)"
    }

    /// The bytes of one of the call's two CSV files, as written, from this node's folder.
    func csv(organization: String, day: String, name: String, utterances: Bool) -> Data? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name) else { return nil }
        let projector = Projector(root: root)
        return try? Data(contentsOf: utterances ? projector.utterancesURL(file) : projector.sessionURL(file))
    }

    private func localSessionRow(_ file: SessionFileName) -> SessionRow? {
        (try? Data(contentsOf: Projector(root: root).sessionURL(file))).flatMap { Self.sessionRow([UInt8]($0), organization: file.organization) }
    }

    /// A session file's row; nil unless it is one, of `organization` (the file's own
    /// organization must be the one asked for, wherever it was kept).
    static func sessionRow(_ bytes: [UInt8], organization: String) -> SessionRow? {
        guard let rows = try? CSV.parse(String(decoding: bytes, as: UTF8.self)), rows.count >= 2, rows[0] == SessionRow.columns,
              let row = try? SessionRow(fields: rows[1]), row.organization == organization else { return nil }
        return row
    }
}

/// What the session page shows of the analysis JSON (the CSV's `analysis_json`): the process
/// issues with their evidence, the rubric items, and the sentiment quarters. Read leniently: an
/// older or partial analysis shows what it has.
struct AnalysisView {
    var processIssues: [[String: Any]] = []
    var rubric: [[String: Any]] = []
    var customerQuarters: [Double] = []
    var agentQuarters: [Double] = []
    var trend = ""

    init(json: String) {
        guard let data = json.data(using: .utf8),
              let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return }
        let detail = top["detail"] as? [String: Any] ?? top
        for issue in detail["process_issues"] as? [[String: Any]] ?? [] {
            let turns = (issue["turns"] as? [Any] ?? []).map { "\($0)" }.joined(separator: ", ")
            processIssues.append(["type": Self.words(issue["type"]), "severity": "\(issue["severity"] ?? "")",
                                  "turns": turns, "evidence": "\(issue["evidence"] ?? "")"])
        }
        let score = detail["agent_score"] as? [String: Any]
        for item in score?["items"] as? [[String: Any]] ?? [] {
            rubric.append(["id": Self.words(item["id"]), "result": Self.words(item["result"]), "reason": "\(item["reason"] ?? "")",
                           "earned": "\(item["earned"] ?? "")", "weight": "\(item["weight"] ?? "")"])
        }
        let sentiment = detail["sentiment"] as? [String: Any]
        customerQuarters = (sentiment?["customer_quarters"] as? [Any] ?? []).compactMap(Self.number)
        agentQuarters = (sentiment?["agent_quarters"] as? [Any] ?? []).compactMap(Self.number)
        trend = "\(sentiment?["trend"] ?? "")"
    }

    /// A JSON number as Foundation hands it over (NSNumber, or Int/Double, depending on platform).
    static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        return nil
    }

    static func words(_ value: Any?) -> String { "\(value ?? "")".replacingOccurrences(of: "_", with: " ") }

    /// Bars for the sentiment chart: per quarter, the customer's and the agent's mean turn score
    /// (±5), drawn up from the middle line when positive and down when negative.
    var chartBars: [[String: Any]] {
        var bars: [[String: Any]] = []
        let (middle, scale, width) = (60.0, 10.0, 22.0)
        for quarter in 0..<4 {
            for (offset, series) in [customerQuarters, agentQuarters].enumerated() {
                let value = quarter < series.count ? max(-5, min(5, series[quarter])) : 0
                let height = max(1, abs(value) * scale)
                let x = 40 + Double(quarter) * 70 + Double(offset) * (width + 4)
                bars.append([
                    "x": Int(x), "y": Int(value >= 0 ? middle - height : middle), "width": Int(width), "height": Int(height),
                    "kind": offset == 0 ? "customer" : "agent",
                    "label": "Q\(quarter + 1) \(offset == 0 ? "customer" : "agent") \(String(format: "%.2f", value))",
                ])
            }
        }
        return bars
    }
}
