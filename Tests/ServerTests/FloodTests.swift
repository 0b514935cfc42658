import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import Journal
import Pipeline
@testable import Server

/// What one flood did to the server's memory (this process's resident set, MiB).
struct FloodFigures: CustomStringConvertible {
    var before = 0.0
    var peak = 0.0
    var after = 0.0
    var sentBytes = 0
    /// The server closed the connection while we were still sending.
    var dropped = false

    var description: String {
        String(format: "RSS before %.0f MiB, peak %.0f MiB, after %.0f MiB; sent %.0f MB; dropped by the server: %@",
               before, peak, after, Double(sentBytes) / 1e6, dropped ? "yes" : "no")
    }
}

/// One client must not take the server's memory: floods from a raw socket on loopback, bounded
/// in time and volume, while this process's RSS (the server runs in it) is sampled.
@Suite(.serialized) struct FloodTests {
    static let openMessage = #"{"type":"open","id":"flood","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}]}}"#

    /// Sends `frame` back to back for at most `seconds` or `maxBytes`, never reading.
    static func flood(_ socket: RawSocket, frame: [UInt8], seconds: Double, maxBytes: Int) async throws -> FloodFigures {
        let figures = NIOLockedValueBox(FloodFigures())
        let sampling = NIOLockedValueBox(true)
        let start = residentMegabytes()
        figures.withLockedValue { $0.before = start; $0.peak = start }
        let sampler = Thread {
            while sampling.withLockedValue({ $0 }) {
                let now = residentMegabytes()
                figures.withLockedValue { $0.peak = max($0.peak, now) }
                usleep(50_000)
            }
        }
        sampler.start()
        let sent = try await RawSocket.offPool { () -> (Int, Bool) in
            var batch: [UInt8] = []
            while batch.count < 1 << 16 { batch += frame }
            socket.setTimeouts(receive: 1, send: 0.2)
            let deadline = Date().addingTimeInterval(seconds)
            var offset = 0, total = 0
            while Date() < deadline && total < maxBytes {
                let n = socket.sendSome(Array(batch[offset...]))
                if n < 0 { return (total, true) }
                total += n
                offset = (offset + n) % batch.count
            }
            return (total, false)
        }
        sampling.withLockedValue { $0 = false }
        figures.withLockedValue { $0.sentBytes = sent.0; $0.dropped = sent.1 }
        return figures.withLockedValue { $0 }
    }

    static func start() async throws -> (ServerHarness, String) {
        let harness = try await ServerHarness()
        harness.configuration.writeStallTimeoutSeconds = 2
        try await harness.start()
        let key = try await harness.store.create(organization: "acme")
        return (harness, "/v1/stream?x-api-key=\(key.apiKey)")
    }

    @Test func aPingFloodFromAClientThatNeverReadsIsDroppedAndMemoryStaysBounded() async throws {
        let (harness, path) = try await Self.start()
        defer { Task { await harness.stop() } }
        let socket = try #require(RawSocket(port: harness.port))
        #expect(try await RawSocket.offPool { socket.upgrade(path: path, port: harness.port) } == 101)
        // The server answers pings at about 1 MB/s, so the kernel's socket buffers (several MB)
        // take seconds to fill before the channel turns unwritable and the stall clock starts;
        // the flood stops as soon as the server drops us.
        var figures = try await Self.flood(socket, frame: RawSocket.frame(opcode: 0x9, payload: Array(repeating: 0x70, count: 125)),
                                           seconds: 30, maxBytes: 4 << 30)
        close(socket.fd)
        let url = try #require(await harness.endedSessions(1).first)
        figures.after = residentMegabytes()
        print("ping flood: \(figures)")
        #expect(figures.peak - figures.before < 300, "\(figures)")
        #expect(figures.dropped, "a client that never reads its pongs is disconnected")
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.last?.text == #"{"reason":"client not reading"}"#)
    }

    @Test func aBinaryFloodIsSlowedByTCPBackPressureAndEveryByteIsJournaled() async throws {
        let (harness, path) = try await Self.start()
        defer { Task { await harness.stop() } }
        let socket = try #require(RawSocket(port: harness.port))
        #expect(try await RawSocket.offPool { socket.upgrade(path: path, port: harness.port) } == 101)
        let open = RawSocket.frame(opcode: 0x1, payload: Array(Self.openMessage.utf8))
        #expect(try await RawSocket.offPool { socket.sendAll(open) })
        let audio = RawSocket.frame(opcode: 0x2, payload: (0..<16000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var figures = try await Self.flood(socket, frame: audio, seconds: 10, maxBytes: 1 << 30)
        // Whole frames only, so the journal can be checked against what was sent.
        let partial = figures.sentBytes % audio.count
        if partial > 0 { #expect(try await RawSocket.offPool { socket.sendAll(Array(audio[partial...])) }) }
        // Half-close and read to the end: closing with unread input would reset the connection
        // and throw away what is still in flight.
        shutdown(socket.fd, Int32(SHUT_WR))
        socket.setTimeouts(receive: 30, send: 5)
        #expect(try await RawSocket.offPool { socket.readUntilClosed() })
        let url = try #require(await harness.endedSessions(1).first)
        figures.after = residentMegabytes()
        print("binary flood: \(figures)")
        #expect(figures.peak - figures.before < 300, "\(figures)")
        #expect(!figures.dropped, "a client that sends fast but within the rules is slowed, not dropped")
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        let frames = (figures.sentBytes + audio.count - 1) / audio.count
        #expect(records.filter { $0.type == .inboundBinary }.count == frames, "nothing the client sent is lost under back-pressure")
    }
}
