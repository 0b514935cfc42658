import NIOCore
import Testing
@testable import Server

/// The wire-level mask check must find frame boundaries however TCP splits the bytes.
@Suite struct ClientFrameScannerTests {
    static let masked: [UInt8] = RawSocket.frame(opcode: 0x2, payload: Array(repeating: 7, count: 300))
        + RawSocket.frame(opcode: 0x9, payload: [1, 2, 3])
        + RawSocket.frame(opcode: 0x2, payload: Array(repeating: 9, count: 70_000))

    static func firstUnmasked(_ bytes: [UInt8], chunk: Int) -> Int? {
        var scanner = ClientFrameScanner()
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(offset + chunk, bytes.count)])
            if let found = scanner.scan(ByteBuffer(bytes: piece).readableBytesView) { return offset + found }
            offset += piece.count
        }
        return nil
    }

    @Test(arguments: [1, 2, 3, 5, 13, 4096, 1 << 20])
    func maskedFramesPassAndAnUnmaskedOneIsFoundAtItsStart(chunk: Int) {
        #expect(Self.firstUnmasked(Self.masked, chunk: chunk) == nil)
        let bad = Self.masked + RawSocket.frame(opcode: 0x1, payload: Array("x".utf8), masked: false)
        let found = Self.firstUnmasked(bad, chunk: chunk)
        // Where the bad header starts, or the start of the chunk holding its second byte (the mask
        // bit) when its first byte came in an earlier chunk: either way no byte of it is let through
        // but that first one, which cannot be decoded alone.
        #expect(found == Self.masked.count || found == Self.masked.count + 1)
    }
}
