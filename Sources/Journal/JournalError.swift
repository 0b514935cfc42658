/// Errors from writing or reading journals, each saying what to do about it.
public enum JournalError: Error, CustomStringConvertible, Equatable {
    case io(path: String, operation: String, errno: Int32)
    case alreadyExists(String)
    case notAJournal(String)
    case unsupportedVersion(UInt16)
    case compression(String)
    case closed
    case recordTooLarge(Int)
    case invalidPathComponent(String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "\(operation) failed for \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .alreadyExists(path):
            return "journal \(path) already exists; a session id is written once — pick a new session id"
        case let .notAJournal(why):
            return "not a Tapedeck journal: \(why)"
        case let .unsupportedVersion(v):
            return "journal format version \(v) is not supported by this build (it reads version \(JournalFileHeader.currentVersion)); upgrade tapedeck"
        case let .compression(why):
            return "LZ4 error: \(why)"
        case .closed:
            return "the journal was already closed; no more records can be appended"
        case let .recordTooLarge(n):
            return "record of \(n) bytes exceeds the \(RecordCodec.maxPayload)-byte limit"
        case let .invalidPathComponent(s):
            return "\"\(s)\" cannot be used in a journal path: use letters, digits, '-', '_' or '.', not starting with '.'"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
