import ArgumentParser
import Foundation
import Server

/// Where the master key comes from. Nodes that share organizations and keys must share one
/// master key, so a multi-node deployment provisions it once and gives every node the file;
/// without one, a single node keeps creating `<data>/master.key` on first use.
struct MasterKeyOption: ParsableArguments {
    @Option(help: "The 32-byte master key file (default: $TAPEDECK_MASTER_KEY_FILE, else <data>/master.key, created on first use). A given file is never created.")
    var masterKeyFile: String?

    var file: URL? {
        let path = masterKeyFile ?? ProcessInfo.processInfo.environment["TAPEDECK_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        return path.map { URL(fileURLWithPath: $0) }
    }

    func openKeyStore(data: String) throws -> KeyStore {
        try KeyStore.open(dataDirectory: URL(fileURLWithPath: data), masterKeyFile: file)
    }
}
