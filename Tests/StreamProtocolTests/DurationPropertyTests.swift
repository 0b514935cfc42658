import PropertyBased
import Testing
@testable import StreamProtocol

/// Properties of durations and the AudioHook timeline over generated inputs (a failure prints the
/// seed to reproduce it with `.fixedSeed(…)`).
@Suite struct DurationPropertyTests {
    static let maxMicroseconds = ProtocolDuration.maximum.microseconds
    /// Durations up to the maximum, half of them within a day so fractions and small values show up.
    // (`Gen.oneOf` is unavailable in language mode 5, hence the zips with a coin.)
    static let durations = zip(Gen.bool, Gen.int64(in: 0...maxMicroseconds), Gen.int64(in: 0...86_400_000_000))
        .map { ProtocolDuration(microseconds: $0 ? $1 : $2) }
    /// Strings over the duration alphabet (most near-misses of the wire form), plus any Latin-1.
    static func characters(_ alphabet: String) -> Generator<Character, Shrink.None<Character?>> {
        Gen<Character?>.element(of: Array(alphabet)).map { $0! }
    }
    static let durationLike = zip(Gen.int(in: 0...2), characters("PT0123456789.S").string(of: 0...45),
                                  characters("PT.S0123456789 -+eEM").string(of: 0...12), Gen.latin1.string(of: 0...20))
        .map { [$1, "PT" + $2 + "S", $3][$0] }

    @Test func everyRepresentableDurationSurvivesTheWireForm() async {
        await propertyCheck(count: 2000, input: Self.durations) { d in
            #expect(ProtocolDuration.parse(d.description) == .success(d))
        }
    }

    @Test func parsingAnyStringEitherFailsOrYieldsAnInRangeDurationThatPrintsBack() async {
        await propertyCheck(count: 3000, input: Self.durationLike) { text in
            switch ProtocolDuration.parse(text) {
            case .success(let d):
                #expect((0...Self.maxMicroseconds).contains(d.microseconds))
                #expect(ProtocolDuration(d.description) == d)
            case .failure(.tooLong):
                #expect(text.hasPrefix("PT") && text.hasSuffix("S"))
            case .failure(.malformed):
                #expect(!Self.matchesWirePattern(text), "\(text) has the wire form")
            }
        }
    }

    @Test func sampleCountsNeverDecreaseAndNeverTrap() async {
        await propertyCheck(count: 3000, input: Gen.int64(), Gen.int64(), Gen.int(in: 1...Int.max)) { a, b, rate in
            let (low, high) = (min(a, b), max(a, b))
            #expect(ProtocolDuration(microseconds: low).samples(rate: rate) <= ProtocolDuration(microseconds: high).samples(rate: rate))
        }
    }

    @available(macOS 15.0, *)
    @Test func sampleCountsAreExactForEveryDurationAndWireRate() async {
        await propertyCheck(count: 3000, input: Self.durations, Gen<Int?>.element(of: [8000, 16000, 44100, 48000, 1]).map { $0! }) { d, rate in
            let exact = Int128(d.microseconds) * Int128(rate) / 1_000_000
            #expect(Int128(d.samples(rate: rate)) == exact)
            // Back to a duration: never longer than the original, and short by less than one sample
            // period plus the microsecond the second truncation may drop.
            let back = ProtocolDuration(samples: d.samples(rate: rate), rate: rate)
            #expect(back <= d)
            #expect(Int128(d.microseconds - back.microseconds - 1) * Int128(rate) < 1_000_000)
        }
    }

    /// Steps of a session: 0 audio (`amount` selects the frame size), 1 discarded, 2 paused, 3 resumed
    /// (`amount` µs is the reported gap).
    static let steps = zip(Gen.int(in: 0...3), Gen.bool, Gen.int64(in: 0...maxMicroseconds), Gen.int64(in: 0...5_000_000))
        .map { ($0, $1 ? $2 : $3) }.array(of: 1...30)

    @Test func noGapSequenceMovesTheTimelineBackOrPastTheMaximum() async {
        await propertyCheck(count: 500, input: Self.steps) { steps in
            var client = AudioHookClient()
            var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
            _ = stage.receive(text: client.open())
            client.serverseq = 1
            let limit = ProtocolDuration.maximum.samples(rate: 8000)
            var last: Int64 = 0
            for (kind, amount) in steps {
                let before = stage.position
                let events: [ProtocolEvent]
                switch kind {
                case 0: events = stage.receive(binary: [UInt8](repeating: 0xFF, count: Int(amount % 800) * 2))
                case 1: events = stage.receive(text: client.message("discarded", #"{"start":"PT0S","discarded":"\#(ProtocolDuration(microseconds: amount))"}"#))
                case 2: events = stage.receive(text: client.message("paused"))
                default: events = stage.receive(text: client.message("resumed", #"{"start":"PT0S","discarded":"\#(ProtocolDuration(microseconds: amount))"}"#))
                }
                for event in events {
                    switch event {
                    case .audio(_, let at): #expect(at >= last); last = at
                    case .gap(let at, let duration): #expect(at >= last && duration > 0); last = at + duration
                    default: break
                    }
                }
                #expect(stage.position >= before)
                #expect(stage.position <= limit)
            }
        }
    }

    /// `^PT(\d*\.)?\d+S$` with at most 9 decimals and at most 40 bytes, checked by hand.
    static func matchesWirePattern(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 4, b.count <= 40, text.hasPrefix("PT"), text.hasSuffix("S") else { return false }
        let body = b[2..<(b.count - 1)]
        let parts = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), body.allSatisfy({ $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) }) else { return false }
        if parts.count == 2 { return (1...9).contains(parts[1].count) }
        return !parts[0].isEmpty
    }
}
