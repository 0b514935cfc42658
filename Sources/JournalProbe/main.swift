// Writers that never close their journal, for the crash-recovery tests; they append until killed.
//
//   tapedeck-journal-probe OUTPUT.tdj          synchronous writer, 50 ms group commit; prints
//                                              "durable N" whenever a flush made N records durable
//   tapedeck-journal-probe --paced OUTPUT.tdj  the server's AsyncJournalWriter with the default
//                                              policy, fed like a call (20 ms audio frames in bursts,
//                                              silences between them); prints "appended SEQ MICROS"
//                                              for every record and "silence MICROS" when one starts
import Foundation
import Journal

func audio(_ i: UInt64) -> [UInt8] {
    (0..<3200).map { j in UInt8(truncatingIfNeeded: (i &* 31 &+ UInt64(j) &* 7) >> 2) }
}

func runSynchronous(_ url: URL) throws -> Never {
    let writer = try JournalWriter(url: url, sessionId: "probe", policy: .interval(seconds: 0.05, bytes: 32 << 10))
    var durable = writer.durableLength
    var i: UInt64 = 0
    while true {
        try writer.append(i % 5 == 0 ? .inboundText : .inboundBinary, receivedAt: Int64(i),
                          payload: i % 5 == 0 ? Array("{\"type\":\"ping\",\"seq\":\(i)}".utf8) : audio(i))
        i += 1
        if writer.durableLength != durable {
            durable = writer.durableLength
            // Everything appended before the flush that just happened is on disk.
            print("durable \(writer.recordCount)")
            fflush(nil)  // nil flushes every stream (Swift 6 refuses the C global `stdout`)
        }
        usleep(200)
    }
}

/// Bursts end at every phase of the group commit, and the silences after them are longer than
/// the flush interval, which is when a record waits longest for its block.
func runPaced(_ url: URL) throws -> Never {
    let writer = try AsyncJournalWriter(url: url, sessionId: "probe", policy: .default)
    let bursts = [7, 31, 12, 55, 3, 24, 40, 1, 18, 9]
    let silences: [UInt32] = [1_300_000, 450_000, 1_700_000, 1_100_000, 800_000]
    var i: UInt64 = 0
    var round = 0
    while true {
        for _ in 0..<bursts[round % bursts.count] {
            let now = wallClockMicroseconds()
            writer.append(.inboundBinary, receivedAt: now, payload: audio(i))
            print("appended \(i) \(now)")
            fflush(nil)
            i += 1
            usleep(20_000)
        }
        print("silence \(wallClockMicroseconds())")
        fflush(nil)
        usleep(silences[round % silences.count])
        round += 1
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.count {
    case 1: try runSynchronous(URL(fileURLWithPath: arguments[0]))
    case 2 where arguments[0] == "--paced": try runPaced(URL(fileURLWithPath: arguments[1]))
    default:
        FileHandle.standardError.write(Data("usage: tapedeck-journal-probe [--paced] OUTPUT.tdj\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("tapedeck-journal-probe: \(error)\n".utf8))
    exit(1)
}
