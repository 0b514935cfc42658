// --voices: speaker roles on mono calls with and without the voice cue. Every stereo call of the sets is spoken by two
// espeak-ng voices (one per role, chosen from the call id: half the calls a man and a woman, half two men or two women,
// each speaker with their own base pitch and a per-utterance wobble), band-limited to a telephone's 300–3400 Hz and
// sent as 8 kHz µ-law through the pipeline's audio stage, so the pitch is measured as the server measures it. The text
// is the gold transcript (no speech recognition: this isolates the roles), the channels are hidden, and the inferred
// roles are scored against the gold speakers. Audio is cached in ~/.cache/tapedeck/bench-voices (TAPEDECK_BENCH_VOICES).
import Analysis
import Audio
import Foundation

struct SpokenVoice: Hashable {
    var variant: String   // espeak-ng voice variant: m1…m7, f1…f5
    var pitch: Int        // espeak-ng -p, 0–99
    var female: Bool
}

enum VoicePairKind: String, CaseIterable { case mixed = "man+woman", same = "same gender" }

/// FNV-1a: a stable hash of a string, so a call gets the same voices on every run and machine.
func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

/// The agent's and the customer's voices for a call.
func voices(forCall id: String) -> (kind: VoicePairKind, agent: SpokenVoice, customer: SpokenVoice) {
    let h = stableHash(id)
    let males = ["m1", "m2", "m3", "m4", "m5", "m6", "m7"], females = ["f1", "f2", "f3", "f4", "f5"]
    let pattern = Int(h % 4)  // 0: agent woman, customer man; 1: the reverse; 2: two men; 3: two women
    let agentFemale = pattern == 0 || pattern == 3, customerFemale = pattern == 1 || pattern == 3
    func pick(_ female: Bool, _ salt: UInt64) -> SpokenVoice {
        let list = female ? females : males
        let k = Int((h >> salt) % UInt64(list.count))
        return SpokenVoice(variant: list[k], pitch: 30 + Int((h >> (salt + 8)) % 41), female: female)
    }
    let agent = pick(agentFemale, 8)
    var customer = pick(customerFemale, 24)
    if agent.variant == customer.variant {  // two people, two voices
        let list = customer.female ? females : males
        customer.variant = list[(list.firstIndex(of: customer.variant)! + 1) % list.count]
    }
    return (pattern < 2 ? .mixed : .same, agent, customer)
}

struct VoiceBench {
    let cache: URL
    let scratch: URL
    /// Each utterance's espeak-ng pitch is its speaker's ± up to this many steps: ±16 spreads one speaker's utterance
    /// pitches by about as much as real read speech over a telephone (VoiceDescriptorTests' reader).
    var wobbleRange = 16

    init() {
        let env = ProcessInfo.processInfo.environment
        cache = URL(fileURLWithPath: env["TAPEDECK_BENCH_VOICES"] ?? (NSHomeDirectory() + "/.cache/tapedeck/bench-voices"))
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bench-voices-\(getpid())")
        try? FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// 8 kHz µ-law audio of `text` in `voice`, synthesized once and cached.
    func audio(_ text: String, language: String, voice: SpokenVoice, wobble: Int) throws -> [UInt8] {
        let base = language == "tr" ? "tr" : "en-us"
        let pitch = max(0, min(99, voice.pitch + wobble))
        let key = String(stableHash("v2|\(base)+\(voice.variant)|\(pitch)|\(text)"), radix: 16)
        let file = cache.appendingPathComponent("\(key).ul")
        if let data = try? Data(contentsOf: file) { return [UInt8](data) }
        let wav = scratch.appendingPathComponent("\(key).wav"), part = scratch.appendingPathComponent("\(key).part")
        try run("/usr/bin/espeak-ng", ["-v", "\(base)+\(voice.variant)", "-p", String(pitch), "-s", "165", "-w", wav.path, text])
        try run("/usr/bin/sox", ["-D", wav.path, "-t", "raw", "-r", "8000", "-e", "mu-law", "-c", "1", part.path, "sinc", "300-3400"])
        try? FileManager.default.removeItem(at: wav)
        try FileManager.default.moveItem(at: part, to: file)
        return [UInt8](try Data(contentsOf: file))
    }

    func run(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "bench-voices", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "\(tool) failed; tools/setup installs espeak-ng and sox"])
        }
    }

    /// The pitch the server would attach: µ-law 8 kHz through the audio stage, then the voice descriptor.
    static func pitch(_ ulaw: [UInt8]) throws -> Double? {
        var stage = try AudioStage(format: AudioFormat(encoding: .pcmu, sampleRate: 8000, channels: 1))
        let samples = try stage.append(ulaw).channels[0] + stage.finish().channels[0]
        return VoiceDescriptor.describe(samples).reliablePitch
    }

    /// The call's utterances with the pitch each would carry on a mono line.
    func voiced(_ call: GoldCall) throws -> [TranscriptUtterance] {
        let pair = voices(forCall: call.id)
        return try call.utterances.map { u in
            let voice = u.speaker == .agent ? pair.agent : pair.customer
            let wobble = Int(stableHash("\(call.id)#\(u.index)") % UInt64(2 * wobbleRange + 1)) - wobbleRange
            var v = u
            v.pitch = try Self.pitch(audio(u.text, language: call.language, voice: voice, wobble: wobble))
            return v
        }
    }
}

