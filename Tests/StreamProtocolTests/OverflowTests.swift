import Testing
@testable import StreamProtocol

/// Inbound values that used to trap (Int64 overflow) and killed the whole server with one message.
@Suite struct OverflowTests {
    static let hugePositionOpen = #"{"version":"2","id":"e160e428-53e2-487c-977d-96989bf5c99d","type":"open","seq":1,"serverseq":0,"position":"PT9999999999999S","parameters":{}}"#

    func disconnectInfo(_ events: [ProtocolEvent]) -> String? {
        sent(events).compactMap { json($0) }.first { $0["type"]?.stringValue == "disconnect" }?["parameters"]?["info"]?.stringValue
    }

    @Test func aPositionBeyondOneHundredYearsIsAProtocolErrorNotACrash() {
        var stage = ProtocolStage(dialect: .audiohook, headers: [:])
        let events = stage.receive(text: Self.hugePositionOpen)
        #expect(stage.dialect == .audiohook)
        let info = disconnectInfo(events)
        #expect(info?.contains("position duration exceeds the maximum of PT3155760000S") == true, "got \(String(describing: info))")
    }

    @Test func aDiscardedGapOfSixtyYearsCountsButTheNextOnePastTheLimitDisconnects() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        let first = stage.receive(text: client.message("discarded", #"{"start":"PT0S","discarded":"PT2000000000S"}"#))
        #expect(first == [.gap(start: 0, duration: 16_000_000_000_000)])
        let second = stage.receive(text: client.message("discarded", #"{"start":"PT0S","discarded":"PT2000000000S"}"#))
        #expect(disconnectInfo(second)?.contains("past PT3155760000S") == true)
        #expect(stage.state == .disconnecting)
        #expect(stage.position == 16_000_000_000_000, "the refused gap is not added")
    }

    @Test func resumedWithAHugeGapIsRefusedWithoutTrapping() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        _ = stage.receive(text: client.message("paused"))
        let events = stage.receive(text: client.message("resumed", #"{"start":"PT0S","discarded":"PT9999999999999S"}"#))
        #expect(disconnectInfo(events) == "Client Error: Invalid Message: discarded duration exceeds the maximum of PT3155760000S (100 years)")
        #expect(stage.position == 0)
    }

    @Test func manyMaximalGapsNeverOverflowThePosition() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        let limit = ProtocolDuration.maximum.samples(rate: 8000)
        #expect(stage.receive(text: client.message("discarded", #"{"start":"PT0S","discarded":"PT3155759999.9S"}"#)) ==
                [.gap(start: 0, duration: limit - 800)])
        #expect(stage.receive(binary: [UInt8](repeating: 0xFF, count: 2 * 800)) == [.audio([UInt8](repeating: 0xFF, count: 1600), position: limit - 800)])
        #expect(stage.position == limit)
        // The timeline is full: one more sample or gap is refused, repeatedly, without trapping.
        #expect(disconnectInfo(stage.receive(binary: [0xFF, 0xFF])) != nil)
        for _ in 0..<3 {
            #expect(stage.receive(text: client.message("discarded", #"{"start":"PT0S","discarded":"PT3155760000S"}"#)).allSatisfy {
                if case .gap = $0 { return false } else { return true }
            })
        }
        #expect(stage.position == limit)
    }

    @Test func durationsAreBoundedAtOneHundredYears() {
        #expect(ProtocolDuration("PT3155760000S") == ProtocolDuration.maximum)
        #expect(ProtocolDuration.parse("PT3155760000.000001S") == .failure(.tooLong))
        #expect(ProtocolDuration.parse("PT9999999999999S") == .failure(.tooLong))
        #expect(ProtocolDuration.parse("PT99999999999999999999999999999999999S") == .failure(.tooLong))
        #expect(ProtocolDuration.parse("PT99999999999999999x9S") == .failure(.malformed))
        #expect(ProtocolDuration("PT000000000000000000000000000000012.5S")?.microseconds == 12_500_000, "leading zeros are not magnitude")
    }

    @Test func sampleConversionsSaturateInsteadOfTrapping() {
        #expect(ProtocolDuration(microseconds: .max).samples(rate: 16000) == 147_573_952_589_676_412)
        #expect(ProtocolDuration(microseconds: .max).samples(rate: .max) == .max)
        #expect(ProtocolDuration(microseconds: .min).samples(rate: .max) == .min)
        #expect(ProtocolDuration.maximum.samples(rate: 8000) == 25_246_080_000_000)
        #expect(ProtocolDuration(samples: .max, rate: 8000).microseconds == .max)
        #expect(ProtocolDuration(samples: 12_345, rate: 8000).microseconds == 1_543_125)
        #expect(ProtocolDuration(microseconds: -1_500_000).description == "-PT1.5S")
    }

    @Test func aSeqAtInt64MaxIsRefusedLikeAnyOtherJump() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        let text = #"{"version":"2","id":"\#(client.id)","type":"ping","seq":9223372036854775807,"serverseq":1,"position":"PT0S","parameters":{}}"#
        #expect(disconnectInfo(stage.receive(text: text)) == "Client Error: Invalid seq value (not monotonically increasing)")
    }
}
