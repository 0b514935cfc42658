import Foundation
import Journal
import Pipeline

/// Ended calls, read from the CSV files the server writes when a session ends
/// (`results/<org>/<day>/<name>.csv` and `.utterances.csv`, docs/pipeline.md). Every lookup
/// takes the organization, and every path is built through `SessionFileName`, which refuses a
/// day or name that is not a plain path component: a URL can name only its own organization's
/// files, and never a path outside them.
struct History: Sendable {
    let root: URL
    /// The journal root and key, for the call page's verification state (none shown without them).
    var journals: URL?
    var key: JournalKey?

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
    func days(organization: String) -> [String] {
        guard (try? SessionFileName(organization: organization, day: "2000-01-01", name: "x")) != nil else { return [] }
        let folder = root.appendingPathComponent(organization, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { (try? SessionFileName(organization: organization, day: $0, name: "x")) != nil }.sorted(by: >)
    }

    /// The calls of one day, in start order; `matching` keeps those whose transcript contains it
    /// (case- and diacritic-insensitive).
    func calls(organization: String, day: String, matching query: String? = nil) -> [Entry] {
        guard let probe = try? SessionFileName(organization: organization, day: day, name: "x") else { return [] }
        let folder = Projector(root: root).sessionURL(probe).deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var entries: [Entry] = []
        for name in names where name.hasSuffix(".csv") && !name.hasSuffix(".utterances.csv") && !name.hasPrefix(".") {
            guard let file = try? SessionFileName(organization: organization, day: day, name: String(name.dropLast(4))),
                  let row = sessionRow(file) else { continue }
            if let query, !query.isEmpty,
               row.transcript.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) == nil { continue }
            entries.append(Entry(file: file, row: row))
        }
        return entries.sorted { ($0.row.start, $0.file.name) < ($1.row.start, $1.file.name) }
    }

    func call(organization: String, day: String, name: String) -> Call? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name), let row = sessionRow(file) else { return nil }
        var utterances: [UtteranceRow] = []
        if let text = try? String(contentsOf: Projector(root: root).utterancesURL(file), encoding: .utf8),
           let rows = try? CSV.parse(text), rows.first == UtteranceRow.columns {
            for fields in rows.dropFirst() where fields.count == UtteranceRow.columns.count {
                utterances.append(UtteranceRow(start: fields[0], end: fields[1], speaker: fields[2], language: fields[3],
                                               text: fields[4], sentiment: fields[5]))
            }
        }
        return Call(file: file, row: row, utterances: utterances)
    }

    /// What `tapedeck verify` would say of the call's journal: `sealed` (intact, footer and, with
    /// a key, its HMAC checked), `unsealed`, `damaged`, or `missing`, with a line of detail.
    func verification(_ file: SessionFileName) -> (state: String, detail: String)? {
        guard let url = journalURL(file) else { return nil }
        guard FileManager.default.fileExists(atPath: url.path) else { return ("missing", "no journal of this call on this server") }
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

    /// The call's audio as WAV, rendered from its journal (nil without one).
    func audio(organization: String, day: String, name: String) -> [UInt8]? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name),
              sessionRow(file) != nil, let url = journalURL(file), FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try? JournalAudio.wav(journal: url, key: key, organization: organization)
    }

    func journalURL(_ file: SessionFileName) -> URL? {
        journals.map {
            $0.appendingPathComponent(file.organization, isDirectory: true).appendingPathComponent(file.day, isDirectory: true)
                .appendingPathComponent("\(file.name).\(JournalLayout.fileExtension)")
        }
    }

    /// The bytes of one of the call's two CSV files, as written.
    func csv(organization: String, day: String, name: String, utterances: Bool) -> Data? {
        guard let file = try? SessionFileName(organization: organization, day: day, name: name) else { return nil }
        let projector = Projector(root: root)
        return try? Data(contentsOf: utterances ? projector.utterancesURL(file) : projector.sessionURL(file))
    }

    private func sessionRow(_ file: SessionFileName) -> SessionRow? {
        guard let text = try? String(contentsOf: Projector(root: root).sessionURL(file), encoding: .utf8),
              let rows = try? CSV.parse(text), rows.count >= 2, rows[0] == SessionRow.columns,
              let row = try? SessionRow(fields: rows[1]),
              // The file's own organization must be the one asked for, whatever folder it sits in.
              row.organization == file.organization else { return nil }
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
