import Testing
@testable import Recognition

/// Whisper's quality gate without a model: the ratio against zlib's, and the verdicts on the
/// repetition loops that reached events and CSVs (issue 12).
@Suite struct QualityGateTests {
    /// zlib.compress's ratio (Python 3.11, zlib 1.2.13, level 6) for each text.
    static let zlibRatios: [(text: String, ratio: Float)] = [
        ("Thank you for calling customer support, my name is Anna. How can I help you today?", 0.988),
        ("Merhaba, müşteri hizmetlerine hoş geldiniz. Size nasıl yardımcı olabilirim?", 0.9101),
        ("I already gave my account number twice. This is really frustrating.", 0.9437),
        ("b" + String(repeating: "ıbb", count: 2) + String(repeating: "ıbı", count: 120), 27.6818),
        (Array(repeating: "sea-packed sea-chili-kick", count: 8).joined(separator: " "), 5.75),
        ("Okay. Okay. Okay. Okay. Okay. Okay.", 2.0588),
        (Array(repeating: "the", count: 16).joined(separator: " "), 4.2),
        ("A technician will visit you tomorrow morning and he will check the line, and if the line is fine he will replace the modem.", 1.337),
    ]

    @Test func theRatioFollowsZlibs() {
        for (text, ratio) in Self.zlibRatios {
            let ours = QualityGate.compressionRatio(text)
            #expect(abs(ours - ratio) <= 0.1 * ratio, "\(text.prefix(30)): ours \(ours), zlib \(ratio)")
            // Both sides of Whisper's 2.4 agree with zlib.
            #expect((ours > 2.4) == (ratio > 2.4), "\(text.prefix(30))")
        }
        #expect(QualityGate.compressionRatio("") == 0)
    }

    @Test func repetitionLoopsAreCaughtAndSpeechIsNot() {
        let gate = WhisperOptions().gate
        // 373 characters, as the Turkish loop that reached a CSV.
        let loop = String(("bıbb" + String(repeating: "ıbbıbıbıbı", count: 37)).dropLast())
        #expect(loop.count == 373)
        #expect(gate.verdict(text: loop, averageLogProbability: -0.3, noSpeechProbability: 0.01) == .repetitive)
        let phrase = Array(repeating: "sea-packed sea-chili-kick", count: 5).joined(separator: " ")
        #expect(gate.verdict(text: phrase, averageLogProbability: -0.2, noSpeechProbability: 0.01) == .repetitive)
        for (text, _) in Self.zlibRatios.filter({ $0.ratio < 2.4 }) {
            #expect(gate.verdict(text: text, averageLogProbability: -0.3, noSpeechProbability: 0.01) == .accepted)
        }
        let speech = Self.zlibRatios[0].text
        #expect(gate.verdict(text: speech, averageLogProbability: -1.2, noSpeechProbability: 0.1) == .unlikely)
        // Likely silence: a low score there is expected, not a reason to decode again.
        #expect(gate.verdict(text: speech, averageLogProbability: -1.2, noSpeechProbability: 0.7) == .silence)
        #expect(gate.isNoSpeech(averageLogProbability: -1.2, noSpeechProbability: 0.7))
        #expect(!gate.isNoSpeech(averageLogProbability: -0.5, noSpeechProbability: 0.7))
        #expect(!gate.isNoSpeech(averageLogProbability: -1.2, noSpeechProbability: 0.5))
    }

    @Test func theDecodingOptionsAreInTheEngineIdentity() {
        let base = WhisperOptions()
        #expect(base.decoding == .greedy && base.fallback == .beam && base.beamSize == 5 && base.compressionRatioThreshold == 2.4)
        var variants: [WhisperOptions] = []
        var o = base; o.decoding = .beam; variants.append(o)
        o = base; o.beamSize = 3; variants.append(o)
        o = base; o.fallback = .none; variants.append(o)
        o = base; o.compressionRatioThreshold = 2.0; variants.append(o)
        let identities = Set(([base] + variants).map { EngineIdentity(engine: "e", model: "m", modelDigest: "d", settings: $0.settings) })
        #expect(identities.count == variants.count + 1)
        let identity = EngineIdentity(engine: "e", model: "m", modelDigest: "d", settings: base.settings)
        #expect(identity.setting("decoding") == "greedy")
        #expect(identity.setting("beam-size") == "5")
        #expect(identity.setting("fallback") == "beam")
        #expect(identity.setting("compression-ratio-threshold") == "2.4")
        // Appended in the order they were introduced (the numeric kernels came last), so an older
        // identity's settings stay a prefix of a newer one's.
        #expect(Array(base.settings.map(\.name).suffix(7)) == ["beam-size", "fallback", "compression-ratio-threshold", "encoder-window",
                                                        "max-tokens-per-second", "blas", "blas-core"])
        var int8 = base
        int8.decoderWeights = .int8
        #expect(int8.settings.map(\.name).contains("decoder-weights"), "named only when not Float")
    }

    @Test func topIsOrderedByValueThenIndex() {
        let values: [Float] = [1, 3, -.infinity, 3, 2, 5, 2]
        #expect(WhisperRecognizer.top(values, count: 4) == [5, 1, 3, 4])
        #expect(WhisperRecognizer.top(values, count: 10) == [5, 1, 3, 4, 6, 0])
        #expect(WhisperRecognizer.top([-.infinity, -.infinity], count: 2) == [])
    }
}
