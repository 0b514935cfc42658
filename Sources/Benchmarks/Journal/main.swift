// Journal throughput against the lz4 command-line tool on the same bytes, in the same run.
// Usage: bench-journal SPEECH.raw [--mb 200] [--dir DIR]
//   SPEECH.raw: 16 kHz mono PCM16LE speech (tools/bench makes it with espeak-ng).
import Foundation
import Journal

struct Options {
    var speech: String
    var megabytes = 200
    var directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-bench-journal").path
}

func parse() -> Options {
    var args = Array(CommandLine.arguments.dropFirst())
    guard !args.isEmpty else {
        FileHandle.standardError.write(Data("usage: bench-journal SPEECH.raw [--mb N] [--dir DIR]\n".utf8))
        exit(2)
    }
    var options = Options(speech: args.removeFirst())
    while !args.isEmpty {
        let flag = args.removeFirst()
        guard let value = args.first else { break }
        args.removeFirst()
        switch flag {
        case "--mb": options.megabytes = Int(value) ?? options.megabytes
        case "--dir": options.directory = value
        default: break
        }
    }
    return options
}

func now() -> Double { Double(JournalWriter.monotonicNow()) / 1e9 }

/// A realistic session: 500 ms PCM frames of speech with telephone-like noise, each followed by
/// a JSON message the way a live session interleaves transcripts and protocol traffic.
func makeRecords(speech: [Int16], totalBytes: Int) -> [(RecordType, [UInt8])] {
    var records: [(RecordType, [UInt8])] = [(.sessionHeader, Array(#"{"dialect":"seed","org":"bench"}"#.utf8))]
    var state: UInt64 = 0x1234_5678
    var position = 0
    var bytes = 0
    var frame = [UInt8](repeating: 0, count: 16000)
    var index = 0
    while bytes < totalBytes {
        for i in 0..<8000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Int32(truncatingIfNeeded: Int64(state >> 33) % 17) - 8
            let sample = Int32(speech[(position + i) % speech.count]) + noise
            let clipped = Int16(clamping: sample)
            frame[2 * i] = UInt8(truncatingIfNeeded: clipped)
            frame[2 * i + 1] = UInt8(truncatingIfNeeded: clipped >> 8)
        }
        position += 8000
        records.append((.inboundBinary, frame))
        let json: String
        if index % 2 == 0 {
            json = #"{"version":"2","type":"event","id":"6f1c0b1e-2d1a-4c55-9a43-0c2b9d7d11aa","seq":\#(index),"parameters":{"entity":{"type":"transcript","value":"thanks for calling, how can I help you with your account today \#(index)"},"analysis":{"summary":"customer asks about a bill","sentiment":"neutral","emotion":"calm","agent_score":4}}}"#
        } else {
            json = #"{"version":"2","type":"ping","id":"6f1c0b1e-2d1a-4c55-9a43-0c2b9d7d11aa","seq":\#(index),"serverseq":\#(index - 1),"position":"PT\#(index / 2).5S","parameters":{}}"#
        }
        records.append((index % 2 == 0 ? .outbound : .inboundText, Array(json.utf8)))
        bytes += 16000 + json.utf8.count + 2 * RecordCodec.headerSize
        index += 1
    }
    return records
}

func time(_ label: String, _ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}

func run(_ tool: String, _ arguments: [String], stdout: URL? = nil) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let stdout { process.standardOutput = try FileHandle(forWritingTo: stdout) }
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "bench", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "\(tool) failed"])
    }
}

let options = parse()
let speechData = try Data(contentsOf: URL(fileURLWithPath: options.speech))
let speech: [Int16] = speechData.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
let dir = URL(fileURLWithPath: options.directory)
try? FileManager.default.removeItem(at: dir)
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let records = makeRecords(speech: speech, totalBytes: options.megabytes << 20)

// The raw record stream the journal holds (what `lz4 -dc journal.tdj` prints), for the lz4 CLI.
var raw: [UInt8] = []
for (i, (type, payload)) in records.enumerated() {
    RecordCodec.encode(JournalRecord(type: type, sequence: UInt64(i), receivedAt: Int64(i) * 500_000, payload: payload), into: &raw)
}
let rawURL = dir.appendingPathComponent("records.raw")
try Data(raw).write(to: rawURL)
let megabytes = Double(raw.count) / 1e6
print("journal benchmark: \(records.count) records, \(String(format: "%.1f", megabytes)) MB of records (\(speech.count / 16000) s of speech looped with noise)")

func append(policy: SyncPolicy, name: String) throws -> (Double, URL) {
    let url = dir.appendingPathComponent(name)
    let seconds = try time(name) {
        let writer = try JournalWriter(url: url, sessionId: "bench", policy: policy)
        for (i, (type, payload)) in records.enumerated() {
            try writer.append(type, receivedAt: Int64(i) * 500_000, payload: payload)
        }
        try writer.close(receivedAt: 0)
    }
    return (seconds, url)
}

// Best of three, alternating ours and the anchor, so a burst of load elsewhere on the machine
// does not land on one side only.
var appendSync = Double.infinity, appendNoSync = Double.infinity, replay = Double.infinity
var lz4Compress = Double.infinity, lz4Decompress = Double.infinity
var journalURL = dir
let compressedURL = dir.appendingPathComponent("records.raw.lz4")
for round in 0..<3 {
    for name in ["interval.tdj", "never.tdj"] { try? FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
    let (a, url) = try append(policy: .default, name: "interval.tdj")
    appendSync = min(appendSync, a)
    journalURL = url
    appendNoSync = min(appendNoSync, try append(policy: .never, name: "never.tdj").0)
    lz4Compress = min(lz4Compress, try time("lz4 -1") { try run("lz4", ["-q", "-1", "-f", rawURL.path, compressedURL.path]) })
    var replayed = 0
    replay = min(replay, try time("replay") {
        let scan = try JournalReader.scan(journalURL) { replayed += $0.payload.count }
        precondition(scan.isSealedAndIntact)
    })
    lz4Decompress = min(lz4Decompress, try time("lz4 -dc") { try run("lz4", ["-q", "-dc", compressedURL.path], stdout: URL(fileURLWithPath: "/dev/null")) })
    _ = round
}
let journalSize = (try FileManager.default.attributesOfItem(atPath: journalURL.path)[.size] as? Int) ?? 0

func rate(_ seconds: Double) -> String { String(format: "%7.0f MB/s", megabytes / seconds) }
func ratio(_ ours: Double, _ anchor: Double) -> String { String(format: "%.2fx", anchor / ours) }
print("""
  best of 3 runs each
  append, group commit (fdatasync ≤1 s/256 KiB) \(rate(appendSync))   \(ratio(appendSync, lz4Compress)) of lz4 CLI compress
  append, no fsync                              \(rate(appendNoSync))   \(ratio(appendNoSync, lz4Compress)) of lz4 CLI compress
  replay (decode, CRC, hash chain, footer)      \(rate(replay))   \(ratio(replay, lz4Decompress)) of lz4 CLI decompress
  lz4 CLI compress   (lz4 -1, file to file)     \(rate(lz4Compress))
  lz4 CLI decompress (lz4 -dc to /dev/null)     \(rate(lz4Decompress))
  compression ratio  \(String(format: "%.3f", Double(raw.count) / Double(max(journalSize, 1))))  (journal \(journalSize) bytes)
""")
try? FileManager.default.removeItem(at: dir)
