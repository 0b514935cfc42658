import Dispatch

/// Extends a hash chain on its own serial queue, a bounded number of blocks behind its caller.
/// SHA-256 costs about as much as LZ4 itself, so the writer and the reader hash one block while
/// they compress or decode the next; only the footer needs the finished chain.
// Unchecked: `chain` is touched only on `queue`; `finished` belongs to the one writer or reader that owns the hasher.
final class ChainHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "tapedeck.journal.chain")
    private let slots = DispatchSemaphore(value: 4)
    private var chain: HashChain
    private var finished: HashChain?

    init(chain: HashChain) { self.chain = chain }

    func append(_ content: [UInt8], ranges: [Range<Int>]) {
        slots.wait()
        queue.async {
            content.withUnsafeBytes { raw in
                for range in ranges { self.chain.append(encodedRecord: UnsafeRawBufferPointer(rebasing: raw[range])) }
            }
            self.slots.signal()
        }
    }

    /// Waits for every queued block and returns the chain; later calls return the same value.
    @discardableResult
    func finish() -> HashChain {
        if let finished { return finished }
        let value = queue.sync { chain }
        finished = value
        return value
    }
}
