import ControlPlane

/// Errors from the server and its key store, with what to do about them.
public enum ServerError: Error, CustomStringConvertible, Equatable {
    case badMasterKey(String)
    case missingMasterKey(String)
    case masterKeyMismatch(database: String, recorded: String, given: String)
    case io(String)
    case unknownOrganization(String)
    case unknownKey(String)
    case invalidOrganizationName(String)
    case database(String)
    case controlPlane(ControlPlaneError)
    case configuration(String)

    public var description: String {
        switch self {
        case let .badMasterKey(path):
            return "\(path) is not a 32-byte master key; restore it from backup (the stored client secrets cannot be decrypted without it)"
        case let .missingMasterKey(path):
            return "no master key at \(path): provision the same 32-byte file on every node (e.g. head -c 32 /dev/urandom > master.key, once) and pass it with --master-key-file or TAPEDECK_MASTER_KEY_FILE"
        case let .masterKeyMismatch(database, recorded, given):
            return "\(database) was sealed with another master key (fingerprint \(recorded); this one is \(given)): use the master key this data folder was created with, or every stored client secret would be unreadable"
        case let .io(why): return why
        case let .unknownOrganization(org): return "no organization named \"\(org)\"; create a key for it with `tapedeck keys create --org \(org)`"
        case let .unknownKey(id): return "no API key with id \"\(id)\"; `tapedeck keys list` shows the ids"
        case let .invalidOrganizationName(name):
            return "\"\(name)\" is not a valid organization name: use 1-64 letters, digits, '-', '_' or '.', not starting with '.'"
        case let .database(why): return "database error: \(why)"
        case let .controlPlane(error): return error.description
        case let .configuration(why): return why
        }
    }
}
