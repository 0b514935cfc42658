import Analysis
import Audio
import Foundation
import Journal
import Recognition
import StreamProtocol

/// One recognised utterance of a session, on the session timeline.
public struct DerivedUtterance: Equatable, Sendable {
    public var channel: Int
    public var speaker: SpeakerRole
    public var start: Double
    public var end: Double
    public var language: String
    public var text: String
}

/// Everything the projector needs about a finished session.
public struct DerivedSession: Sendable {
    public var header: SessionHeader
    public var negotiated: NegotiatedSession?
    public var firstReceivedAt: Int64
    public var lastReceivedAt: Int64
    /// Seconds of call audio on the timeline (received samples plus reported gaps).
    public var duration: Double
    public var utterances: [DerivedUtterance]
    public var analysis: AnalysisSnapshot?
    public var engine: EngineIdentity
    public var analyzerVersion: String
    public var analyzerDigest: String
}

public enum DerivationError: Error, CustomStringConvertible {
    case noHeader(String)
    case unsupportedMedia(String)

    public var description: String {
        switch self {
        case .noHeader(let path): return "\(path) has no session header: it was not written by `tapedeck serve`"
        case .unsupportedMedia(let why): return "cannot decode the session's audio: \(why)"
        }
    }
}

/// Derives a session's transcript and final analysis from its journal alone: the journaled
/// inbound records go through the same protocol stage as live, then the audio stage, the voice
/// activity segmenter, the recognizer and the analyzer. The same journal, engine and analyzer
/// always give the same result, which is what makes `regenerate` reproduce live output.
public enum SessionDerivation {
    public static func derive(_ url: URL, recognizer: any SpeechRecognizer, analyzer: CallAnalyzer,
                              analysisConfiguration: AnalysisConfiguration = .default,
                              segmenter configuration: SegmenterConfiguration = .default) throws -> DerivedSession {
        var header: SessionHeader?
        var stage: ProtocolStage?
        var negotiated: NegotiatedSession?
        var audio: AudioStage?
        var segmenter = Segmenter(configuration: configuration)
        var segments: [Utterance] = []
        var first: Int64?
        var last: Int64 = 0
        var language: String?

        func feed(_ chunk: AudioChunk) { if !chunk.isEmpty { segments += segmenter.append(chunk) } }

        _ = try JournalReader.scan(url) { record in
            first = first ?? record.receivedAt
            last = record.receivedAt
            switch record.type {
            case .sessionHeader:
                let decoded = try SessionHeader.decode(record.payload)
                header = decoded
                stage = ProtocolStage(dialectHint: decoded.facts.dialect == Dialect.audiohook.rawValue ? .audiohook : nil, headers: decoded.facts.headers)
            case .inboundText, .inboundBinary:
                guard var current = stage else { return }
                let events = record.type == .inboundText
                    ? current.receive(text: record.text ?? String(decoding: record.payload, as: UTF8.self))
                    : current.receive(binary: record.payload)
                for event in events {
                    switch event {
                    case .opened(let session):
                        negotiated = session
                        language = session.language.map(Self.primaryLanguage)
                        if let media = session.media { audio = try AudioStage(format: Self.audioFormat(media)) }
                    case .audio(let bytes, _):
                        if audio != nil { feed(try audio!.append(bytes)) }
                    case .gap(_, let duration):
                        if audio != nil { feed(try audio!.gap(inputSamples: duration)) }
                    case .languageChanged(let tag):
                        language = Self.primaryLanguage(tag)
                    case .closeRequested:
                        _ = current.closed()
                    default:
                        break
                    }
                }
                stage = current
            default:
                break
            }
        }
        guard let header else { throw DerivationError.noHeader(url.path) }
        if audio != nil { feed(audio!.finish()) }
        segments += segmenter.flush()
        segments.sort { ($0.startSample, $0.channel) < ($1.startSample, $1.channel) }

        let channelNames = negotiated?.media?.channels ?? []
        var utterances: [DerivedUtterance] = []
        for segment in segments {
            let result = try recognizer.transcribe(segment.samples, language: language)
            let text = result.text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let name = segment.channel < channelNames.count ? channelNames[segment.channel] : ""
            let speaker: SpeakerRole = name == "external" ? .customer : name == "internal" ? .agent : .unknown
            utterances.append(DerivedUtterance(channel: segment.channel, speaker: speaker,
                                               start: Double(segment.startSample) / 16000, end: Double(segment.endSample) / 16000,
                                               language: result.language.isEmpty ? (language ?? "en") : result.language, text: text))
        }
        let transcript = utterances.enumerated().map { index, u in
            TranscriptUtterance(index: index, speaker: u.speaker, language: u.language == "tr" ? "tr" : "en", start: u.start, end: u.end, text: u.text)
        }
        return DerivedSession(header: header, negotiated: negotiated, firstReceivedAt: first ?? 0, lastReceivedAt: last,
                              duration: audio.map { Double($0.position) / 16000 } ?? 0,
                              utterances: utterances, analysis: analyzer.finalAnalysis(transcript),
                              engine: recognizer.identity, analyzerVersion: CallAnalyzer.version, analyzerDigest: analysisConfiguration.digest)
    }

