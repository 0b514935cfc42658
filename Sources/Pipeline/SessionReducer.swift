import Analysis
import Audio
import Foundation
import Journal
import Recognition
import StreamProtocol

/// Composes a session's stages into one pure reducer (DESIGN.md, data flow):
/// protocol stage → audio stage → segmenter → (transcription requests) → analyzer → events.
///
/// Determinism: every output depends only on the records handled, the transcriptions applied
/// (in request order) and the environment. Where results arrive relative to records (live: when
/// the worker pool finishes; replay: at once) only changes how the two output streams interleave,
/// which is what `seq` numbers on the wire record and replay does not need to reproduce.
public struct SessionReducer: Sendable {
    public let environment: SessionEnvironment
    public private(set) var protocolStage: ProtocolStage
    public private(set) var negotiated: NegotiatedSession?
    /// Primary language (`en`, `tr`) the client asked for, nil to detect.
    public private(set) var language: String?
    public private(set) var utterances: [DerivedUtterance] = []
    public private(set) var firstReceivedAt: Int64?
    public private(set) var lastReceivedAt: Int64 = 0
    /// Why audio could not be decoded, if it could not (the session goes on without transcripts).
    public private(set) var audioFailure: String?
    /// Transcription results that did not answer the oldest pending request (a driver bug);
    /// dropped rather than trapped on.
    public private(set) var misappliedResults = 0

    private var audio: AudioStage?
    private var segmenter: Segmenter
    private var requests: [PendingTranscription] = []   // made, not yet applied (in order)
    private var nextRequest = 0
    private var analysisState = AnalysisState()
    /// What the analyzer reads: the transcribed utterances with their roles (and, on a mono line, pitch).
    public private(set) var transcript: [TranscriptUtterance] = []
    private var audioFinished = false
    private var closeAnswerPending = false
    private var transportGone = false
    /// `closed` was answered before the last results (`answerCloseNow`): later events are not sent.
    public private(set) var eventsWithheld = false
    /// The server ended the session at its drain deadline (a journaled `ServerDecision`).
    public private(set) var endedForDrain = false
    /// AudioHook after our `disconnect`: events wait here until the client's `close`, because
    /// the protocol allows none in between. Holding them rather than dropping them keeps the
    /// event stream independent of when live results arrive (replay applies them at once,
    /// before the disconnect), so a drained session replays identically.
    private var heldEvents: [(utterance: DerivedUtterance, analysis: AnalysisSnapshot?)] = []
    private var awaitingClientClose = false

    public init(facts: ConnectionFacts, environment: SessionEnvironment) {
        self.environment = environment
        protocolStage = ProtocolStage(dialect: facts.dialect == Dialect.audiohook.rawValue ? .audiohook : .seed, headers: facts.headers)
        segmenter = Segmenter(configuration: environment.segmenter)
    }

    /// Requests made and not yet applied.
    public var pendingTranscriptions: Int { requests.count }

    /// The client asked to close and `closed` waits for transcriptions still to come.
    public var awaitsCloseAnswer: Bool { closeAnswerPending }

    /// Seconds of call audio on the timeline (received samples plus reported gaps).
    public var duration: Double { audio.map { Double($0.position) / Double(AudioStage.outputRate) } ?? 0 }

    /// Everything the session reacts to, one action at a time.
    public mutating func reduce(_ action: SessionAction) -> [SessionEffect] {
        switch action {
        case .record(let record): return handle(record)
        case .transcribed(let id, let result): return apply(result, to: id)
        case .serverFailure(let message): return protocolStage.serverFailure(code: 503, message: message).map { [.send($0)] } ?? []
        case .answerCloseNow: return answerCloseNow()
        }
    }

