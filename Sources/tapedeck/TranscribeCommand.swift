import ArgumentParser
import Audio
import Foundation
import Recognition

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe a WAV file with the built-in Whisper engine.")

    @Argument(help: "WAV file (any rate and channel count; channels are mixed).") var file: String
    @Option(help: "Installed model (tools/fetch-models): base, tiny.en.") var model = "base"
    @Option(help: "Language code (en, tr, …); omit to detect.") var language: String?
    @Option(help: "Matrix threads.") var threads = 2
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let audio = try WAVFile.read(URL(fileURLWithPath: file))
        let samples = Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
        let recognizer = try WhisperRecognizer(model: model, threads: threads)
        let started = Date()
        // Whisper sees 30 s at a time: cut longer files into consecutive windows.
        var offset = 0
        let window = 30 * 16000
        repeat {
            let chunk = Array(samples[offset..<min(samples.count, offset + window)])
            let result = try recognizer.transcribe(chunk, language: language)
            let base = Double(offset) / 16000
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "[%7.2f s] (%@, p=%.2f) %@", base, result.language, result.languageProbability, result.text))
                for word in result.words {
                    print(String(format: "    %7.2f–%7.2f  %@", base + word.start, base + word.end, word.text))
                }
            }
            offset += window
        } while offset < samples.count
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data(String(format: "%.1f s of audio in %.2f s (RTF %.3f), %@\n",
                                                   Double(samples.count) / 16000, seconds, seconds / max(0.001, Double(samples.count) / 16000),
                                                   recognizer.identity.description).utf8))
    }
}
