/// One input-processing entry point exercised by libFuzzer (Fuzz/) and by the corpus replay test.
/// An entry point returns normally for every input; a violated invariant is a `preconditionFailure`,
/// which libFuzzer reports as a crash like any other trap.
public struct FuzzTarget: Sendable {
    public var name: String
    public var run: @Sendable ([UInt8]) -> Void

    /// Every target, by the name `tools/fuzz` and the corpus folders (Tests/Fixtures/fuzz/<name>) use.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "protocol", run: { ProtocolFuzzing.run($0) }),
        FuzzTarget(name: "journal", run: { JournalFuzzing.run($0) }),
        FuzzTarget(name: "wav", run: { WAVFuzzing.run($0) }),
        FuzzTarget(name: "signature", run: { SignatureFuzzing.run($0) }),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