    private mutating func handle(_ record: JournalRecord) -> [SessionEffect] {
        if record.type == .effect { return decide(record) }
        switch record.type {
        case .inboundText, .inboundBinary, .transportClosed:
            if firstReceivedAt == nil { firstReceivedAt = record.receivedAt }
            lastReceivedAt = record.receivedAt
        default:
            return []
        }
        if record.type == .transportClosed {
            transportGone = true
            return finishAudio()
        }
        let events = record.type == .inboundText
            ? protocolStage.receive(text: record.text ?? String(decoding: record.payload, as: UTF8.self))
            : protocolStage.receive(binary: record.payload)
        var effects: [SessionEffect] = []
        for event in events {
            switch event {
            case .send(let text):
                effects.append(.send(text))
            case .opened(let session):
                negotiated = session
                language = session.language.map(Self.primaryLanguage)
                effects.append(.identified(sessionId: session.sessionId, details: session.json.serialized))
                if environment.engine != nil, !session.isProbe, let media = session.media {
                    do { audio = try AudioStage(format: Self.audioFormat(media)) } catch { audioFailure = "\(error)" }
                }
            case .audio(let bytes, _):
                effects += decode { try $0.append(bytes) }
            case .gap(_, let duration):
                effects += decode { try $0.gap(inputSamples: duration) }
            case .languageChanged(let tag):
                language = Self.primaryLanguage(tag)
            case .closeRequested:
                effects += releaseHeldEvents()
                effects += finishAudio()
                closeAnswerPending = true
                effects += answerCloseIfDone()
            case .violation(let what):
                effects.append(.violation(what))
            case .clientError:
                break
            }
        }
        return effects
    }

    private mutating func apply(_ result: Transcription, to id: Int) -> [SessionEffect] {
        // Results must come in request order. A driver bug that breaks the order must not take
        // the whole server (every other session) down: the stray result is dropped and counted.
        guard let pending = requests.first, pending.request.id == id else {
            misappliedResults += 1
            return []
        }
        requests.removeFirst()
        let request = pending.request
        var effects: [SessionEffect] = []
        let text = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty {
            let speaker = speaker(ofChannel: request.channel)
            let start = Double(request.startSample) / Double(AudioStage.outputRate)
            let languageCode = result.language.isEmpty ? (request.language ?? "en") : result.language
            let utterance = DerivedUtterance(
                index: utterances.count, channel: request.channel, speaker: speaker,
                start: start, end: Double(request.endSample) / Double(AudioStage.outputRate),
                language: languageCode, text: text,
                confidence: Double(exp(result.averageLogProbability)),
                words: result.words.map { RecognizedWord(text: $0.text, start: start + $0.start, end: start + $0.end, probability: $0.probability) })
            utterances.append(utterance)
            transcript.append(TranscriptUtterance(index: utterance.index, speaker: speaker, language: languageCode == "tr" ? "tr" : "en",
                                                  start: utterance.start, end: utterance.end, text: text, pitch: pending.pitch))
            let analysis = environment.analyzer.update(&analysisState, transcript: transcript)
            if awaitingClientClose {
                heldEvents.append((utterance, analysis))
            } else if !transportGone, !eventsWithheld, let event = eventMessage(for: utterance, analysis: analysis) {
                effects.append(.event(event))
            }
        }
        effects += answerCloseIfDone()
        return effects
    }

    /// The end-of-call analysis of everything transcribed (no hysteresis; end-of-call checks apply).
    public var finalAnalysis: AnalysisSnapshot? {
        environment.analyzer.finalAnalysis(transcript)
    }

    // MARK: Server decisions

    /// A journaled decision of the live server (`ServerDecision`); one this build does not know
    /// changes nothing.
    private mutating func decide(_ record: JournalRecord) -> [SessionEffect] {
        switch ServerDecision(record) {
        case .drainDeadline?: return endForDrain()
        case nil: return []
        }
    }

    /// The drain deadline: the session is ended politely, as each dialect does it. AudioHook:
    /// `disconnect` reason `completed`, then the client's `close` is answered with `closed`
    /// (after the final results) as usual. Seed: the session closes as if the client had sent
    /// `close` — final results, then `closed`. Either way the audio ends here (AudioHook
    /// ignores audio after `disconnect`), so the last utterances go to transcription at once.
    /// Nothing happens when the session is already closing or its transport has gone.
    private mutating func endForDrain() -> [SessionEffect] {
        guard !transportGone, !endedForDrain, !closeAnswerPending else { return [] }
        switch protocolStage.dialect {
        case .audiohook:
            guard let disconnect = protocolStage.disconnect(reason: "completed", info: "the server is shutting down") else { return [] }
            endedForDrain = true
            awaitingClientClose = true
            return [.send(disconnect)] + finishAudio()
        case .seed:
            guard protocolStage.serverClose() else { return [] }
            endedForDrain = true
            var effects = finishAudio()
            closeAnswerPending = true
            effects += answerCloseIfDone()
            return effects
        }
    }

    /// The client's `close` after our `disconnect`: the events held since go out, in order.
    private mutating func releaseHeldEvents() -> [SessionEffect] {
        guard awaitingClientClose else { return [] }
        awaitingClientClose = false
        defer { heldEvents = [] }
        guard !transportGone, !eventsWithheld else { return [] }
        return heldEvents.compactMap { eventMessage(for: $0.utterance, analysis: $0.analysis).map(SessionEffect.event) }
    }

