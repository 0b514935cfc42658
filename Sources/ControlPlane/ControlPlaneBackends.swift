import Foundation
import Logging

/// The databases a location names: the stores' own (keys, sessions, nodes) and the console's
/// users. One PostgreSQL database holds both; on SQLite the console keeps `console.sqlite`
/// beside the main file, as it always has.
public struct ControlPlaneBackends: Sendable {
    public var location: ControlPlaneLocation
    public var main: any SQLBackend
    public var users: any SQLBackend

    public static func open(_ location: ControlPlaneLocation, logger: Logger = Logger(label: "tapedeck.control-plane")) throws -> ControlPlaneBackends {
        switch location {
        case .sqlite(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            return ControlPlaneBackends(location: location, main: try SQLiteBackend(path: path),
                                        users: try SQLiteBackend(path: folder.appendingPathComponent("console.sqlite").path, foreignKeys: true))
        case .postgres(let postgres):
            let backend = PostgresBackend(postgres, logger: logger)
            return ControlPlaneBackends(location: location, main: backend, users: backend)
        }
    }

    public func close() async {
        await main.close()
        if main as AnyObject !== users as AnyObject { await users.close() }
    }
}
