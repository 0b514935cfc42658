// A writer that never closes its journal, for the crash-recovery test: it appends records
// until killed and reports on stdout how many records each flushed block made durable.
import Foundation
import Journal

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: tapedeck-journal-probe OUTPUT.tdj\n".utf8))
    exit(2)
}
let url = URL(fileURLWithPath: arguments[1])
do {
    let writer = try JournalWriter(url: url, sessionId: "probe", policy: .interval(seconds: 0.05, bytes: 32 << 10))
    var durable = writer.durableLength
    var audio = [UInt8](repeating: 0, count: 3200)
    var i: UInt64 = 0
    while true {
        for j in audio.indices { audio[j] = UInt8(truncatingIfNeeded: (i &* 31 &+ UInt64(j) &* 7) >> 2) }
        try writer.append(i % 5 == 0 ? .inboundText : .inboundBinary, receivedAt: Int64(i),
                          payload: i % 5 == 0 ? Array("{\"type\":\"ping\",\"seq\":\(i)}".utf8) : audio)
        i += 1
        if writer.durableLength != durable {
            durable = writer.durableLength
            // Everything appended before the flush that just happened is on disk.
            print("durable \(writer.recordCount)")
            fflush(stdout)
        }
        usleep(200)
    }
} catch {
    FileHandle.standardError.write(Data("tapedeck-journal-probe: \(error)\n".utf8))
    exit(1)
}
