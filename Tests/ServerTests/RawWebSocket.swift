import Foundation
import TapedeckTesting
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client made of a bare TCP socket, for tests that break the protocol's rules on
/// purpose (unmasked frames, floods, never reading, never finishing the request head): things a
/// client library refuses to do. Every call blocks; run it through `RawSocket.offPool`.
// Unchecked: `pending` is touched only by the one off-pool thread a test drives the socket from at a time.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    init?(port: Int) {
        guard let fd = Loopback.connect(port: port) else { return nil }
        self.fd = fd
        setTimeouts(receive: 5, send: 5)
    }

    deinit { close(fd) }

    /// Blocking socket calls run on a thread of their own: the concurrency pool has one thread
    /// per core and the server under test needs them.
    static func offPool<T>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    func setTimeouts(receive: Double, send: Double) {
        for (option, seconds) in [(SO_RCVTIMEO, receive), (SO_SNDTIMEO, send)] {
            var value = timeval(tv_sec: Int(seconds), tv_usec: Int(seconds.truncatingRemainder(dividingBy: 1) * 1e6))
            setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    /// False when the peer has gone or the send timed out before everything was taken.
    @discardableResult
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Sends as much of `bytes` as the socket takes now; -1 when the peer has gone.
    func sendSome(_ bytes: [UInt8]) -> Int {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return 0 }
        return n
    }

    /// Fills `pending` with at least `count` bytes; false on end of stream, error or timeout.
    private func fill(_ count: Int) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while pending.count < count {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            pending += buffer[0..<n]
        }
        return true
    }

    /// True when the server closed the connection (end of stream or reset) rather than timing out.
    func readUntilClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET || errno == EPIPE }
        }
    }

    /// The request head as the raw client writes it.
    static func upgradeRequest(path: String, port: Int, extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n"
    }

    /// Sends an upgrade request and returns the response's status code (nil when none came).
    func upgrade(path: String, port: Int) -> Int? {
        guard sendAll(Array(Self.upgradeRequest(path: path, port: port).utf8)) else { return nil }
        return responseStatus()
    }

    /// Reads one HTTP response head; bytes after it stay buffered for `readFrame`.
    func responseStatus() -> Int? {
        guard let parts = responseHead()?.split(separator: " "), parts.count >= 2 else { return nil }
        return Int(parts[1])
    }

    /// One HTTP response head as text (status line and header lines).
    func responseHead() -> String? {
        let end: [UInt8] = [13, 10, 13, 10]
        var searched = 0
        while true {
            if pending.count >= 4 {
                for i in max(0, searched - 3)...(pending.count - 4) where Array(pending[i..<i + 4]) == end {
                    let head = String(decoding: pending[0..<i], as: UTF8.self)
                    pending.removeFirst(i + 4)
                    return head
                }
                searched = pending.count
            }
            guard fill(pending.count + 1) else { return nil }
        }
    }

    static func frame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        bytes += key
        for (i, byte) in payload.enumerated() { bytes.append(byte ^ key[i & 3]) }
        return bytes
    }

    /// The next frame from the server (servers never mask); nil at end of stream or timeout.
    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        guard fill(2) else { return nil }
        var length = Int(pending[1] & 0x7F)
        var header = 2
        if length == 126 {
            guard fill(4) else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            header = 4
        } else if length == 127 {
            guard fill(10) else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            header = 10
        }
        guard fill(header + length) else { return nil }
        let frame = (opcode: pending[0] & 0x0F, payload: Array(pending[header..<header + length]))
        pending.removeFirst(header + length)
        return frame
    }

    /// Reads frames until the server's close frame and returns its status code.
    func closeCode() -> UInt16? {
        while let frame = readFrame() {
            if frame.opcode == 0x8 {
                return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            }
        }
        return nil
    }
}

/// This process's resident set, in MiB (the server under test runs in it).
func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
    return 0
}
