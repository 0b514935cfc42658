/// Everything that can go wrong while decoding, resampling or reading audio.
/// Messages say what was wrong and what the caller can do about it.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A raw frame whose byte count is not a whole number of sample frames (all channels).
    case invalidFrameLength(bytes: Int, bytesPerFrame: Int)
    /// A format the stage cannot handle (rate, channel count, encoding combination).
    case unsupportedFormat(String)
    /// A gap with a negative length.
    case negativeGap(Int64)
    /// The file does not start with `RIFF....WAVE`.
    case notWAV
    /// A WAV file with no `fmt ` chunk before its `data` chunk.
    case missingFormatChunk
    /// A WAV file without a `data` chunk.
    case missingDataChunk
    /// A chunk (or the header) claims more bytes than the file holds.
    case truncated(chunk: String, declared: Int, available: Int)
    /// A WAV sample encoding this reader does not decode.
    case unsupportedWAVEncoding(formatTag: UInt16, bitsPerSample: Int)
    /// A `fmt ` chunk with impossible values (zero channels, zero rate, block align mismatch …).
    case invalidWAVHeader(String)
    /// Channels passed to the WAV writer have different lengths.
    case channelLengthMismatch

    public var description: String {
        switch self {
        case let .invalidFrameLength(bytes, bytesPerFrame):
            return "Binary data not a valid audio frame: \(bytes) bytes is not a multiple of \(bytesPerFrame) (channels × bytes per sample); send whole samples for all channels"
        case let .unsupportedFormat(why):
            return "Unsupported audio format: \(why)"
        case let .negativeGap(n):
            return "Gap of \(n) samples is negative; gaps report paused or discarded time and must be ≥ 0"
        case .notWAV:
            return "Not a WAV file: expected a RIFF header with form type WAVE"
        case .missingFormatChunk:
            return "Malformed WAV file: no 'fmt ' chunk before the 'data' chunk"
        case .missingDataChunk:
            return "Malformed WAV file: no 'data' chunk"
        case let .truncated(chunk, declared, available):
            return "Truncated WAV file: chunk '\(chunk)' declares \(declared) bytes but only \(available) remain"
        case let .unsupportedWAVEncoding(tag, bits):
            return "Unsupported WAV encoding: format tag \(tag) with \(bits) bits per sample (supported: PCM 8/16/24/32-bit, IEEE float 32-bit, µ-law 8-bit); convert with e.g. `sox in.wav -e signed -b 16 out.wav`"
        case let .invalidWAVHeader(why):
            return "Malformed WAV 'fmt ' chunk: \(why)"
        case .channelLengthMismatch:
            return "Cannot write WAV: all channels must hold the same number of samples"
        }
    }
}
