import Foundation
import Journal
import Recognition
import StreamProtocol

/// Drives a `SessionReducer` over a journal offline: every inbound record in order, and each
/// transcription it asks for at once (from `transcribe`). Replay, regenerate and the live
/// server's reducer are one implementation; only the driver differs.
public enum SessionRunner {
    public struct Run: Sendable {
        public var header: SessionHeader
        public var reducer: SessionReducer
        public var inbound: Int
        /// Outbound records as journaled, split into protocol replies and derived events.
        public var journaledReplies: [String] = []
        public var journaledEvents: [String] = []
        /// What the reducer says now, in the same split.
        public var derivedReplies: [String] = []
        public var derivedEvents: [String] = []
        /// The journal recorded the connection ending (client gone, idle, shutdown).
        public var transportEnded = false
        public var transcriptions = 0
        public var journalDamage: JournalDamage?

        public var session: DerivedSession { DerivedSession(header: header, reducer: reducer) }
    }

    public enum RunError: Error, CustomStringConvertible {
        case noHeader(String)
        public var description: String {
            switch self {
            case .noHeader(let path): return "\(path) does not start with a session header record; it was not written by `tapedeck serve`"
            }
        }
    }

    public static func run(_ url: URL, environment: SessionEnvironment, key: JournalKey? = nil,
                           transcribe: (TranscriptionRequest) throws -> Transcription,
                           onRecord: (JournalRecord) -> Void = { _ in }) throws -> Run {
        var run: Run?
        var pendingHeaderError: Error?
        // Replies as journaled; nil marks an `outbound-event` record (already counted as an event).
        var outbound: [String?] = []
        let scan = try JournalReader.scan(url, key: key) { record in
            onRecord(record)
            switch record.type {
            case .sessionHeader:
                do {
                    let header = try SessionHeader.decode(record.payload)
                    run = Run(header: header, reducer: SessionReducer(facts: header.facts, environment: environment), inbound: 0)
                } catch { pendingHeaderError = error }
            case .inboundText, .inboundBinary, .transportClosed:
                guard run != nil else { return }
                if record.type == .transportClosed { run!.transportEnded = true } else { run!.inbound += 1 }
                try perform(run!.reducer.handle(record), on: &run!, transcribe: transcribe)
            case .outbound:
                guard run != nil else { return }
                outbound.append(record.text ?? "")
            case .outboundEvent:
                guard run != nil else { return }
                outbound.append(nil)
                run!.journaledEvents.append(record.text ?? "")
            default:
                break
            }
        }
        if let pendingHeaderError { throw pendingHeaderError }
        guard var run else { throw RunError.noHeader(url.path) }
        // Format 2 journals say which records are events; format 1 ones only by their JSON.
        let typed = scan.header.formatVersion >= 2
        for case let text? in outbound {
            if !typed, Self.isEvent(text) { run.journaledEvents.append(text) } else { run.journaledReplies.append(text) }
        }
        // A journal cut short (server killed) has no transport-closed record: end the audio the
        // way a disconnect would, so the last utterances are transcribed too.
        if !run.transportEnded {
            let end = JournalRecord(type: .transportClosed, sequence: 0, receivedAt: run.reducer.lastReceivedAt,
                                    payload: Array("{\"reason\":\"journal ended\"}".utf8))
            try perform(run.reducer.handle(end), on: &run, transcribe: transcribe)
        }
        run.journalDamage = scan.damage
        return run
    }

    private static func perform(_ effects: [SessionEffect], on run: inout Run,
                                transcribe: (TranscriptionRequest) throws -> Transcription) throws {
        for effect in effects {
            switch effect {
            case .send(let text): run.derivedReplies.append(text)
            case .event(let text): run.derivedEvents.append(text)
            case .transcribe(let request):
                let result = try transcribe(request)
                run.transcriptions += 1
                try perform(run.reducer.apply(result, to: request.id), on: &run, transcribe: transcribe)
            case .identified, .closeSocket: break
            }
        }
    }

    /// In format 1 journals, derived events are the `event` messages; everything else is a reply.
    static func isEvent(_ text: String) -> Bool {
        (try? JSONValue.parse(text))?["type"]?.stringValue == "event"
    }
}

extension SessionHeader {
    private struct Found: Error { var header: SessionHeader }

    /// The session header of a journal (its first record), without reading the rest.
    public static func read(from url: URL, key: JournalKey? = nil) throws -> SessionHeader {
        do {
            _ = try JournalReader.scan(url, key: key) { record in
                if record.type == .sessionHeader { throw Found(header: try SessionHeader.decode(record.payload)) }
                throw SessionRunner.RunError.noHeader(url.path)
            }
        } catch let found as Found {
            return found.header
        }
        throw SessionRunner.RunError.noHeader(url.path)
    }
}
