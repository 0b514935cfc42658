import Foundation
import HTTPTypes
import Hummingbird
import Journal
import NIOCore
import StreamProtocol

/// `/ready`: whether this server can take a new session and keep it — its journal folder is
/// writable, and its transcription backlog and session count are under their limits. 200 when
/// ready, 503 with the reasons otherwise (a load balancer's health check routes by it);
/// `/health` only says the process answers.
struct Readiness {
    var journal: JournalError?
    var transcription: Bool
    var backlog: Int?
    var backlogLimit: Int
    var sessions: Int
    var sessionLimit: Int
    /// What admission from measured capacity says now (servers that transcribe).
    var admission: AdmissionDecision? = nil

    var problems: [String] {
        var found: [String] = []
        if let journal { found.append("journal storage: \(journal)") }
        if let backlog, backlog >= backlogLimit { found.append("transcription backlog \(backlog) at its limit \(backlogLimit)") }
        if sessions >= sessionLimit { found.append("\(sessions) sessions open, the limit is \(sessionLimit)") }
        if let admission, sessions >= admission.maxSessions { found.append("no capacity for another session: \(admission.reason)") }
        return found
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("ready", .bool(problems.isEmpty)),
            ("journal", .string(journal == nil ? "writable" : "unavailable")),
            ("transcription", .string(transcription ? "loaded" : "disabled")),
            ("sessions", .int(Int64(sessions))),
            ("sessionLimit", .int(Int64(sessionLimit))),
        ]
        if let admission { members.append(("capacitySessions", .int(Int64(min(admission.maxSessions, Int(Int32.max)))))) }
        if let backlog {
            members += [("backlog", .int(Int64(backlog))), ("backlogLimit", .int(Int64(backlogLimit)))]
        }
        members.append(("problems", .array(problems.map { .string($0) })))
        return .object(members)
    }

    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: problems.isEmpty ? .ok : .serviceUnavailable, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: json.serialized + "\n")))
    }
}