    // MARK: Stages

    private mutating func decode(_ step: (inout AudioStage) throws -> AudioChunk) -> [SessionEffect] {
        guard audio != nil, !audioFinished else { return [] }
        do {
            let chunk = try step(&audio!)
            return segment(chunk.isEmpty ? [] : segmenter.append(chunk))
        } catch {
            audioFailure = "\(error)"
            audioFinished = true
            return []
        }
    }

    /// End of audio (close or transport end): resampler tails and open utterances go out.
    private mutating func finishAudio() -> [SessionEffect] {
        guard audio != nil, !audioFinished else { return [] }
        let tail = audio!.finish()
        var found = tail.isEmpty ? [] : segmenter.append(tail)
        found += segmenter.flush()
        audioFinished = true
        return segment(found)
    }

    private mutating func segment(_ found: [Utterance]) -> [SessionEffect] {
        // Within one step the segmenter may end utterances of several channels: time order.
        found.sorted { ($0.startSample, $0.channel) < ($1.startSample, $1.channel) }.map { utterance in
            let request = TranscriptionRequest(id: nextRequest, channel: utterance.channel, startSample: utterance.startSample,
                                               endSample: utterance.endSample, samples: utterance.samples, language: language)
            nextRequest += 1
            var kept = request
            kept.samples = []  // the reducer keeps what it needs to place the result, not the audio
            // A channel that does not say who speaks on it (the seed dialect's mono line) carries both speakers:
            // the voice's pitch is one of the cues the analyzer tells them apart by. Stereo channels need none.
            let pitch = speaker(ofChannel: utterance.channel) == .unknown ? VoiceDescriptor.describe(utterance.samples).reliablePitch : nil
            requests.append(PendingTranscription(request: kept, pitch: pitch))
            return .transcribe(request)
        }
    }

    // MARK: Messages

    private mutating func eventMessage(for utterance: DerivedUtterance, analysis: AnalysisSnapshot?) -> String? {
        switch negotiated?.dialect {
        case .seed?:
            return protocolStage.event(seed: DerivedEvents.seedParameters(utterance, analysis: analysis), audiohook: [])
        case .audiohook?:
            let tag = DerivedEvents.languageTag(utterance.language, session: negotiated?.language)
            let entities = DerivedEvents.audioHookEntities(utterance, sessionId: negotiated?.sessionId ?? "", languageTag: tag, analysis: analysis)
            return protocolStage.event(seed: .null, audiohook: entities)
        case nil:
            return nil
        }
    }

    /// `closed` waits until every utterance is transcribed and its event sent ("flush final
    /// results, then reply closed"); AudioHook clients get the final analysis as a last entity.
    private mutating func answerCloseIfDone() -> [SessionEffect] {
        guard closeAnswerPending, requests.isEmpty else { return [] }
        closeAnswerPending = false
        var effects: [SessionEffect] = []
        if negotiated?.dialect == .audiohook, !transportGone, let final = finalAnalysis,
           let event = protocolStage.event(seed: .null, audiohook: [DerivedEvents.analysisEntity(final, final: true)]) {
            effects.append(.event(event))
        }
        if let closed = protocolStage.closed() { effects.append(.send(closed)) }
        return effects
    }

    /// `closed` now, without the events still to come (the driver's close lateness ran out):
    /// results are still applied, so the transcript and analysis come out as they would have,
    /// but nothing more is sent. The AudioHook final analysis is one of the events withheld.
    private mutating func answerCloseNow() -> [SessionEffect] {
        guard closeAnswerPending else { return [] }
        closeAnswerPending = false
        eventsWithheld = true
        return protocolStage.closed().map { [.send($0)] } ?? []
    }

    // MARK: Helpers

    /// AudioHook's channel names say who speaks on each; the seed dialect's single channel does not.
    private func speaker(ofChannel channel: Int) -> SpeakerRole {
        let channels = negotiated?.media?.channels ?? []
        let name = channel < channels.count ? channels[channel] : ""
        return name == "external" ? .customer : name == "internal" ? .agent : .unknown
    }

    public static func primaryLanguage(_ tag: String) -> String {
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

/// A transcription asked for and not yet answered: what places its result, without the audio.
private struct PendingTranscription: Sendable {
    var request: TranscriptionRequest
    /// The utterance's reliable median pitch (mono channels only).
    var pitch: Double?
}
