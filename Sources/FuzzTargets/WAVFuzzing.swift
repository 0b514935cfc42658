import Audio

/// WAV decoding of arbitrary file bytes: either a decoded file whose channels all have the same
/// length, or an `AudioError`; never a trap.
enum WAVFuzzing {
    static func run(_ bytes: [UInt8]) {
        guard let audio = try? WAVFile.decode(bytes) else { return }
        guard audio.sampleRate > 0, !audio.channels.isEmpty,
              audio.channels.allSatisfy({ $0.count == audio.frameCount }) else {
            preconditionFailure("decoded WAV with rate \(audio.sampleRate) and channel lengths \(audio.channels.map(\.count))")
        }
    }
}
