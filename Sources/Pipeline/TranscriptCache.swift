import Audio
import Digests
import Foundation
import Recognition

/// Transcriptions of a journal's utterances, keyed by (journal digest, engine identity, segmenter
/// configuration): when only the analyzer changes, `regenerate` reads them instead of running
/// speech recognition again. Each entry also names the utterance it belongs to; an entry that
/// does not match the request (a different segmentation) is ignored and recomputed.
public struct TranscriptCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public struct Entry: Codable, Equatable, Sendable {
        public var channel: Int
        public var startSample: Int64
        public var endSample: Int64
        public var language: String?
        public var result: Transcription

        func matches(_ request: TranscriptionRequest) -> Bool {
            channel == request.channel && startSample == request.startSample && endSample == request.endSample && language == request.language
        }
    }

    struct File: Codable {
        var format = 1
        var engine: String
        var segmenter: String
        var entries: [Entry]
    }

    /// SHA-256 of the journal's bytes, hex.
    public static func journalDigest(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return data.withUnsafeBytes { SHA256Digest.hash($0).hexString }
    }

    public static func key(journalDigest: String, engine: EngineIdentity, segmenter: SegmenterConfiguration) -> String {
        SHA256Digest.hash(Array("\(journalDigest)\n\(engine.description)\n\(segmenter.description)".utf8)).hexString
    }

    public func url(for key: String) -> URL { directory.appendingPathComponent("\(key).json") }

    /// The stored entries for `key`, in request order (empty when there are none or the file is unreadable).
    public func load(_ key: String) -> [Entry] {
        guard let data = try? Data(contentsOf: url(for: key)), let file = try? JSONDecoder().decode(File.self, from: data), file.format == 1 else { return [] }
        return file.entries
    }

    public func store(_ entries: [Entry], key: String, engine: EngineIdentity, segmenter: SegmenterConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(File(engine: engine.description, segmenter: segmenter.description, entries: entries))
        try AtomicFile.write(data, to: url(for: key))
    }
}

/// A transcription source for one journal: cached entries where they match, the recognizer
/// otherwise; remembers every result so the cache can be refreshed afterwards.
public actor CachedTranscriber: Transcriber {
    private let cached: [TranscriptCache.Entry]
    private let recognizer: any SpeechRecognizer
    public private(set) var entries: [TranscriptCache.Entry] = []
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(cached: [TranscriptCache.Entry], recognizer: any SpeechRecognizer) {
        self.cached = cached
        self.recognizer = recognizer
    }

    public func transcribe(_ request: TranscriptionRequest) throws -> Transcription {
        let result: Transcription
        if request.id < cached.count, cached[request.id].matches(request) {
            result = cached[request.id].result
            hits += 1
        } else {
            result = try recognizer.transcribe(request.samples, language: request.language)
            misses += 1
        }
        entries.append(TranscriptCache.Entry(channel: request.channel, startSample: request.startSample, endSample: request.endSample,
                                             language: request.language, result: result))
        return result
    }
}
