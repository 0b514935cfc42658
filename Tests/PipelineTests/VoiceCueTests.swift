import Analysis
import Audio
import Foundation
import TapedeckTesting
import Testing
@testable import Pipeline

/// On a mono line (the seed dialect) each utterance's voice pitch reaches the analyzer, which tells the two speakers
/// apart by it; channels that say who speaks carry none.
@Suite struct VoiceCueTests {
    static let turns: [(voice: String, text: String)] = [
        ("en-us", "Hello, you are through to Acme, this is Sam."),
        ("en-us+f3", "Hi, it is about the letter I got last week."),
        ("en-us", "Right, I see, and what did it say?"),
        ("en-us+f3", "That the payment did not go through again."),
        ("en-us+f3", "And the same thing happened the month before."),
        ("en-us", "Okay, I can sort that out for you now."),
    ]

    static func pcm(_ samples: [Float]) -> [UInt8] {
        samples.flatMap { s -> [UInt8] in
            let v = Int16(max(-1, min(1, s)) * 32767)
            return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
        }
    }

    @Test func aMonoCallsUtterancesCarryTheirPitchAndTheRolesUseIt() throws {
        var store = SessionTestStore(dialect: "seed", environment: SessionEnvironment(engine: SessionReducerTests.engine))
        store.send(#"{"type":"open","id":"v-1","parameters":{"language":"en"}}"#)
        let silence = [Float](repeating: 0, count: 16000)
        for turn in Self.turns {
            let speech = try speak(turn.text, voice: turn.voice)
            for chunk in stride(from: 0, to: speech.count, by: 3200) {
                store.sendAudio(Self.pcm(Array(speech[chunk..<min(chunk + 3200, speech.count)])), after: 200_000)
            }
            store.sendAudio(Self.pcm(silence), after: 1_000_000)
        }
        store.send(#"{"type":"close","id":"v-1","parameters":{}}"#)
        try #require(store.requests.count == Self.turns.count, "one utterance per turn, as the segmenter cuts them")
        for turn in Self.turns { store.transcribe(turn.text) }

        let pitches = store.reducer.transcript.map(\.pitch)
        #expect(pitches.allSatisfy { $0 != nil }, "\(pitches)")
        for (k, turn) in Self.turns.enumerated() {
            let low = turn.voice == "en-us"
            #expect(low ? (pitches[k] ?? 0) < 150 : (pitches[k] ?? 0) > 170, "turn \(k) (\(turn.voice)): \(String(describing: pitches[k])) Hz")
        }
        let roles = try #require(store.reducer.finalAnalysis?.detail.roles)
        #expect(roles.source == "text+voice")
        #expect(roles.turns.map(\.role) == Self.turns.map { $0.voice == "en-us" ? SpeakerRole.agent : .customer },
                "the customer's two turns in a row are hers: \(roles.turns.map(\.role))")
    }

    @Test func stereoChannelsCarryNoPitch() {
        var store = SessionTestStore(dialect: "audiohook", headers: SessionReducerTests.hookHeaders,
                                     environment: SessionEnvironment(engine: SessionReducerTests.engine))
        store.send(SessionReducerTests.hookOpen)
        for chunk in SessionReducerTests.hookAudio { store.sendAudio(chunk, after: 1_000_000) }
        while !store.requests.isEmpty { store.transcribe("my bill is wrong again") }
        #expect(!store.reducer.transcript.isEmpty)
        #expect(store.reducer.transcript.allSatisfy { $0.pitch == nil && $0.speaker != .unknown })
    }
}
