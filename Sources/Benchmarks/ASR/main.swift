// Our Whisper on a set of clips, one transcription per clip (utterance-sized, as the live
// pipeline feeds it). Prints one JSON line: seconds of audio, seconds of compute, peak memory,
// and the transcripts, for tools/bench-asr to compare with faster-whisper.
// Usage: bench-asr MODEL THREADS LANGUAGE|auto CLIP.wav...
import Audio
import Foundation
import Recognition

BLASTuning.adoptBestCoreType()
let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 4, let threads = Int(args[1]) else {
    FileHandle.standardError.write(Data("usage: bench-asr MODEL THREADS LANGUAGE|auto CLIP.wav...\n".utf8))
    exit(2)
}
let language = args[2] == "auto" ? nil : args[2]
let clips = try args.dropFirst(3).map { path -> [Float] in
    let audio = try WAVFile.read(URL(fileURLWithPath: path))
    return Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
}
let recognizer = try WhisperRecognizer(model: args[0], threads: threads)
_ = try recognizer.transcribe(Array(clips[0].prefix(16000)), language: language)  // warm-up
var texts: [String] = []
let start = Date()
for clip in clips { texts.append(try recognizer.transcribe(clip, language: language).text) }
let compute = Date().timeIntervalSince(start)
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let audioSeconds = clips.reduce(0.0) { $0 + Double($1.count) / 16000 }
let result: [String: Any] = ["audio_s": audioSeconds, "compute_s": compute, "peak_rss_mb": Double(usage.ru_maxrss) / 1024, "texts": texts]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
