import Audio
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import StreamProtocol

/// A real client for both dialects, used by `tapedeck send` and by the end-to-end tests:
/// it opens a session, streams a recording paced like a live call, closes, and collects every
/// message the server sends.
public struct StreamClient: Sendable {
    public enum Pace: Sendable, Equatable {
        /// As fast as the server reads.
        case max
        /// Real time multiplied by the factor (1 = live).
        case realtime(Double)
    }

    public struct Options: Sendable {
        public var url: String
        public var apiKey: String
        public var dialect: Dialect = .seed
        /// Base64 AudioHook client secret; requests are signed when set.
        public var clientSecret: String?
        public var pace: Pace = .realtime(1)
        public var language: String?
        public var sessionId: String?
        public var organizationId = "d7934305-0972-4844-938e-9060eef73d05"
        /// Extra time to wait for `closed` after `close`.
        public var closeTimeoutSeconds = 60.0

        public init(url: String, apiKey: String) {
            self.url = url
            self.apiKey = apiKey
        }
    }

    public struct Outcome: Sendable {
        public var sessionId: String
        /// Every text message from the server, in arrival order.
        public var received: [String]
        public var sentFrames: Int
        public var sentBytes: Int
        public var gotClosed: Bool
    }

    public enum ClientError: Error, CustomStringConvertible {
        case badURL(String)
        case notOpened(String)
        case refused(String)

        public var description: String {
            switch self {
            case .badURL(let url): return "\(url) is not a ws:// or wss:// URL"
            case .notOpened(let why): return "the server did not open the session: \(why)"
            case .refused(let why): return "connection refused: \(why)"
            }
        }
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    /// Audio encoded for the dialect and cut into frames: seed 500 ms of 16 kHz PCM16 mono,
    /// AudioHook 200 ms of 8 kHz PCMU (stereo when the recording is: external = left/customer).
    public static func frames(for audio: WAVAudio, dialect: Dialect) -> (frames: [[UInt8]], frameSeconds: Double, channels: [String]) {
        switch dialect {
        case .seed:
            let samples = Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
            let bytes = PCM.bytesLE(samples)
            return (stride(from: 0, to: bytes.count, by: 16000).map { Array(bytes[$0..<min($0 + 16000, bytes.count)]) }, 0.5, ["mono"])
        case .audiohook:
            let sources = audio.channels.count >= 2 ? Array(audio.channels.prefix(2)) : [audio.mono]
            var converted: [[Float]] = []
            for channel in sources { converted.append(Resampler.convert(channel, from: audio.sampleRate, to: 8000)) }
            let length = converted.map(\.count).min() ?? 0
            let bytes = PCM.muLawInterleaved(converted.map { Array($0.prefix(length)) })
            let frameBytes = 1600 * converted.count
            let names = converted.count == 2 ? ["external", "internal"] : ["external"]
            return (stride(from: 0, to: bytes.count, by: frameBytes).map { Array(bytes[$0..<min($0 + frameBytes, bytes.count)]) }, 0.2, names)
        }
    }

    public func run(audio: WAVAudio, onMessage: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        guard let url = URL(string: options.url), let host = url.host, ["ws", "wss"].contains(url.scheme ?? "") else {
            throw ClientError.badURL(options.url)
        }
        let sessionId = options.sessionId ?? UUID().uuidString.lowercased()
        let (frames, frameSeconds, channels) = Self.frames(for: audio, dialect: options.dialect)
        var target = url.path.isEmpty ? "/" : url.path
        var connectURL = options.url
        var headers = HTTPFields()
        if options.dialect == .seed {
            let separator = options.url.contains("?") ? "&" : "?"
            connectURL += separator + "x-api-key=" + (options.apiKey.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.~"))) ?? options.apiKey)
        } else {
            if let query = url.query { target += "?" + query }
            let authority = url.port.map { "\(host):\($0)" } ?? host
            var plain: [String: String] = [
                "audiohook-organization-id": options.organizationId,
                "audiohook-session-id": sessionId,
                "audiohook-correlation-id": UUID().uuidString.lowercased(),
                "x-api-key": options.apiKey,
            ]
            if let secret = options.clientSecret {
                let now = Int64(Date().timeIntervalSince1970)
                var nonceBytes = [UInt8](repeating: 0, count: 18)
                for i in nonceBytes.indices { nonceBytes[i] = UInt8.random(in: 0...255) }
                let request = RequestSignature.Request(target: target, authority: authority, headers: plain)
                if let signed = RequestSignature.sign(request, clientSecretBase64: secret, apiKey: options.apiKey,
                                                      nonce: Data(nonceBytes).base64EncodedString(), created: now, expires: now + 30) {
                    plain["signature-input"] = signed.input
                    plain["signature"] = signed.signature
                }
            }
            for (name, value) in plain.sorted(by: { $0.key < $1.key }) {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
        }

        let state = ClientState()
        let options = self.options
        var logger = Logger(label: "tapedeck.send")
        logger.logLevel = .critical
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 16, additionalHeaders: headers)
        do {
            try await WebSocketClient.connect(url: connectURL, configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            onMessage(text)
                            await state.received(text)
                        }
                        await state.ended()
                    }
                    group.addTask {
                        var writer = MessageWriter(dialect: options.dialect, sessionId: sessionId)
                        try await outbound.write(.text(writer.open(channels: channels, language: options.language, organizationId: options.organizationId)))
                        guard await state.waitFor(type: "opened", seconds: 30) else {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                        let start = Date()
                        for (index, frame) in frames.enumerated() {
                            if case .realtime(let factor) = options.pace {
                                let due = Double(index) * frameSeconds / factor
                                let wait = due - Date().timeIntervalSince(start)
                                if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                            }
                            if await state.isOver { break }
                            try await outbound.write(.binary(ByteBuffer(bytes: frame)))
                            await state.sent(frame.count)
                        }
                        writer.serverseq = await state.lastServerSeq
                        // After the server's `disconnect` (a draining server's deadline, say) the
                        // close says so; its `closed` is still waited for.
                        try await outbound.write(.text(writer.close(reason: await state.wasDisconnected ? "disconnect" : "end")))
                        _ = await state.waitFor(type: "closed", seconds: options.closeTimeoutSeconds)
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    try await group.waitForAll()
                }
            }
        } catch let error as WebSocketClientError {
            throw ClientError.refused("\(error)")
        }
        let summary = await state.summary
        guard summary.texts.contains(where: { (try? JSONValue.parse($0))?["type"]?.stringValue == "opened" }) else {
            throw ClientError.notOpened(summary.texts.last ?? "no reply")
        }
        return Outcome(sessionId: sessionId, received: summary.texts, sentFrames: summary.frames, sentBytes: summary.bytes,
                       gotClosed: summary.texts.contains { (try? JSONValue.parse($0))?["type"]?.stringValue == "closed" })
    }
}

/// Client-side message numbering for either dialect.
struct MessageWriter {
    let dialect: Dialect
    let sessionId: String
    var seq: Int64 = 0
    var serverseq: Int64 = 0

