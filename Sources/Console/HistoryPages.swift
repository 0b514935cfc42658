import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Pipeline

/// History: ended calls by day with search on their transcripts, one call's page, and its two
/// CSV files. Org-scoped like every console page: another organization's day, call or CSV is the
/// same 404 as one that does not exist.
extension Console {
    /// Days shown at most on one history page (newest first).
    static let historyDays = 31

    func addHistoryRoutes<Context: RequestContext>(to router: Router<Context>) {
        let console = self
        router.get("/console/orgs/:org/history") { request, context in
            try await console.scoped(request, context) { session in
                try await console.historyList(session, query: request.uri.queryParameters["q"].map { String($0) })
            }
        }
        router.get("/console/orgs/:org/history/:day/:name") { request, context in
            try await console.scoped(request, context) { session in
                guard let history = console.history, let day = context.parameters.get("day"), let name = context.parameters.get("name"),
                      let call = try await history.call(organization: session.user.organization, day: day, name: name) else {
                    return console.notFound(session)
                }
                return await console.callHistoryPage(session, call)
            }
        }
        router.get("/console/orgs/:org/history/:day/:name/audio.wav") { request, context in
            try await console.scoped(request, context) { session in
                guard let history = console.history, let day = context.parameters.get("day"), let name = context.parameters.get("name"),
                      let wav = try await history.audio(organization: session.user.organization, day: day, name: name) else {
                    return console.notFound(session)
                }
                console.audit("played audio", session, metadata: ["call": "\(day)/\(name)"])
                var response = Response(status: .ok, headers: [.contentType: "audio/wav"], body: .init(byteBuffer: ByteBuffer(bytes: wav)))
                Self.secured(&response)
                return response
            }
        }
        // Range export: every call of the organization between two days (inclusive) as one
        // sheet, the same bytes as `tapedeck export --org … --from … --to …`.
        router.get("/console/orgs/:org/history/export.csv") { request, context in
            try await console.scoped(request, context) { session in
                let from = request.uri.queryParameters["from"].map(String.init) ?? ""
                let to = request.uri.queryParameters["to"].map(String.init) ?? ""
                guard let root = console.settings.resultsDirectory else { return console.notFound(session) }
                guard Self.isDay(from), Self.isDay(to), from <= to else {
                    var response = Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                                            body: .init(byteBuffer: ByteBuffer(string: "Choose two days (yyyy-mm-dd), the first no later than the second.\n")))
                    Self.secured(&response)
                    return response
                }
                let organization = session.user.organization
                // In a cluster every node's calls are in the control plane; on one node, the results folder.
                let data: Data
                if let csvs = console.settings.csvs {
                    data = try Exporter.merge(sheets: try await csvs.sessionFiles(organization: organization, from: from, to: to)
                        .map { ("\($0.day)/\($0.name).csv", String(decoding: $0.session, as: UTF8.self)) })
                } else {
                    data = try Exporter.merge(Exporter.sessionFiles(root: root, organization: organization, from: from, to: to))
                }
                console.audit("exported calls", session, metadata: ["from": "\(from)", "to": "\(to)"])
                var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
                Self.secured(&response)
                response.headers[.contentDisposition] = "attachment; filename=\"\(organization)-\(from)-to-\(to).csv\""
                return response
            }
        }
        for (file, utterances) in [("session.csv", false), ("utterances.csv", true)] {
            router.get("/console/orgs/:org/history/:day/:name/\(file)") { request, context in
                try await console.scoped(request, context) { session in
                    guard let history = console.history, let day = context.parameters.get("day"), let name = context.parameters.get("name"),
                          let data = try await console.csv(history, organization: session.user.organization, day: day, name: name, utterances: utterances) else {
                        return console.notFound(session)
                    }
                    console.audit("downloaded \(file)", session, metadata: ["call": "\(day)/\(name)"])
                    var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
                    Self.secured(&response)
                    // The name is a journal file name (a safe path component), so it needs no quoting rules beyond these.
                    let download = utterances ? "\(name).utterances.csv" : "\(name).csv"
                    response.headers[.contentDisposition] = "attachment; filename=\"\(download)\""
                    return response
                }
            }
        }
    }

    /// One of a call's CSV files: from this node's results folder, or, for a call another node
    /// of the cluster took, from the control plane (only ever within `organization`).
    func csv(_ history: History, organization: String, day: String, name: String, utterances: Bool) async throws -> Data? {
        if let local = history.csv(organization: organization, day: day, name: name, utterances: utterances) { return local }
        guard let csvs = settings.csvs, (try? SessionFileName(organization: organization, day: day, name: name)) != nil,
              let stored = try await csvs.get(organization: organization, day: day, name: name) else { return nil }
        return Data(utterances ? stored.utterances : stored.session)
    }

    /// `yyyy-mm-dd` (what an `<input type="date">` sends).
    static func isDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    var history: History? {
        settings.resultsDirectory.map {
            History(root: $0, journals: settings.journalDirectory, key: settings.journalKey,
                    cluster: settings.csvs.map { History.Cluster(csvs: $0, index: settings.sessionIndex, blocks: settings.journalBlocks) })
        }
    }

    func historyList(_ session: ConsoleSession, query: String?) async throws -> Response {
        let organization = session.user.organization
        let query = query?.trimmingCharacters(in: .whitespaces)
        var days: [[String: Any]] = []
        var total = 0
        for day in (try await history?.days(organization: organization) ?? []).prefix(Self.historyDays) {
            let calls = try await history?.calls(organization: organization, day: day, matching: query) ?? []
            guard !calls.isEmpty else { continue }
            total += calls.count
            days.append(["day": day, "count": calls.count, "calls": calls.map { entry in
                [
                    "organization": organization, "day": day, "name": entry.file.name, "sessionId": entry.row.sessionId,
                    "start": entry.row.start, "duration": Self.clock(Double(entry.row.duration) ?? 0),
                    "language": entry.row.language, "sentiment": entry.row.sentiment, "summary": entry.row.summary,
                ] as [String: Any]
            }])
        }
        var values: [String: Any] = ["organization": organization, "days": days, "hasDays": !days.isEmpty, "total": total]
        if let query, !query.isEmpty { values["query"] = query }
        return Self.html(Pages.render("history", title: "History", values, session: session), status: .ok)
    }

    func callHistoryPage(_ session: ConsoleSession, _ call: History.Call) async -> Response {
        let row = call.row
        let analysis = AnalysisView(json: row.analysisJSON)
        let verification = await history?.verification(call.file)
        let base = "/console/orgs/\(call.file.organization)/history/\(call.file.day)/\(call.file.name)"
        let values: [String: Any] = [
            "sessionId": row.sessionId, "dialect": row.dialect, "start": row.start, "end": row.end,
            "duration": Self.clock(Double(row.duration) ?? 0), "language": row.language,
            "summary": row.summary, "sentiment": row.sentiment, "emotion": row.emotion, "agentScore": row.agentScore.isEmpty ? "unknown" : row.agentScore,
            "engine": row.engine, "sessionCSV": base + "/session.csv", "utterancesCSV": base + "/utterances.csv",
            "audio": base + "/audio.wav", "hasJournal": verification.map { $0.state != "missing" } ?? false,
            "lines": call.utterances.enumerated().map { index, line in
                ["turn": index, "start": Self.clock(Double(line.start) ?? 0), "speaker": line.speaker, "text": line.text, "sentiment": line.sentiment.isEmpty ? false as Any : line.sentiment]
                    as [String: Any]
            },
            "issues": analysis.processIssues, "hasIssues": !analysis.processIssues.isEmpty,
            "rubric": analysis.rubric, "hasRubric": !analysis.rubric.isEmpty,
            "bars": analysis.chartBars, "hasChart": !analysis.customerQuarters.isEmpty || !analysis.agentQuarters.isEmpty,
            "trend": analysis.trend.isEmpty ? false as Any : analysis.trend,
            "journal": verification.map { ["state": $0.state, "detail": $0.detail] as Any } ?? (false as Any),
        ]
        return Self.html(Pages.render("history-call", title: "Call \(row.sessionId)", values, session: session), status: .ok)
    }
}

