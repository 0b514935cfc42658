import ArgumentParser
import Audio
import Foundation
import Pipeline
import Recognition

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe a WAV file with the built-in Whisper engine.",
        discussion: "Files of any length: 30 s windows decoded with timestamps, word times from cross-attention alignment.")

    @Argument(help: "WAV file (any rate and channel count; channels are mixed).") var file: String
    @Option(help: "Installed model (tools/fetch-models): base, tiny.en.") var model = "base"
    @Option(help: "Language code (en, tr, …); omit to detect.") var language: String?
    @Option(help: "Languages auto-detection chooses among, comma-separated, or 'all' for every language the model knows (default: en,tr, as the server).")
    var detect = SessionEnvironment.languages.joined(separator: ",")
    @Option(help: "Matrix threads.") var threads = 2
    @Option(help: "First decoding pass: greedy or beam.") var decoding = WhisperOptions.Decoding.greedy
    @Option(help: "Hypotheses kept by beam search, as first pass or fallback.") var beamSize = 5
    @Option(help: "When Whisper's quality gate rejects a window (repetition loop, average log-probability below -1): none keeps it, beam decodes it again with beam search.")
    var fallback = WhisperOptions.Fallback.beam
    @Option(help: "Numeric kernels: portable (OpenBLAS Haswell + AVX2, every x86-64-v3 CPU) or native (the fastest this CPU has). Default: portable, or OPENBLAS_CORETYPE when set.")
    var kernels: KernelPolicy?
    @Flag(help: "Print JSON lines (one segment each) instead of text.") var json = false
    @Flag(help: "Print each word with its times.") var words = false

    func run() throws {
        let audio = try WAVFile.read(URL(fileURLWithPath: file))
        let samples = Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
        // Detection among all 99 Whisper languages mistakes accented or synthetic Turkish for
        // Romanian, Armenian or Arabic; the product only transcribes en and tr.
        let detectable = detect == "all" ? nil : detect.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var options = WhisperOptions()
        options.threads = threads
        options.detectableLanguages = detectable
        options.decoding = decoding
        options.beamSize = max(1, beamSize)
        options.fallback = fallback
        options.encoderWindow = .full  // long-form decoding always runs Whisper's 30 s windows
        let recognizer = try WhisperRecognizer(modelDirectory: try ModelStore.installed(model), options: options)
        let started = Date()
        let segments = try recognizer.transcribeLong(samples, language: language)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for segment in segments {
            if json {
                print(String(decoding: try encoder.encode(segment), as: UTF8.self))
                continue
            }
            print(String(format: "[%7.2f – %7.2f] (%@) %@", segment.start, segment.end, segment.language, segment.text))
            if words {
                for word in segment.words {
                    print(String(format: "    %7.2f – %7.2f  %@  (p=%.2f)", word.start, word.end, word.text, word.probability))
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let duration = Double(samples.count) / 16000
        FileHandle.standardError.write(Data(String(format: "%.1f s of audio in %.2f s (RTF %.3f), %@\n",
                                                   duration, seconds, seconds / max(0.001, duration), recognizer.identity.description).utf8))
    }
}