    mutating func open(channels: [String], language: String?, organizationId: String) -> String {
        seq += 1
        switch dialect {
        case .seed:
            var parameters: [(String, JSONValue)] = [("media", .array([.object([("type", .string("audio")), ("codec", .string("audio/pcm"))])]))]
            if let language { parameters.append(("language", .string(language))) }
            return JSONValue.object([("type", .string("open")), ("id", .string(sessionId)), ("seq", .int(seq)), ("parameters", .object(parameters))]).serialized
        case .audiohook:
            var parameters: [(String, JSONValue)] = [
                ("organizationId", .string(organizationId)),
                ("conversationId", .string(UUID().uuidString.lowercased())),
                ("participant", .object([("id", .string(UUID().uuidString.lowercased())), ("ani", .string("")), ("aniName", .string("")), ("dnis", .string(""))])),
                ("media", .array([.object([("type", .string("audio")), ("format", .string("PCMU")),
                                           ("channels", .array(channels.map { .string($0) })), ("rate", .int(8000))])])),
            ]
            if let language { parameters.append(("language", .string(language))) }
            return envelope("open", parameters: .object(parameters))
        }
    }

    mutating func close(reason: String = "end") -> String {
        seq += 1
        switch dialect {
        case .seed:
            return JSONValue.object([("type", .string("close")), ("id", .string(sessionId)), ("seq", .int(seq)), ("parameters", .object([("reason", .string(reason))]))]).serialized
        case .audiohook:
            return envelope("close", parameters: .object([("reason", .string(reason))]))
        }
    }

    private func envelope(_ type: String, parameters: JSONValue) -> String {
        JSONValue.object([("version", .string("2")), ("id", .string(sessionId)), ("type", .string(type)), ("seq", .int(seq)),
                          ("serverseq", .int(serverseq)), ("position", .string("PT0S")), ("parameters", parameters)]).serialized
    }
}

private actor ClientState {
    var texts: [String] = []
    var frames = 0
    var bytes = 0
    /// Stop streaming: the server ended the session (`disconnect`, or a `closed` we did not ask
    /// for, as a draining server sends) or the connection is gone.
    var isOver = false
    var wasDisconnected = false
    private var connectionEnded = false
    var lastServerSeq: Int64 = 0

    func received(_ text: String) {
        texts.append(text)
        if let message = try? JSONValue.parse(text) {
            if let seq = message["seq"]?.intValue { lastServerSeq = seq }
            switch message["type"]?.stringValue {
            case "disconnect"?: isOver = true; wasDisconnected = true
            case "closed"?: isOver = true
            default: break
            }
        }
    }

    func ended() { isOver = true; connectionEnded = true }
    func sent(_ count: Int) { frames += 1; bytes += count }

    /// Whether `type` came within `seconds`. `closed` is waited for even after a `disconnect`
    /// (the server answers the close that follows it); anything else not once the session is over.
    func waitFor(type: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if texts.contains(where: { (try? JSONValue.parse($0))?["type"]?.stringValue == type }) { return true }
            if connectionEnded || (isOver && type != "closed") { return false }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return false
    }

    var summary: (texts: [String], frames: Int, bytes: Int) { (texts, frames, bytes) }
}
