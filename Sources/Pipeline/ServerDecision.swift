import Journal

/// A decision the live server takes about a session on its own account, from the clock or the
/// operator rather than from anything the client sent. Because the reducer reacts to it with
/// messages to the client, it must be in the journal: the driver journals it as an `effect`
/// record ("the result of a non-deterministic external effect, replayed instead of
/// re-requested") *before* the reducer sees it, and replay hands that record to the reducer at
/// the same place among the inbound records. Nothing else in a replay reads a clock or a signal.
///
/// The payload is JSON, `{"decision":"…"}`, like the transport-closed record's `{"reason":"…"}`.
public enum ServerDecision: String, Sendable, CaseIterable {
    /// The draining server's deadline (`serve --drain-deadline`, or a second SIGTERM) came
    /// while the session was still open: end it politely (AudioHook `disconnect` reason
    /// `completed`; seed `closed`).
    case drainDeadline = "drain deadline"

    /// The effect record the live driver journals for this decision.
    public func record(at receivedAt: Int64) -> JournalRecord {
        JournalRecord(type: .effect, sequence: 0, receivedAt: receivedAt,
                      payload: Array(#"{"decision":"\#(rawValue)"}"#.utf8))
    }

    /// The decision an effect record carries; nil for any other record, and for an effect this
    /// build does not know (a newer server's), which the reducer then leaves alone.
    public init?(_ record: JournalRecord) {
        guard record.type == .effect, let text = record.text else { return nil }
        for decision in Self.allCases where text == #"{"decision":"\#(decision.rawValue)"}"# {
            self = decision
            return
        }
        return nil
    }
}