extension Pages {
    static let history = """
    <h1>History</h1>
    <form method="get" action="/console/orgs/{{organization}}/history" class="search">
    <label>Search transcripts <input type="search" name="q" id="q" value="{{query}}"></label>
    <button type="submit" id="search">Search</button>
    </form>
    <form method="get" action="/console/orgs/{{organization}}/history/export.csv" class="search">
    <label>Export calls from <input type="date" name="from" id="export-from" required></label>
    <label>to <input type="date" name="to" id="export-to" required></label>
    <button type="submit" id="export">Download CSV</button>
    </form>
    {{#query}}<p class="meta" id="search-result">{{total}} calls whose transcript contains “{{query}}”.</p>{{/query}}
    {{#days}}
    <h2>{{day}} <span class="meta">({{count}})</span></h2>
    <table class="calls history">
    <thead><tr><th>Session</th><th>Start (UTC)</th><th>Duration</th><th>Language</th><th>Sentiment</th><th>Summary</th></tr></thead>
    <tbody>
    {{#calls}}<tr class="ended-call"><td><a class="history-link" href="/console/orgs/{{organization}}/history/{{day}}/{{name}}">{{sessionId}}</a></td>
    <td>{{start}}</td><td>{{duration}}</td><td>{{language}}</td><td>{{sentiment}}</td><td>{{summary}}</td></tr>
    {{/calls}}
    </tbody>
    </table>
    {{/days}}
    {{^hasDays}}<p class="notice" id="no-history">{{#query}}No call's transcript contains that.{{/query}}{{^query}}No ended calls yet.{{/query}}</p>{{/hasDays}}
    """