func runVoiceRoles(sets: [(String, [GoldCall])], analyzer: CallAnalyzer, wobble: Int) {
    let bench = { var b = VoiceBench(); b.wobbleRange = wobble; return b }()
    defer { try? FileManager.default.removeItem(at: bench.scratch) }
    print("speaker roles on mono calls, spoken by two espeak-ng voices through a telephone band (channels hidden), pitch wobble ±\(wobble):")
    print("utterance accuracy from text alone → text and voice; share of calls whose roles are confident enough to use; calls where the pitch cue applied")
    let header = "set".padding(toLength: 12, withPad: " ", startingAt: 0) + "lang voices        calls  text   +voice  used: text  +voice  cue"
    print(header)
    var fieldRows: [String] = []
    for (name, calls) in sets {
        for lang in ["en", "tr"] {
            let stereo = calls.filter { $0.language == lang && !$0.utterances.contains { $0.speaker == .unknown } }
            guard !stereo.isEmpty else { continue }
            // Synthesis is the slow part (two processes per new utterance); two at a time on two cores.
            let results = Results(count: stereo.count)
            DispatchQueue.concurrentPerform(iterations: stereo.count) { k in results.set(k, try? bench.voiced(stereo[k])) }
            let voicedCalls = results.values
            // How the synthetic voices compare with real ones: one speaker's spread of utterance pitches (octaves, the
            // standard deviation within a role of a call) and the distance between the two speakers' medians.
            var spreads: [Double] = [], distances: [VoicePairKind: [Double]] = [:]
            for (k, call) in stereo.enumerated() {
                guard let spoken = voicedCalls[k] else { continue }
                var medians: [Double] = []
                for role in [SpeakerRole.agent, .customer] {
                    let v = spoken.filter { $0.speaker == role }.compactMap(\.pitch).map { log2($0) }
                    guard v.count >= 2 else { continue }
                    let m = v.reduce(0, +) / Double(v.count)
                    spreads.append((v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
                    medians.append(m)
                }
                if medians.count == 2 { distances[voices(forCall: call.id).kind, default: []].append(abs(medians[0] - medians[1])) }
            }
            func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
            print(String(format: "%@%@   within one speaker %.3f octave; between speakers: man+woman %.2f, same gender %.2f",
                         name.padding(toLength: 12, withPad: " ", startingAt: 0), lang, mean(spreads), mean(distances[.mixed] ?? []), mean(distances[.same] ?? [])))
            // What the roles are for: every field of the final analysis, on the same calls as stereo (channels known),
            // as a mono line read from text alone, and as a mono line with the voices' pitch.
            let spokenCalls = stereo.indices.compactMap { k -> (GoldCall, GoldCall, GoldCall)? in
                guard let spoken = voicedCalls[k] else { return nil }
                var text = stereo[k], voice = stereo[k]
                text.utterances = stereo[k].utterances.map { var u = $0; u.speaker = .unknown; return u }
                voice.utterances = spoken.map { var u = $0; u.speaker = .unknown; return u }
                return (stereo[k], text, voice)
            }
            for (label, calls) in [("stereo", spokenCalls.map(\.0)), ("mono, text", spokenCalls.map(\.1)), ("mono, +voice", spokenCalls.map(\.2))] {
                let report = GoldEvaluation.evaluate(calls, analyzer: analyzer)
                fieldRows.append(name.padding(toLength: 12, withPad: " ", startingAt: 0) + lang + "   " + label.padding(toLength: 14, withPad: " ", startingAt: 0)
                                 + report.fields.map { String(format: "%.2f", $0.accuracy).padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
            }
            for kind in VoicePairKind.allCases {
                var textRight = 0, voiceRight = 0, total = 0, textUsed = 0, voiceUsed = 0, cue = 0, n = 0
                for (k, call) in stereo.enumerated() where voices(forCall: call.id).kind == kind {
                    guard let spoken = voicedCalls[k] else { print("  \(call.id): synthesis failed; is espeak-ng installed?"); continue }
                    n += 1
                    let truth = Dictionary(uniqueKeysWithValues: call.utterances.map { ($0.index, $0.speaker) })
                    let plain = analyzer.inferredRoles(call.utterances), withVoice = analyzer.inferredRoles(spoken)
                    textRight += plain.turns.filter { truth[$0.turn] == $0.role }.count
                    voiceRight += withVoice.turns.filter { truth[$0.turn] == $0.role }.count
                    total += plain.turns.count
                    if plain.used { textUsed += 1 }
                    if withVoice.used { voiceUsed += 1 }
                    if withVoice.source == "text+voice" { cue += 1 }
                }
                guard n > 0 else { continue }
                let t = Double(max(total, 1)), c = Double(n)
                print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + lang + "   " + kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + String(format: "  %4d  %.3f → %.3f  %.2f → %.2f   %.2f", n, Double(textRight) / t, Double(voiceRight) / t,
                               Double(textUsed) / c, Double(voiceUsed) / c, Double(cue) / c))
            }
        }
    }
    print("\nthe final analysis of the same calls: stereo, mono from text alone, mono with the voices' pitch")
    print("set".padding(toLength: 12, withPad: " ", startingAt: 0) + "lang  " + "reading".padding(toLength: 14, withPad: " ", startingAt: 0)
          + GoldSet.fields.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
    for row in fieldRows { print(row) }
}

/// Per-call results filled in by concurrent workers.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [[TranscriptUtterance]?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ value: [TranscriptUtterance]?) { lock.lock(); storage[k] = value; lock.unlock() }
    var values: [[TranscriptUtterance]?] { lock.lock(); defer { lock.unlock() }; return storage }
}
