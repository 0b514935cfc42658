import Audio
import Foundation
import Journal
import Pipeline

/// A call's audio, rendered from its journal: every inbound audio frame through the same
/// `AudioStage` the live session used (decoded, resampled to 16 kHz), written as a 16-bit PCM WAV
/// with the call's channels. Nothing is stored twice: the journal is the recording.
enum JournalAudio {
    enum Failure: Error { case notAJournal, noMedia }

    /// The WAV bytes of the journal at `url`, if its header says it belongs to `organization`.
    static func wav(journal url: URL, key: JournalKey?, organization: String) throws -> [UInt8] {
        let cursor = try JournalCursor(url: url, key: key)
        guard let first = cursor.next(), first.type == .sessionHeader else { throw Failure.notAJournal }
        let header = try SessionHeader.decode(first.payload)
        guard header.facts.organization == organization else { throw Failure.notAJournal }
        guard let negotiated = try? JSONSerialization.jsonObject(with: Data(header.negotiated.utf8)) as? [String: Any],
              let media = negotiated["media"] as? [String: Any],
              let encoding = (media["encoding"] as? String).flatMap(AudioEncoding.init(rawValue:)),
              let rate = media["rate"] as? Int, let names = media["channels"] as? [Any], !names.isEmpty else { throw Failure.noMedia }
        var stage = try AudioStage(format: AudioFormat(encoding: encoding, sampleRate: rate, channels: names.count))
        var channels = [[Float]](repeating: [], count: names.count)
        while let record = cursor.next() {
            guard record.type == .inboundBinary, let chunk = try? stage.append(record.payload) else { continue }
            for (index, samples) in chunk.channels.enumerated() where index < channels.count { channels[index] += samples }
        }
        return encode(channels, sampleRate: AudioStage.outputRate)
    }

    /// 16-bit PCM WAV, channels interleaved (RIFF, `fmt ` and `data` chunks only).
    static func encode(_ channels: [[Float]], sampleRate: Int) -> [UInt8] {
        let frames = channels.map(\.count).min() ?? 0
        let count = channels.count
        let dataBytes = frames * count * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataBytes)
        func u32(_ v: Int) { out += withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
        func u16(_ v: Int) { out += withUnsafeBytes(of: UInt16(v).littleEndian, Array.init) }
        out += Array("RIFF".utf8); u32(36 + dataBytes); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); u32(16); u16(1); u16(count); u32(sampleRate); u32(sampleRate * count * 2); u16(count * 2); u16(16)
        out += Array("data".utf8); u32(dataBytes)
        for frame in 0..<frames {
            for channel in 0..<count {
                let value = Int16(max(-1, min(1, channels[channel][frame])) * 32767)
                u16(Int(UInt16(bitPattern: value)))
            }
        }
        return out
    }
}
