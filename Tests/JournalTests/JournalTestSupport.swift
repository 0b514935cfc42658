import Foundation
import TapedeckTesting
@testable import Journal

/// A fresh directory per test, removed when the test is done with it.
/// A deterministic mix of records like a real session's: header, JSON messages, audio, outbound.
func sampleRecords(count: Int, audioBytes: Int = 640) -> [(RecordType, RecordFlags, Int64, [UInt8])] {
    var generator = SplitMix64(seed: 42)
    var records: [(RecordType, RecordFlags, Int64, [UInt8])] = []
    records.append((.sessionHeader, [], 1_700_000_000_000_000, Array(#"{"dialect":"seed","org":"acme"}"#.utf8)))
    for i in 0..<count {
        let t = Int64(1_700_000_000_000_000 + i * 20_000)
        switch i % 4 {
        case 0: records.append((.inboundText, [], t, Array(#"{"type":"ping","seq":\#(i)}"#.utf8)))
        case 1, 2:
            let audio = (0..<audioBytes).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
            records.append((.inboundBinary, [], t, audio))
        default: records.append((.outbound, [], t, Array(#"{"type":"pong","clientseq":\#(i)}"#.utf8)))
        }
    }
    records.append((.transportClosed, [], 1_700_000_100_000_000, Array(#"{"reason":"client closed"}"#.utf8)))
    return records
}

@discardableResult
func writeJournal(_ url: URL, records: [(RecordType, RecordFlags, Int64, [UInt8])], policy: SyncPolicy = .always,
                  key: JournalKey? = nil, sessionId: String = "session-1") throws -> JournalFooter {
    let writer = try JournalWriter(url: url, sessionId: sessionId, policy: policy, key: key)
    for (type, flags, time, payload) in records {
        try writer.append(type, flags: flags, receivedAt: time, payload: payload)
    }
    return try writer.close(receivedAt: 1_700_000_200_000_000)
}

/// File offsets where each block (LZ4 frame) starts, found by scanning prefixes.
func blockOffsets(_ url: URL) throws -> [Int] {
    let bytes = try [UInt8](Data(contentsOf: url))
    let headerLength = 8 + Int(UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24)
    var offsets: [Int] = []
    var offset = headerLength
    let decoder = try LZ4Frames.Decoder()
    var out: [UInt8] = []
    try bytes.withUnsafeBytes { raw in
        while offset < raw.count {
            offsets.append(offset)
            guard case .success(let n) = decoder.decodeFrame(raw, at: offset, into: &out) else {
                throw JournalError.notAJournal("test fixture does not decode")
            }
            offset += n
        }
    }
    return offsets
}

/// Each block of a journal: where it starts, its first sequence number and how many records
/// (footer not counted) it holds.
func blockLayout(_ url: URL) throws -> [(offset: Int, firstSequence: UInt64, records: Int, hasFooter: Bool)] {
    let bytes = try [UInt8](Data(contentsOf: url))
    let decoder = try LZ4Frames.Decoder()
    return try bytes.withUnsafeBytes { raw in
        try blockOffsets(url).map { offset in
            guard case .success(let block) = JournalBlock.decode(raw, at: offset, decoder: decoder) else {
                throw JournalError.notAJournal("test fixture does not decode")
            }
            return (offset, block.firstSequence ?? 0, block.records.count, block.footer != nil)
        }
    }
}
