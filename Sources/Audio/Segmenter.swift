/// Deterministic energy-based voice activity detection, per channel, on the 16 kHz timeline.
///
/// Audio is cut into fixed frames (default 20 ms) aligned to the start of each contiguous run.
/// Frames of all channels are processed in time order (frame by frame, channel 0 first), so the
/// sequence of emitted utterances does not depend on how audio arrives in chunks. A chunk that
/// does not continue where the previous one ended (a gap) ends the run: the partial frame is
/// analysed and open utterances are emitted. Decisions use integer energies and fixed-point
/// thresholds, so they are identical on every platform.
public struct Segmenter: Sendable {
    public let configuration: SegmenterConfiguration
    private let frameSamples: Int
    private var vads: [ChannelVAD] = []
    private var pending: [[Float]] = []   // not yet framed samples per channel
    private var pendingStart: Int64 = 0   // timeline position of pending[c][0]
    private var started = false

    public init(configuration: SegmenterConfiguration = .default) {
        precondition((try? configuration.validate()) != nil, "invalid SegmenterConfiguration; call validate() first")
        self.configuration = configuration
        frameSamples = configuration.frameSamples
    }

    /// Feed one chunk (all channels; the channel count must stay the same for the whole stream).
    public mutating func append(_ chunk: AudioChunk) -> [Utterance] {
        guard !chunk.isEmpty else { return [] }
        if vads.isEmpty {
            vads = (0..<chunk.channels.count).map { ChannelVAD(channel: $0, configuration: configuration) }
            pending = Array(repeating: [], count: chunk.channels.count)
        }
        precondition(chunk.channels.count == vads.count, "channel count changed mid-stream")
        var out: [Utterance] = []
        if !started {
            pendingStart = chunk.start
            started = true
        } else if chunk.start != pendingStart + Int64(pending[0].count) {
            out += endRun()
            pendingStart = chunk.start
        }
        for c in pending.indices { pending[c].append(contentsOf: chunk.channels[c]) }
        var offset = 0
        while pending[0].count - offset >= frameSamples {
            for c in vads.indices {
                let frame = VADFrame(start: pendingStart + Int64(offset), samples: pending[c][offset..<(offset + frameSamples)])
                if let u = vads[c].process(frame) { out.append(u) }
            }
            offset += frameSamples
        }
        if offset > 0 {
            for c in pending.indices { pending[c].removeFirst(offset) }
            pendingStart += Int64(offset)
        }
        return out
    }

    /// Mono convenience: feed samples of channel 0 starting at `position`.
    public mutating func append(_ samples: [Float], at position: Int64) -> [Utterance] {
        append(AudioChunk(start: position, channels: [samples]))
    }

    /// End of stream: analyses the partial frame and emits every open utterance.
    public mutating func flush() -> [Utterance] {
        endRun()
    }

    private mutating func endRun() -> [Utterance] {
        var out: [Utterance] = []
        if let count = pending.first?.count, count > 0 {
            for c in vads.indices {
                if let u = vads[c].process(VADFrame(start: pendingStart, samples: pending[c][...])) { out.append(u) }
            }
            pendingStart += Int64(count)
            for c in pending.indices { pending[c].removeAll(keepingCapacity: true) }
        }
        for c in vads.indices { if let u = vads[c].endRun() { out.append(u) } }
        return out
    }
}
