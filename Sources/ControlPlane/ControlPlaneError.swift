import Foundation

/// What can go wrong talking to the control plane, in words an operator can act on.
public enum ControlPlaneError: Error, CustomStringConvertible, Equatable {
    /// `--control-plane` (or TAPEDECK_CONTROL_PLANE) is not `sqlite:PATH` or `postgres://…`.
    case badLocation(String, reason: String)
    /// The database refused or failed a statement.
    case database(String)
    /// The database cannot be reached (PostgreSQL down, or the socket refused).
    case unreachable(String)
    /// A stored column holds another kind of value than the store wrote: a schema from
    /// another version, or a hand edit.
    case unexpectedValue(column: String, expected: String, found: SQLValue)
    /// The database was migrated by a newer Tapedeck than this one.
    case newerSchema(store: String, applied: [String])

    public var description: String {
        switch self {
        case .badLocation(let given, let reason):
            "control plane '\(given)' not understood: \(reason) (use sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"
        case .database(let message): "control plane database error: \(message)"
        case .unreachable(let message): "control plane unreachable: \(message)"
        case .unexpectedValue(let column, let expected, let found):
            "control plane column '\(column)' holds \(found), expected \(expected): is this database from another Tapedeck version?"
        case .newerSchema(let store, let applied):
            "the \(store) tables were migrated by a newer Tapedeck (migrations \(applied.joined(separator: ", "))): upgrade this node first"
        }
    }
}
