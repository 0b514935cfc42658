import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Server

/// Live calls: the organization's open sessions, and one call's transcript and analysis as they
/// are sent, pushed to the page over Server-Sent Events. Everything comes from `LiveSessions`,
/// asked with the signed-in user's organization, so another organization's call is a 404 like a
/// call that does not exist (or has ended).
extension Console {
    func addLiveRoutes<Context: RequestContext>(to router: Router<Context>) {
        let console = self
        router.get("/console/orgs/:org/live") { request, context in
            try await console.scoped(request, context) { session in console.liveList(session) }
        }
        router.get("/console/orgs/:org/live/:id") { request, context in
            try await console.scoped(request, context) { session in
                guard let id = context.parameters.get("id"),
                      let snapshot = console.live.snapshot(id: id, organization: session.user.organization) else {
                    return console.notFound(session)
                }
                return console.callPage(session, snapshot)
            }
        }
        router.get("/console/orgs/:org/live/:id/events") { request, context in
            try await console.scoped(request, context) { session in
                guard let id = context.parameters.get("id"),
                      let followed = console.live.follow(id: id, organization: session.user.organization) else {
                    return console.notFound(session)
                }
                var response = Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8"],
                                        body: LiveEventStream.body(snapshot: followed.0, updates: followed.1))
                Self.secured(&response)
                return response
            }
        }
    }

    func liveList(_ session: ConsoleSession) -> Response {
        let now = Date()
        let calls: [[String: Any]] = live.sessions(organization: session.user.organization).map { call in
            [
                "id": call.id, "organization": call.organization, "dialect": call.dialect,
                "language": call.language ?? "detect", "sessionId": call.sessionId ?? "(not yet named)",
                "started": Self.iso8601(call.startedAt), "startedAt": Int(call.startedAt.timeIntervalSince1970),
                "duration": Self.clock(now.timeIntervalSince(call.startedAt)),
            ]
        }
        let values: [String: Any] = ["organization": session.user.organization, "calls": calls, "count": calls.count,
                                     "hasCalls": !calls.isEmpty]
        return Self.html(Pages.render("live", title: "Live calls", values, session: session), status: .ok)
    }

    func callPage(_ session: ConsoleSession, _ snapshot: LiveSessionSnapshot) -> Response {
        let call = snapshot.summary
        let values: [String: Any] = [
            "organization": call.organization, "id": call.id, "dialect": call.dialect,
            "language": call.language ?? "detect", "sessionId": call.sessionId ?? "(not yet named)",
            "started": Self.iso8601(call.startedAt), "startedAt": Int(call.startedAt.timeIntervalSince1970),
            "duration": Self.clock(Date().timeIntervalSince(call.startedAt)),
            "lines": snapshot.lines.map(Self.lineValues),
            "analysis": snapshot.analysis.map { ["name": $0.name, "value": $0.value] },
        ]
        return Self.html(Pages.render("call", title: "Live call", values, session: session), status: .ok)
    }

    static func lineValues(_ line: LiveLine) -> [String: Any] {
        ["speaker": line.speaker, "start": clock(line.start), "end": clock(line.end), "text": line.text]
    }

    /// `m:ss` (or `h:mm:ss`) for a duration or a time into the call.
    static func clock(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// The call page's event stream: first `reset` and what the call has so far (so a page loaded
/// just before a line was sent neither misses nor repeats it), then each update as it comes, a
/// comment every 15 s to keep the connection from idling out, and `ended` when the call ends.
enum LiveEventStream {
    static func body(snapshot: LiveSessionSnapshot, updates: AsyncStream<LiveUpdate>) -> ResponseBody {
        let (out, continuation) = AsyncStream<ByteBuffer>.makeStream()
        continuation.yield(ByteBuffer(string: message("reset", ["lines": snapshot.lines.count])))
        for line in snapshot.lines { continuation.yield(ByteBuffer(string: text(.line(line)))) }
        if !snapshot.analysis.isEmpty { continuation.yield(ByteBuffer(string: text(.analysis(snapshot.analysis)))) }
        let forward = Task {
            for await update in updates {
                continuation.yield(ByteBuffer(string: text(update)))
                if update == .ended { break }
            }
            continuation.finish()
        }
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
            }
        }
        // The browser went away (or the call ended): stop following the call.
        continuation.onTermination = { _ in
            forward.cancel()
            heartbeat.cancel()
        }
        return ResponseBody(asyncSequence: out)
    }

    /// One update as an SSE message.
    static func text(_ update: LiveUpdate) -> String {
        switch update {
        case .identified(let summary):
            return message("identified", ["sessionId": summary.sessionId ?? "", "language": summary.language ?? "detect"])
        case .line(let line):
            return message("line", ["speaker": line.speaker, "start": Console.clock(line.start), "end": Console.clock(line.end), "text": line.text])
        case .analysis(let fields):
            return message("analysis", ["fields": fields.map { ["name": $0.name, "value": $0.value] }])
        case .ended:
            return message("ended", [:])
        }
    }

    /// `event:` and one `data:` line of JSON (JSON escapes newlines, so one line always holds it).
    static func message(_ event: String, _ data: [String: Any]) -> String {
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return "event: \(event)\ndata: \(json)\n\n"
    }
}

extension Pages {
    static let live = """
    <h1>Live calls</h1>
    <p class="meta">Open sessions of {{organization}} on this server, refreshed every 5 seconds. <span id="live-count">{{count}}</span> open.</p>
    {{#hasCalls}}
    <table class="calls" id="live-calls">
    <thead><tr><th>Session</th><th>Dialect</th><th>Language</th><th>Started (UTC)</th><th>Duration</th></tr></thead>
    <tbody>
    {{#calls}}
    <tr class="call" data-call="{{id}}"><td><a href="/console/orgs/{{organization}}/live/{{id}}" class="call-link">{{sessionId}}</a></td>
    <td>{{dialect}}</td><td>{{language}}</td><td>{{started}}</td><td class="duration" data-started-at="{{startedAt}}">{{duration}}</td></tr>
    {{/calls}}
    </tbody>
    </table>
    {{/hasCalls}}
    {{^hasCalls}}<p class="notice" id="no-calls">No calls are open right now.</p>{{/hasCalls}}
    <span hidden id="auto-refresh" data-seconds="5"></span>
    """

    static let call = """
    <h1>Live call <code id="session-id">{{sessionId}}</code></h1>
    <dl class="facts">
    <dt>Dialect</dt><dd>{{dialect}}</dd>
    <dt>Language</dt><dd id="call-language">{{language}}</dd>
    <dt>Started (UTC)</dt><dd>{{started}}</dd>
    <dt>Duration</dt><dd class="duration" data-started-at="{{startedAt}}">{{duration}}</dd>
    <dt>State</dt><dd id="call-state">live</dd>
    </dl>
    <div class="call-columns">
    <section><h2>Transcript</h2>
    <ol class="transcript" id="transcript" data-events="/console/orgs/{{organization}}/live/{{id}}/events">
    {{#lines}}<li class="line"><span class="time">{{start}}</span> <span class="speaker">{{speaker}}</span> <span class="text">{{text}}</span></li>{{/lines}}
    </ol>
    </section>
    <section><h2>Analysis</h2>
    <dl class="facts" id="analysis">
    {{#analysis}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/analysis}}
    </dl>
    {{^analysis}}<p class="meta" id="no-analysis">No analysis yet: it comes with the first transcribed utterance.</p>{{/analysis}}
    </section>
    </div>
    """
}
