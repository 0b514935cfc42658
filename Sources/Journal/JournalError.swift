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
    /// The device holding the journal is full (ENOSPC) or the quota is used up (EDQUOT).
    case noSpace(String)
    /// The journal folder is on a read-only filesystem (EROFS).
    case readOnly(String)
    /// The server may not write the journal folder (EACCES, EPERM).
    case permissionDenied(String)
    /// `tapedeck verify` was given a path that does not exist.
    case notFound(String)
    /// `tapedeck verify` was given a folder holding no journal.
    case noJournals(String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "\(operation) failed for \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .alreadyExists(path):
            return "journal \(path) already exists; a session id is written once — pick a new session id"
        case let .notAJournal(why):
            return "not a Tapedeck journal: \(why)"
        case let .unsupportedVersion(v):
            return "journal format version \(v) is not supported by this build (it reads versions \(JournalFileHeader.readableVersions.lowerBound)–\(JournalFileHeader.readableVersions.upperBound)); upgrade tapedeck"
        case let .compression(why):
            return "LZ4 error: \(why)"
        case .closed:
            return "the journal was already closed; no more records can be appended"
        case let .recordTooLarge(n):
            return "record of \(n) bytes exceeds the \(RecordCodec.maxPayload)-byte limit"
        case let .invalidPathComponent(s):
            return "\"\(s)\" cannot be used in a journal path: use letters, digits, '-', '_' or '.', not starting with '.'"
        case let .noSpace(path):
            return "no space left for journal \(path): free space on its device (or raise the quota), or point the server at another journal folder"
        case let .readOnly(path):
            return "cannot write journal \(path): its filesystem is mounted read-only; remount it read-write or point the server at another journal folder"
        case let .permissionDenied(path):
            return "cannot write journal \(path): permission denied; give the server's user write access to the journal folder"
        case let .notFound(path):
            return "\(path) does not exist"
        case let .noJournals(path):
            return "no journals (.tdj files) found under \(path); if sessions ran, the server could not write there (check the server log and its readiness endpoint)"
        }
    }

    /// Any failure of the disk or filesystem, as opposed to a name already taken or bad input:
    /// retrying under another name will not help.
    public var isStorageFault: Bool {
        switch self {
        case .io, .noSpace, .readOnly, .permissionDenied: return true
        default: return false
        }
    }

    /// The error for a failed system call on a journal path, named by what the operator must fix.
    static func storage(path: String, operation: String, errno code: Int32) -> JournalError {
        switch code {
        case ENOSPC, EDQUOT: return .noSpace(path)
        case EROFS: return .readOnly(path)
        case EACCES, EPERM: return .permissionDenied(path)
        default: return .io(path: path, operation: operation, errno: code)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
