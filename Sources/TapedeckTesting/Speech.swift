import Audio
import Foundation

/// A WAV file of any rate and channel count as 16 kHz mono, the rate the recognizer and the
/// segmenter work at.
public func speechSamples(contentsOf url: URL) throws -> [Float] {
    let audio = try WAVFile.read(url)
    return Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
}

/// Text spoken by espeak-ng (installed by tools/setup), at 16 kHz mono. espeak is deterministic
/// for a given voice, rate and text, which makes it a source of real speech without fixtures.
/// `wordsPerMinute` nil keeps espeak's own default rate.
public func speak(_ text: String, voice: String = "en-us", wordsPerMinute: Int? = nil) throws -> [Float] {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-speak-\(UUID().uuidString).wav")
    defer { try? FileManager.default.removeItem(at: url) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["espeak-ng", "-v", voice] + (wordsPerMinute.map { ["-s", "\($0)"] } ?? []) + ["-w", url.path, text]
    try process.run()
    process.waitUntilExit()
    return try speechSamples(contentsOf: url)
}
