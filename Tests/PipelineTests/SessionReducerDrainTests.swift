import Audio
import Foundation
import Journal
import Recognition
import StreamProtocol
import TapedeckTesting
import Testing
@testable import Pipeline

/// The drain deadline as the reducer sees it: a journaled `ServerDecision` record, reacted to
/// the same way live (results arriving whenever) and in replay (each result at once).
extension SessionReducerTests {
    static let hookSession = "1f0c8e60-3d43-4a6e-9f77-6a38b3f2e1a4"
    static let hookHeaders = ["audiohook-session-id": hookSession, "audiohook-organization-id": "d7934305-0972-4844-938e-9060eef73d05"]

    static func hook(_ type: String, seq: Int, serverseq: Int, parameters: String = "{}") -> String {
        #"{"version":"2","id":"\#(hookSession)","type":"\#(type)","seq":\#(seq),"serverseq":\#(serverseq),"position":"PT0S","parameters":\#(parameters)}"#
    }

    static let hookOpen = hook("open", seq: 1, serverseq: 0, parameters: #"{"organizationId":"d7934305-0972-4844-938e-9060eef73d05","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"+1","aniName":"x","dnis":"+2"},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}],"language":"en-US"}"#)

    /// Stereo 8 kHz µ-law: silence, a tone on the external channel, silence, a tone, silence —
    /// two utterances, one second per chunk.
    static var hookAudio: [[UInt8]] {
        func chunk(tone: Bool) -> [UInt8] {
            (0..<8000).flatMap { i -> [UInt8] in
                let external = tone ? Int16(9000 * sin(2 * Double.pi * 440 * Double(i) / 8000)) : 8
                return [MuLaw.encode(external), MuLaw.encode(8)]
            }
        }
        return [false, true, false, true, false].map { chunk(tone: $0) }
    }

    static func types(_ texts: [String]) -> [String] {
        texts.compactMap { (try? JSONValue.parse($0))?["type"]?.stringValue }
    }

    /// What a client sees with `seq`/`clientseq` left out, as replay compares.
    static func normalized(_ texts: [String]) -> [String] {
        texts.map { Replay.normalized($0, dropClientSeq: true) }
    }

    /// An AudioHook call drained in the middle. `late`: results come after the decision (as live
    /// results may); otherwise each is applied as soon as it is asked for (as replay does).
    static func drainedAudioHookCall(late: Bool) -> SessionTestStore {
        var store = SessionTestStore(dialect: "audiohook", headers: hookHeaders, environment: SessionEnvironment(engine: engine))
        store.send(hookOpen)
        var answered = 0
        for chunk in hookAudio {
            store.sendAudio(chunk, after: 1_000_000)
            if !late { while store.requests.count > 0 { store.transcribe("words number \(answered)"); answered += 1 } }
        }
        store.decide(.drainDeadline)
        store.sendAudio(hookAudio[1], after: 1_000_000)  // after disconnect: ignored
        while store.requests.count > 0 { store.transcribe("words number \(answered)"); answered += 1 }
        store.send(hook("close", seq: 2, serverseq: store.replies.count, parameters: #"{"reason":"disconnect"}"#))
        return store
    }

    @Test func atTheDrainDeadlineAnAudioHookSessionIsDisconnectedCompletedThenClosedOnItsClose() throws {
        var store = SessionTestStore(dialect: "audiohook", headers: Self.hookHeaders, environment: SessionEnvironment(engine: Self.engine))
        store.send(Self.hookOpen)
        for chunk in Self.hookAudio { store.sendAudio(chunk, after: 1_000_000) }
        store.decide(.drainDeadline)
        let disconnect = try JSONValue.parse(try #require(store.replies.last))
        #expect(disconnect["type"] == .string("disconnect"))
        #expect(disconnect["parameters"]?["reason"] == .string("completed"))
        #expect(store.requests.count >= 2, "both utterances asked for by the decision, which ends the audio")
        #expect(store.reducer.endedForDrain)
        #expect(store.sendAudio(Self.hookAudio[1], after: 1_000_000).isEmpty, "audio after disconnect is ignored")
        let pending = store.requests.count
        for _ in 0..<pending { store.transcribe("my bill is wrong again") }
        #expect(store.events.isEmpty, "no event between disconnect and the client's close")
        #expect(!Self.types(store.replies).contains("closed"))
        store.send(Self.hook("close", seq: 2, serverseq: store.replies.count, parameters: #"{"reason":"disconnect"}"#))
        #expect(Self.types(store.replies) == ["opened", "disconnect", "closed"])
        #expect(store.events.count >= pending, "the held transcripts (and the final analysis) before closed")
        #expect(store.sent.last == .reply(store.replies.last ?? ""), "closed comes last")
        #expect(store.reducer.utterances.count == pending)
    }

    @Test func aDrainedAudioHookSessionSendsTheSameWhenResultsComeLateOrAtOnce() {
        let live = Self.drainedAudioHookCall(late: true)
        let replay = Self.drainedAudioHookCall(late: false)
        #expect(live.events.count >= 3, "two transcripts and the final analysis")
        #expect(Self.normalized(live.events) == Self.normalized(replay.events))
        #expect(Self.normalized(live.replies) == Self.normalized(replay.replies))
        #expect(live.reducer.utterances.map(\.text) == replay.reducer.utterances.map(\.text))
    }

    @Test func atTheDrainDeadlineASeedSessionIsClosedAfterItsLastResults() {
        var store = SessionTestStore(environment: SessionEnvironment(engine: Self.engine))
        store.send(#"{"type":"open","id":"drain-1","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#)
        let tone = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let silence = [Float](repeating: 0.001, count: 16000)
        for chunk in [silence, tone, silence, tone] { store.sendAudio(PCM.bytesLE(chunk), after: 1_000_000) }
        store.decide(.drainDeadline)
        #expect(store.reducer.endedForDrain)
        #expect(store.requests.count == 2, "the open utterance went to transcription at the decision")
        #expect(!Self.types(store.replies).contains("closed"), "closed waits for the final results")
        store.transcribe("my bill is wrong")
        store.transcribe("thank you for calling")
        #expect(store.events.count == 2)
        #expect(Self.types(store.replies) == ["opened", "closed"])
        #expect(store.decide(.drainDeadline).isEmpty, "once is enough")
    }

    @Test func theDrainDecisionChangesNothingOnceTheClientIsClosingOrGone() {
        var closing = SessionTestStore()
        closing.send(#"{"type":"open","id":"drain-2","parameters":{}}"#)
        closing.send(#"{"type":"close","id":"drain-2","parameters":{}}"#)
        #expect(closing.decide(.drainDeadline).isEmpty)
        #expect(!closing.reducer.endedForDrain)
        #expect(Self.types(closing.replies) == ["opened", "closed"])

        var gone = SessionTestStore(dialect: "audiohook", headers: Self.hookHeaders)
        gone.send(Self.hookOpen)
        gone.disconnect()
        #expect(gone.decide(.drainDeadline).isEmpty)
    }

    @Test func onlyTheDrainRecordIsADecisionAndAnUnknownEffectIsLeftAlone() {
        let record = ServerDecision.drainDeadline.record(at: 5)
        #expect(record.type == .effect)
        #expect(record.text == #"{"decision":"drain deadline"}"#)
        #expect(ServerDecision(record) == .drainDeadline)
        #expect(ServerDecision(JournalRecord(type: .inboundText, sequence: 0, receivedAt: 5, payload: record.payload)) == nil)
        var store = SessionTestStore()
        store.send(#"{"type":"open","id":"drain-3","parameters":{}}"#)
        let unknown = JournalRecord(type: .effect, sequence: 0, receivedAt: 9, payload: Array(#"{"decision":"something newer"}"#.utf8))
        var reducer = store.reducer
        #expect(reducer.reduce(.record(unknown)).isEmpty)
        #expect(!reducer.endedForDrain)
    }
}
