/// Errors from the server and its key store, with what to do about them.
public enum ServerError: Error, CustomStringConvertible, Equatable {
    case badMasterKey(String)
    case io(String)
    case unknownOrganization(String)
    case unknownKey(String)
    case invalidOrganizationName(String)
    case database(String)
    case configuration(String)

    public var description: String {
        switch self {
        case let .badMasterKey(path):
            return "\(path) is not a 32-byte master key; restore it from backup (the stored client secrets cannot be decrypted without it)"
        case let .io(why): return why
        case let .unknownOrganization(org): return "no organization named \"\(org)\"; create a key for it with `tapedeck keys create --org \(org)`"
        case let .unknownKey(id): return "no API key with id \"\(id)\"; `tapedeck keys list` shows the ids"
        case let .invalidOrganizationName(name):
            return "\"\(name)\" is not a valid organization name: use 1-64 letters, digits, '-', '_' or '.', not starting with '.'"
        case let .database(why): return "database error: \(why)"
        case let .configuration(why): return why
        }
    }
}
