import Foundation
import Testing
import FuzzTargets

/// Replays every committed seed and regression input (Tests/Fixtures/fuzz/<target>/, regressions/
/// included) through the libFuzzer entry points, so CI catches a reintroduced crash without
/// libFuzzer. An input that traps kills the test process, which fails the run.
@Suite struct CorpusReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static func inputs(of target: String) throws -> [URL] {
        let folder = root.appendingPathComponent(target)
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return try walker.compactMap { $0 as? URL }
            .filter { try $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true }
            .sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyCommittedInputRunsCleanly(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let files = try Self.inputs(of: name)
        #expect(!files.isEmpty, "Tests/Fixtures/fuzz/\(name) holds no seed inputs")
        for file in files {
            target.run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test func everyTargetHasACorpusFolder() throws {
        let folders = try FileManager.default.contentsOfDirectory(at: Self.root, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { try $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory == true }
            .map(\.lastPathComponent).sorted()
        #expect(folders == FuzzTarget.all.map(\.name).sorted())
    }
}
