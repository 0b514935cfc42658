import StreamProtocol

/// The protocol stage fed a session's worth of client messages.
///
/// Input layout: the first byte picks the stage and prefix (below); the rest is split at `\n`
/// into messages. A message starting with 0x01 is a binary frame (the bytes after it); 0x02 asks
/// for the server's `closed`, 0x03 for an `event`, 0x04 for a `disconnect`; anything else is a
/// text message, with `#s` replaced by the next client seq and `#v` by the last server seq, so
/// mutations reach the message handlers instead of dying at the sequence check (for
/// `ProtocolStage`, whose seqs are private, the harness counts them as a well-behaved client would).
///
/// Checked on every input: no trap; every reply is a JSON object; audio and gap positions never
/// go backwards and stay within `ProtocolDuration.maximum`; gaps are positive.
enum ProtocolFuzzing {
    static let sessionId = "30b0e395-84d3-4570-ac13-9a62d8f514c0"
    static let audioHookOpen = #"{"version":"2","id":"30b0e395-84d3-4570-ac13-9a62d8f514c0","type":"open","seq":1,"serverseq":0,"position":"PT0S","parameters":{"organizationId":"d7934305-0972-4844-938e-9060eef73d05","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"+15551234567","aniName":"Caller","dnis":"+15557654321"},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}]}}"#
    static let seedOpen = #"{"type":"open","id":"fuzz-session","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#

    enum Mode: UInt8, CaseIterable {
        /// `ProtocolStage` with no dialect hint: the first message decides.
        case undecided
        /// `ProtocolStage` told by the request headers that this is AudioHook, opened.
        case audioHookOpened
        /// `AudioHookStage` from its first message (open included in the input).
        case audioHookRaw
        /// `SeedStage`, opened.
        case seedOpened
    }

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let mode = Mode(rawValue: first % UInt8(Mode.allCases.count))!
        var session = Session(mode: mode)
        switch mode {
        case .audioHookOpened: session.text(audioHookOpen)
        case .seedOpened: session.text(seedOpen)
        case .undecided, .audioHookRaw: break
        }
        for line in bytes.dropFirst().split(separator: 0x0A, omittingEmptySubsequences: false) {
            switch line.first {
            case 0x01?: session.binary(Array(line.dropFirst()))
            case 0x02?: let reply = session.closed(); session.check(reply)
            case 0x03?: let reply = session.event(); session.check(reply)
            case 0x04?: let reply = session.disconnect(); session.check(reply)
            default: session.text(line)
            }
        }
    }

    /// Either stage behind one interface, plus the invariants' bookkeeping.
    struct Session {
        var general: ProtocolStage?
        var audioHook: AudioHookStage?
        var seed: SeedStage?
        var lastPosition: Int64 = 0
        var textsSent: Int64 = 0
        var repliesReceived: Int64 = 0

        init(mode: Mode) {
            switch mode {
            case .undecided: general = ProtocolStage(dialect: .seed, headers: [:])
            case .audioHookOpened: general = ProtocolStage(dialect: .audiohook, headers: ["audiohook-session-id": sessionId])
            case .audioHookRaw: audioHook = AudioHookStage(sessionIdHeader: nil, organizationHeader: nil)
            case .seedOpened: seed = SeedStage()
            }
        }

        mutating func text(_ raw: String) { text(Array(raw.utf8)[...]) }

        mutating func text(_ raw: ArraySlice<UInt8>) {
            let (seq, serverseq) = audioHook.map { ($0.clientSeq + 1, $0.serverSeq) } ?? (textsSent + 1, repliesReceived)
            let text = String(decoding: Self.substitute(raw, seq: seq, serverseq: serverseq), as: UTF8.self)
            textsSent += 1
            if general != nil { observe(general!.receive(text: text)) }
            if audioHook != nil { observe(audioHook!.receive(text: text)) }
            if seed != nil { observe(seed!.receive(text: text)) }
        }

        /// `#s` → seq, `#v` → serverseq, on bytes (String's `replacing` costs more than the stage).
        static func substitute(_ raw: ArraySlice<UInt8>, seq: Int64, serverseq: Int64) -> ArraySlice<UInt8> {
            guard raw.contains(UInt8(ascii: "#")) else { return raw }
            var out: [UInt8] = []
            out.reserveCapacity(raw.count + 16)
            var i = raw.startIndex
            while i < raw.endIndex {
                if raw[i] == UInt8(ascii: "#"), i + 1 < raw.endIndex, raw[i + 1] == UInt8(ascii: "s") || raw[i + 1] == UInt8(ascii: "v") {
                    out.append(contentsOf: String(raw[i + 1] == UInt8(ascii: "s") ? seq : serverseq).utf8)
                    i += 2
                } else {
                    out.append(raw[i])
                    i += 1
                }
            }
            return out[...]
        }

        mutating func binary(_ frame: [UInt8]) {
            if general != nil { observe(general!.receive(binary: frame)) }
            if audioHook != nil { observe(audioHook!.receive(binary: frame)) }
            if seed != nil { observe(seed!.receive(binary: frame)) }
        }

        mutating func closed() -> String? { general?.closed() ?? audioHook?.closed() ?? seed?.closed() }

        mutating func event() -> String? {
            let entity = JSONValue.object([("type", .string("transcript"))])
            if general != nil { return general!.event(seed: entity, audiohook: [entity]) }
            if audioHook != nil { return audioHook!.event(entities: [entity]) }
            return seed?.event(parameters: entity)
        }

        mutating func disconnect() -> String? {
            if general != nil { return general!.disconnect(reason: "error", info: "fuzz") }
            return audioHook?.disconnect(reason: "error", info: "fuzz")
        }

        mutating func check(_ reply: String?) {
            guard let reply else { return }
            repliesReceived += 1
            guard let value = try? JSONValue.parse(reply), value.isObject else {
                preconditionFailure("reply is not a JSON object: \(reply)")
            }
        }

        mutating func observe(_ events: [ProtocolEvent]) {
            for event in events {
                switch event {
                case .send(let text): check(text)
                case .audio(let samples, let position):
                    precondition(!samples.isEmpty, "empty audio event")
                    advance(to: position)
                case .gap(let start, let duration):
                    precondition(duration > 0, "gap of \(duration) samples")
                    advance(to: start)
                    advance(to: start + duration)
                default: break
                }
            }
        }

        mutating func advance(to position: Int64) {
            // Every stage here runs at 8 kHz (AudioHook) or 16 kHz (seed); 16 kHz bounds both.
            precondition(position >= lastPosition, "timeline went back from \(lastPosition) to \(position)")
            precondition(position <= ProtocolDuration.maximum.samples(rate: 16_000), "timeline past the maximum: \(position)")
            lastPosition = position
        }
    }
}
