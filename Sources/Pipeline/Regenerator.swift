import Foundation
import Journal
import Recognition

/// Re-derives one journal's CSV files with this build's engine and analyzer (`tapedeck
/// regenerate`), reading transcriptions from the cache where the journal, engine and segmenter
/// are unchanged.
public struct Regenerator: Sendable {
    public var environment: SessionEnvironment
    public var recognizer: any SpeechRecognizer
    public var projector: Projector
    public var cache: TranscriptCache?
    public var key: JournalKey?

    public init(environment: SessionEnvironment, recognizer: any SpeechRecognizer, projector: Projector,
                cache: TranscriptCache?, key: JournalKey? = nil) {
        (self.environment, self.recognizer, self.projector, self.cache, self.key) = (environment, recognizer, projector, cache, key)
    }

    public struct Outcome: Sendable {
        public var session: DerivedSession
        /// The session CSV, or nil for probes and sessions that never opened.
        public var written: URL?
        public var cacheHits: Int
        public var recognized: Int
    }

    public func regenerate(_ journal: URL) async throws -> Outcome {
        var cacheKey: String?
        var cached: [TranscriptCache.Entry] = []
        if let cache {
            let key = TranscriptCache.key(journalDigest: try TranscriptCache.journalDigest(journal), engine: recognizer.identity,
                                          segmenter: environment.segmenter)
            cacheKey = key
            cached = cache.load(key)
        }
        let transcriber = CachedTranscriber(cached: cached, recognizer: recognizer)
        let run = try await SessionRunner.run(journal, environment: environment, key: key, transcriber: transcriber)
        let (entries, hits, misses) = await (transcriber.entries, transcriber.hits, transcriber.misses)
        if let cache, let cacheKey, misses > 0 || cached.count != entries.count {
            try cache.store(entries, key: cacheKey, engine: recognizer.identity, segmenter: environment.segmenter)
        }
        let session = run.session
        let written = session.producesCSV ? try projector.write(session, journal: journal) : nil
        return Outcome(session: session, written: written, cacheHits: hits, recognized: misses)
    }
}

extension Projector {
    /// Writes a derived session's two CSV files beside where its journal sits: same
    /// organization, day and name.
    @discardableResult
    public func write(_ session: DerivedSession, journal: URL) throws -> URL {
        let (row, utterances) = session.rows()
        return try write(session: row, utterances: utterances,
                         file: SessionFileName(journal: journal, organization: session.header.facts.organization))
    }
}
