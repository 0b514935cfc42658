/// When the writer turns buffered records into a block on disk, and whether it waits for the disk.
public enum SyncPolicy: Equatable, Sendable, CustomStringConvertible {
    /// Every record becomes its own block and is `fdatasync`ed before `append` returns.
    case always
    /// Group commit: a block is written and `fdatasync`ed once `seconds` have passed since the
    /// last one or `bytes` are buffered, and at close.
    case interval(seconds: Double, bytes: Int)
    /// Blocks are written on the same schedule as `.default` but never `fdatasync`ed:
    /// the operating system decides when they reach the disk.
    case never

    public static let `default` = SyncPolicy.interval(seconds: 1, bytes: 256 << 10)

    var blockBytes: Int {
        switch self {
        case .always: return 0
        case .interval(_, let bytes): return bytes
        case .never: return 256 << 10
        }
    }

    var intervalNanoseconds: UInt64 {
        switch self {
        case .always: return 0
        // Clamped to a day: `interval:inf:…` or `interval:1e30:…` must not trap converting to UInt64.
        case .interval(let seconds, _): return UInt64(min(max(0, seconds), 86_400) * 1e9)
        case .never: return 1_000_000_000
        }
    }

    /// How long the oldest buffered record may wait before its block is written. A little less
    /// than the interval (a tenth, at most 0.1 s), so that compressing, writing and the timer's
    /// own lateness fit inside the interval, which is the bound the documentation promises.
    var flushDelayNanoseconds: UInt64 {
        let interval = intervalNanoseconds
        return interval - min(interval / 10, 100_000_000)
    }

    var syncs: Bool { self != .never }

    /// Parses `always`, `never`, `interval`, or `interval:<seconds>:<bytes>`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        switch parts.first {
        case "always" where parts.count == 1: self = .always
        case "never" where parts.count == 1: self = .never
        case "interval" where parts.count == 1: self = .default
        case "interval" where parts.count == 3:
            guard let s = Double(parts[1]), s >= 0, let b = Int(parts[2]), b > 0 else { return nil }
            self = .interval(seconds: s, bytes: b)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .always: return "always"
        case .never: return "never"
        case let .interval(s, b): return "interval:\(s):\(b)"
        }
    }
}
