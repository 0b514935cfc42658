import CLZ4

/// Standard LZ4 frames, one per journal block, so `lz4 -dc` can read a journal.
enum LZ4Frames {
    static let frameMagic: UInt32 = 0x184D_2204
    static let skippableMagic: UInt32 = 0x184D_2A50
    private static let apiVersion: UInt32 = 100  // LZ4F_VERSION

    /// Compresses `source` into one frame with a content checksum and the content size recorded.
    /// `scratch` is reused between calls so a block costs no allocation; returns the frame's length
    /// (the frame is `scratch[0..<length]`).
    static func compress(_ source: UnsafeRawBufferPointer, scratch: inout [UInt8]) throws -> Int {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max256KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.contentSize = UInt64(source.count)
        let bound = LZ4F_compressFrameBound(source.count, &preferences)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: max(bound, scratch.count * 2)) }
        let written = scratch.withUnsafeMutableBytes { dst in
            LZ4F_compressFrame(dst.baseAddress!, bound, source.baseAddress, source.count, &preferences)
        }
        if LZ4F_isError(written) != 0 {
            throw JournalError.compression(String(cString: LZ4F_getErrorName(written)))
        }
        return written
    }

    /// Appends one compressed frame holding `source` to `output`.
    static func compress(_ source: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        var scratch: [UInt8] = []
        let length = try compress(source, scratch: &scratch)
        output.append(contentsOf: scratch[0..<length])
    }

    enum DecodeFailure: Error, Equatable {
        /// The frame ends beyond the end of the file: a torn write.
        case truncated
        /// The bytes are not a valid frame (bad magic, corrupt data, checksum mismatch).
        case corrupt(String)
    }

    /// A reusable decompression context. Decodes exactly one frame starting at `offset`.
    final class Decoder {
        private var context: OpaquePointer?

        init() throws {
            let code = LZ4F_createDecompressionContext(&context, LZ4Frames.apiVersion)
            if LZ4F_isError(code) != 0 { throw JournalError.compression(String(cString: LZ4F_getErrorName(code))) }
        }

        deinit { LZ4F_freeDecompressionContext(context) }

        /// Returns the decoded content and the number of source bytes the frame occupies.
        func decodeFrame(_ source: UnsafeRawBufferPointer, at offset: Int, into output: inout [UInt8]) -> Result<Int, DecodeFailure> {
            LZ4F_resetDecompressionContext(context)
            output.removeAll(keepingCapacity: true)
            let available = source.count - offset
            guard available >= 7 else { return .failure(.truncated) }
            guard readLE(UInt32.self, source, offset) == LZ4Frames.frameMagic else {
                return .failure(.corrupt("not an LZ4 frame (bad magic number)"))
            }
            var info = LZ4F_frameInfo_t()
            var consumedHeader = available
            let hint = LZ4F_getFrameInfo(context, &info, source.baseAddress! + offset, &consumedHeader)
            if LZ4F_isError(hint) != 0 {
                let name = String(cString: LZ4F_getErrorName(hint))
                return .failure(name.contains("rameHeader_incomplete") || name.contains("srcSize_wrong") ? .truncated : .corrupt(name))
            }
            var position = offset + consumedHeader
            // The size is 64 raw bits from the file: `Int(_:)` would trap above Int64.max.
            guard let expected = Int(exactly: info.contentSize), expected > 0, expected <= RecordCodec.maxPayload + (1 << 20) else {
                return .failure(.corrupt("frame without a plausible content size"))
            }
            output = [UInt8](repeating: 0, count: expected)
            var produced = 0
            while true {
                var sourceSize = source.count - position
                var destinationSize = expected - produced
                let result = output.withUnsafeMutableBytes { dst in
                    LZ4F_decompress(context, dst.baseAddress! + produced, &destinationSize,
                                    source.baseAddress! + position, &sourceSize, nil)
                }
                if LZ4F_isError(result) != 0 {
                    return .failure(.corrupt(String(cString: LZ4F_getErrorName(result))))
                }
                position += sourceSize
                produced += destinationSize
                if result == 0 { break }  // frame complete, checksum verified
                if position >= source.count { return .failure(.truncated) }
                if sourceSize == 0 && destinationSize == 0 {
                    return .failure(.corrupt("decoder made no progress"))
                }
            }
            guard produced == expected else { return .failure(.corrupt("content size mismatch")) }
            return .success(position - offset)
        }
    }
}