    static let historyCall = """
    <h1>Call <code id="session-id">{{sessionId}}</code></h1>
    <dl class="facts">
    <dt>Dialect</dt><dd>{{dialect}}</dd>
    <dt>Start (UTC)</dt><dd>{{start}}</dd>
    <dt>End (UTC)</dt><dd>{{end}}</dd>
    <dt>Duration</dt><dd>{{duration}}</dd>
    <dt>Language</dt><dd>{{language}}</dd>
    <dt>Engine</dt><dd>{{engine}}</dd>
    {{#journal}}<dt>Journal</dt><dd id="journal-state"><span class="verify {{state}}">{{state}}</span> <span class="meta">{{detail}}</span></dd>{{/journal}}
    </dl>
    {{#hasJournal}}<p><audio controls preload="none" id="call-audio" src="{{audio}}"></audio></p>{{/hasJournal}}
    <p class="downloads"><a id="download-session" href="{{sessionCSV}}" download>Session CSV</a> · <a id="download-utterances" href="{{utterancesCSV}}" download>Utterances CSV</a></p>
    <h2>Analysis</h2>
    <dl class="facts" id="analysis">
    <dt>Summary</dt><dd>{{summary}}</dd>
    <dt>Sentiment</dt><dd>{{sentiment}}{{#trend}} (trend {{trend}}){{/trend}}</dd>
    <dt>Emotion</dt><dd>{{emotion}}</dd>
    <dt>Agent score</dt><dd>{{agentScore}}</dd>
    </dl>
    {{#hasChart}}
    <h3>Sentiment per quarter</h3>
    <svg class="quarters" id="sentiment-chart" viewBox="0 0 330 130" width="330" height="130" role="img" aria-label="Mean turn sentiment per quarter of the call, customer and agent">
    <line x1="30" y1="60" x2="320" y2="60" class="axis"></line>
    {{#bars}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" class="bar {{kind}}"><title>{{label}}</title></rect>{{/bars}}
    <text x="58" y="125">Q1</text><text x="128" y="125">Q2</text><text x="198" y="125">Q3</text><text x="268" y="125">Q4</text>
    </svg>
    <p class="meta"><span class="swatch customer">■</span> customer · <span class="swatch agent">■</span> agent (mean turn score, ±5)</p>
    {{/hasChart}}
    {{#hasIssues}}
    <h3>Process issues</h3>
    <table class="calls" id="process-issues"><thead><tr><th>Issue</th><th>Severity</th><th>Turns</th><th>Evidence</th></tr></thead><tbody>
    {{#issues}}<tr><td>{{type}}</td><td>{{severity}}</td><td>{{turns}}</td><td>“{{evidence}}”</td></tr>{{/issues}}
    </tbody></table>
    {{/hasIssues}}
    {{#hasRubric}}
    <h3>Agent rubric</h3>
    <table class="calls" id="rubric"><thead><tr><th>Item</th><th>Result</th><th>Points</th><th>Why</th></tr></thead><tbody>
    {{#rubric}}<tr><td>{{id}}</td><td>{{result}}</td><td>{{earned}}/{{weight}}</td><td>{{reason}}</td></tr>{{/rubric}}
    </tbody></table>
    {{/hasRubric}}
    <h2>Transcript</h2>
    <ol class="transcript" id="history-transcript">
    {{#lines}}<li class="line"><span class="time">{{start}}</span> <span class="turn">#{{turn}}</span> <span class="speaker">{{speaker}}</span> <span class="text">{{text}}</span>{{#sentiment}} <span class="meta">({{sentiment}})</span>{{/sentiment}}</li>{{/lines}}
    </ol>
    """
}
