import Digests
import Foundation

/// Where models live: `$TAPEDECK_MODELS/<name>/`, by default `~/.cache/tapedeck/models/<name>/`
/// (outside the clone, so CI runs and fresh clones reuse what tools/fetch-models installed).
public enum ModelStore {
    public static var root: URL {
        if let custom = ProcessInfo.processInfo.environment["TAPEDECK_MODELS"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/tapedeck/models")
    }

    public static func directory(for name: String) -> URL { root.appendingPathComponent(name) }

    /// The installed model's directory, or an error telling how to install it.
    public static func installed(_ name: String) throws -> URL {
        let directory = directory(for: name)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.bin").path) else {
            throw RecognitionError.modelMissing(name: name, path: directory.path)
        }
        return directory
    }

    /// The model's SHA-256, for engine identities in journal headers and transcript caches:
    /// the one tools/fetch-models recorded, or computed from model.bin when there is none.
    public static func digest(of directory: URL) -> String? {
        if let data = try? Data(contentsOf: directory.appendingPathComponent("MODEL-DIGEST")),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let recorded = object["sha256"] as? String {
            return recorded
        }
        guard let model = try? Data(contentsOf: directory.appendingPathComponent("model.bin"), options: .alwaysMapped) else { return nil }
        return model.withUnsafeBytes { SHA256Digest.hash($0).hexString }
    }
}

