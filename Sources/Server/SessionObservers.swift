import Foundation
import Journal
import Pipeline
import Recognition
import StreamProtocol

// Decorators over a live session's seams: each passes everything through unchanged and tells
// the metrics and the live-sessions registry what went by. The driver, the reducer and the
// journal know nothing of them, and replay (which runs without them) derives the same bytes.

/// Counts what comes in and goes out, and passes sent events to the live registry.
struct ObservedTransport: SessionTransport {
    let base: any SessionTransport
    let metrics: ServerMetrics
    let live: LiveSessionHandle

    func receive() async -> JournalRecord {
        let record = await base.receive()
        switch record.type {
        case .inboundText: metrics.received("text", bytes: record.payload.count)
        case .inboundBinary: metrics.received("binary", bytes: record.payload.count)
        default: break
        }
        return record
    }

    func send(_ message: OutboundMessage) async -> Bool {
        let delivered = await base.send(message)
        guard delivered else { return false }
        switch message {
        case .event(let text):
            metrics.sent("event")
            live.sent(event: text)
        case .reply(let text):
            metrics.sent("reply")
            if let code = Self.errorCode(text) { metrics.clientError(code: code) }
        }
        return true
    }

    func closeForServerFailure(reason: String) async {
        metrics.clientError(code: "server-failure")
        await base.closeForServerFailure(reason: reason)
    }

    /// The error a reply tells the client, if it is one: the seed `error` message's code, or an
    /// AudioHook `disconnect` for reason `error`.
    static func errorCode(_ text: String) -> String? {
        // Most replies are not errors; skip parsing them.
        guard text.contains("error"), let json = try? JSONValue.parse(text) else { return nil }
        switch json["type"]?.stringValue {
        case "error":
            return json["parameters"]?["code"]?.intValue.map { "\($0)" } ?? "unknown"
        case "disconnect" where json["parameters"]?["reason"]?.stringValue == "error":
            return "disconnect-error"
        default:
            return nil
        }
    }
}

/// Times each transcription from request to result, against the audio it covered.
struct ObservedTranscriber: Transcriber {
    let base: any Transcriber
    let metrics: ServerMetrics

    func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        let started = JournalWriter.monotonicNow()
        do {
            let result = try await base.transcribe(request)
            metrics.transcribed(nanoseconds: JournalWriter.monotonicNow() &- started, audioSeconds: Double(request.samples.count) / 16_000)
            return result
        } catch {
            metrics.transcriptionFailed()
            throw error
        }
    }
}

/// Hears when the session is named (its id and language, from the negotiated details) for the
/// live registry; everything else goes straight to the journal.
final class ObservedRecorder: SessionRecorder {
    let base: any SessionRecorder
    let live: LiveSessionHandle
    let onIdentified: (@Sendable (_ sessionId: String, _ language: String?) async -> Void)?

    init(base: any SessionRecorder, live: LiveSessionHandle, onIdentified: (@Sendable (String, String?) async -> Void)?) {
        self.base = base
        self.live = live
        self.onIdentified = onIdentified
    }

    func append(_ type: RecordType, receivedAt: Int64, payload: [UInt8]) async {
        await base.append(type, receivedAt: receivedAt, payload: payload)
    }

    func identified(sessionId: String, negotiated: String) async {
        let details = try? JSONValue.parse(negotiated)
        live.identified(sessionId: sessionId, language: details?["language"]?.stringValue)
        await base.identified(sessionId: sessionId, negotiated: negotiated)
        await onIdentified?(sessionId, details?["language"]?.stringValue)
    }

    func abandon() async { await base.abandon() }

    func close(receivedAt: Int64) async -> SessionRecording? { await base.close(receivedAt: receivedAt) }
}

/// Everything a live session reports, put together once per session by the server.
public struct SessionObservation: Sendable {
    let metrics: ServerMetrics
    let live: LiveSessionHandle
    let dialect: String
    /// Hears the session's id and language once its journal exists (the session index).
    var onIdentified: (@Sendable (_ sessionId: String, _ language: String?) async -> Void)?

    init(metrics: ServerMetrics, live: LiveSessions, organization: String, dialect: String, startedAt: Date) {
        self.metrics = metrics
        self.dialect = dialect
        self.live = live.open(organization: organization, dialect: dialect, startedAt: startedAt)
        metrics.sessionStarted(dialect: dialect)
    }

    func transport(_ base: any SessionTransport) -> any SessionTransport { ObservedTransport(base: base, metrics: metrics, live: live) }
    func transcriber(_ base: (any Transcriber)?) -> (any Transcriber)? { base.map { ObservedTranscriber(base: $0, metrics: metrics) } }
    func recorder(_ base: any SessionRecorder) -> any SessionRecorder { ObservedRecorder(base: base, live: live, onIdentified: onIdentified) }

    /// The session is over; `end` is its transport-closed record, if it had one.
    func ended(_ end: JournalRecord?) {
        let reason = end.flatMap { try? JSONValue.parse($0.text ?? "") }?["reason"]?.stringValue ?? "unknown"
        metrics.sessionEnded(reason: reason)
        live.close()
    }
}
