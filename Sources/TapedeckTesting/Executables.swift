import Foundation

/// An executable product of this package (`tapedeck`, `tapedeck-journal-probe`), found beside the
/// running test binary: SwiftPM puts both in the same build folder, one level up when the tests
/// run from an `.xctest` bundle. When it is not found the expected path is returned anyway, so
/// launching it fails with a message that names where it was looked for.
public func builtExecutable(named name: String) -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return dir.appendingPathComponent(name)
}
