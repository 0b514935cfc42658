// Our Whisper on a set of clips, one transcription per clip (utterance-sized, as the live
// pipeline feeds it), with one decoding configuration. Prints one JSON line: seconds of audio,
// seconds of compute, peak memory, the transcripts, and how many first passes Whisper's
// quality gate rejected, for tools/asr/bench.py to compare with faster-whisper.
// Usage: bench-asr MODEL THREADS CONFIG LANGUAGE|auto CLIP.wav...
//   CONFIG: plain (greedy, no gate), greedy (no fallback; loops dropped), fallback (greedy, beam-search fallback),
//           beamN (beam search with N beams as the first pass) — all on Whisper's 30 s window with its 224-token limit and a Float decoder, as
//           the engine ran before those levers — and fit+MS[-minN] (the default: fit+1000-min6, a fitted encoder window with MS of padding, at least N s, the
//           full window when the gate rejects it, 20 tokens a second). TAPEDECK_BENCH_DECODER=float32|int8
//           overrides the decoder's weights for any configuration.
import Audio
import Foundation
import Recognition

BLASTuning.adoptBestCoreType()
let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 5, let threads = Int(args[1]) else {
    FileHandle.standardError.write(Data("usage: bench-asr MODEL THREADS plain|greedy|fallback|beamN LANGUAGE|auto CLIP.wav...\n".utf8))
    exit(2)
}
var options = WhisperOptions()
options.threads = threads
if WhisperOptions.EncoderWindow(args[2]) == nil {
    options.encoderWindow = .full
    options.maxTokensPerSecond = nil
    options.decoderWeights = .float32
}
if let precision = ProcessInfo.processInfo.environment["TAPEDECK_BENCH_DECODER"].flatMap(WhisperOptions.WeightPrecision.init(rawValue:)) {
    options.decoderWeights = precision
}
switch args[2] {
case "plain":  // the engine before the quality gate: greedy, no fallback, loops kept
    options.fallback = .none
    options.compressionRatioThreshold = .infinity
case "greedy": options.fallback = .none
case "fallback": options.fallback = .beam
case let beam where beam.hasPrefix("beam") && Int(beam.dropFirst(4)) != nil:
    options.decoding = .beam
    options.beamSize = Int(beam.dropFirst(4))!
    options.fallback = .none
case let fit where WhisperOptions.EncoderWindow(fit) != nil:  // the default, with a fitted encoder window: fit+1000 (ms of padding)
    options.encoderWindow = WhisperOptions.EncoderWindow(fit)!
default:
    FileHandle.standardError.write(Data("bench-asr: unknown configuration \(args[2])\n".utf8))
    exit(2)
}
let language = args[3] == "auto" ? nil : args[3]
let clips = try args.dropFirst(4).map { path -> [Float] in
    let audio = try WAVFile.read(URL(fileURLWithPath: path))
    return Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
}
let recognizer = try WhisperRecognizer(modelDirectory: try ModelStore.installed(args[0]), options: options)
_ = try recognizer.transcribe(Array(clips[0].prefix(16000)), language: language)  // warm-up
var results: [Transcription] = []
let start = Date()
for clip in clips { results.append(try recognizer.transcribe(clip, language: language)) }
let compute = Date().timeIntervalSince(start)
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let audioSeconds = clips.reduce(0.0) { $0 + Double($1.count) / 16000 }
// Only meaningful without a fallback: what it would have re-decoded.
let gated = results.filter {
    let verdict = options.gate.verdict(text: $0.text, averageLogProbability: $0.averageLogProbability, noSpeechProbability: $0.noSpeechProbability)
    return verdict == .repetitive || verdict == .unlikely
}.count
let result: [String: Any] = ["audio_s": audioSeconds, "compute_s": compute, "peak_rss_mb": Double(usage.ru_maxrss) / 1024,
                             "texts": results.map(\.text), "gated": gated, "empty": results.filter { $0.text.isEmpty }.count,
                             "no_speech": results.map { Double($0.noSpeechProbability) }, "avg_logprob": results.map { Double($0.averageLogProbability) }, "engine": recognizer.identity.description]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
