import Analysis
import Audio
import Recognition

/// Everything besides the records that a session's derived output depends on. Its components
/// are written into the session header; a replay compares them with its own.
public struct SessionEnvironment: Sendable {
    /// The speech engine, or nil for a protocol-only server (no transcription, no analysis).
    public var engine: EngineIdentity?
    public var analyzer: CallAnalyzer
    public var segmenter: SegmenterConfiguration

    public init(engine: EngineIdentity?, analyzer: CallAnalyzer = CallAnalyzer(configuration: .default),
                segmenter: SegmenterConfiguration = .default) {
        (self.engine, self.analyzer, self.segmenter) = (engine, analyzer, segmenter)
    }

    /// Protocol replies only: what the endpoint tests and a server without a model use.
    public static let protocolOnly = SessionEnvironment(engine: nil)

    /// Header `components`: stable keys, stable values.
    public var components: [String: String] {
        var out = [
            // Bumped whenever a reply to the same messages changes, so a replay of an older
            // journal says why its replies differ. seed.2: dialect fixed at the upgrade, media
            // offers checked and `opened` stating the format, errors echoing the client's id.
            "protocol": "seed.2+audiohook-v2",
            "analyzer": CallAnalyzer.version,
            "analyzer.config": analyzer.configuration.digest,
            "segmenter": segmenter.description,
            // Mono lines' utterances carry their pitch to the analyzer (speaker roles).
            "voice": VoiceDescriptor.version,
        ]
        out["engine"] = engine?.description ?? "none"
        if let engine {
            out["engine.model"] = engine.model
            out["engine.model-digest"] = engine.modelDigest
            // Each setting on its own key, so a replay reads them without parsing `engine`.
            for setting in engine.settings { out["engine.\(setting.name)"] = setting.value }
        }
        return out
    }

    /// Human-readable differences between what a journal was recorded with and this environment,
    /// in key order (empty when they agree).
    public func differences(from recorded: [String: String]) -> [String] {
        let mine = components
        return Set(mine.keys).union(recorded.keys).sorted().compactMap { key in
            let then = recorded[key], now = mine[key]
            guard then != now else { return nil }
            return "\(key): journal says \"\(then ?? "(absent)")\", this replay uses \"\(now ?? "(absent)")\""
        }
    }
}

extension SessionEnvironment {
    /// The languages the product transcribes and analyses; language detection chooses among them.
    public static let languages = ["en", "tr"]
}