    static func primaryLanguage(_ tag: String) -> String {
        String(tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? Substring(tag)).lowercased()
    }

    static func audioFormat(_ media: MediaFormat) throws -> AudioFormat {
        let encoding: AudioEncoding
        switch media.encoding {
        case .pcm16le: encoding = .pcm16le
        case .pcmu: encoding = .pcmu
        case .l16: encoding = .l16
        }
        return AudioFormat(encoding: encoding, sampleRate: media.sampleRate, channels: media.channels.count)
    }
}

extension DerivedSession {
    /// The CSV rows for this session, rendered without clock or locale.
    public func rows() -> (session: SessionRow, utterances: [UtteranceRow]) {
        // Fixed three decimals from integer milliseconds: no locale, no float formatting surprises.
        func seconds(_ s: Double) -> String {
            let ms = Int64((s * 1000).rounded())
            let fraction = String(ms % 1000)
            return "\(ms / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        }
        var row = SessionRow()
        row.sessionId = header.sessionId
        row.organization = header.facts.organization
        row.conversationId = negotiated?.conversationId ?? ""
        row.participantId = negotiated?.participant?["id"]?.stringValue ?? ""
        row.dialect = negotiated?.dialect.rawValue ?? header.facts.dialect
        row.start = JournalTime.iso8601(microseconds: firstReceivedAt)
        row.end = JournalTime.iso8601(microseconds: lastReceivedAt)
        row.duration = seconds(duration)
        row.language = analysis?.detail.language ?? utterances.first?.language ?? ""
        row.transcript = utterances.map { "\($0.speaker.rawValue): \($0.text)" }.joined(separator: "\n")
        if let analysis {
            row.summary = analysis.summary
            row.sentiment = analysis.sentiment
            row.emotion = analysis.emotion
            row.agentScore = String(analysis.agentScore)
            row.processIssues = analysis.processIssues
            row.repeatedProblems = analysis.repeatedProblems
            row.marketingMentions = analysis.marketingMentions
            row.analysisJSON = analysis.seedJSON()
        }
        row.engine = engine.description
        row.analyzer = "\(analyzerVersion) config \(analyzerDigest.prefix(16))"
        var sentiments: [Int: String] = [:]
        for turn in analysis?.detail.sentiment.turns ?? [] { sentiments[turn.index] = turn.label }
        let utteranceRows = utterances.enumerated().map { index, u in
            UtteranceRow(start: seconds(u.start), end: seconds(u.end), speaker: u.speaker.rawValue, language: u.language, text: u.text,
                         sentiment: sentiments[index] ?? "")
        }
        return (row, utteranceRows)
    }
}
