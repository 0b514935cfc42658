import Foundation
import HTTPTypes
import Hummingbird
import Journal
import NIOCore
import StreamProtocol

/// `/ready`: whether this server can take a new session and keep it — it is not draining, its
/// journal folder is writable with free space above the minimum, and its transcription backlog
/// and session count are under their limits. 200 when ready, 503 with the reasons otherwise (a
/// load balancer's health check routes by it, which is how a drain moves new calls elsewhere);
/// `/health` only says the process answers.
struct Readiness {
    /// The node's drain phase (`NodeDrain`): anything but serving is not ready.
    var drain: NodeDrain.Phase = .serving
    var journal: JournalError?
    /// Free space on the journal's disk; nil when it could not be measured.
    var space: DiskSpace? = nil
    var transcription: Bool
    var backlog: Int?
    var backlogLimit: Int
    var sessions: Int
    var sessionLimit: Int
    /// What admission from measured capacity says now (servers that transcribe).
    var admission: AdmissionDecision? = nil
    /// Hook for the control plane (issue 17, keys from a shared store): set to why it is not
    /// ready once the control plane has been unreachable for longer than the key cache lasts.
    /// Nothing sets it yet (`TapedeckServer.makeApplication`'s `controlPlaneProblem`).
    var controlPlane: String? = nil

    var problems: [String] {
        var found: [String] = []
        if drain != .serving { found.append("draining") }
        if let journal { found.append("journal storage: \(journal)") }
        if let problem = space?.problem { found.append(problem) }
        if let controlPlane { found.append("control plane: \(controlPlane)") }
        if let backlog, backlog >= backlogLimit { found.append("transcription backlog \(backlog) at its limit \(backlogLimit)") }
        if sessions >= sessionLimit { found.append("\(sessions) sessions open, the limit is \(sessionLimit)") }
        if let admission, sessions >= admission.maxSessions { found.append("no capacity for another session: \(admission.reason)") }
        return found
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("ready", .bool(problems.isEmpty)),
            ("drain", .string(drain.rawValue)),
            ("journal", .string(journal == nil ? "writable" : "unavailable")),
            ("transcription", .string(transcription ? "loaded" : "disabled")),
            ("sessions", .int(Int64(sessions))),
            ("sessionLimit", .int(Int64(sessionLimit))),
        ]
        if let space {
            members += [("journalFreeMB", .int(Int64(min(space.availableBytes >> 20, UInt64(Int64.max))))),
                        ("minFreeMB", .int(Int64(min(space.minimumBytes >> 20, UInt64(Int64.max)))))]
        }
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
