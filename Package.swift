// swift-tools-version:6.0
import PackageDescription

// Modules follow docs/DESIGN.md: one job each, tests beside each module.
// System libraries come from Debian packages installed by tools/setup.
let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tapedeck", targets: ["tapedeck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: System libraries and C helpers
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(name: "CChecksum"),

        // MARK: Modules
        .target(name: "Journal", dependencies: ["CLZ4", "CCrypto", "CChecksum"]),
        .target(name: "StreamProtocol", dependencies: ["CCrypto"]),
        .target(name: "Audio"),
        .target(name: "Recognition", dependencies: ["CBLAS"]),
        .target(name: "Analysis", dependencies: ["CStemmer"]),
        .target(name: "Pipeline", dependencies: ["Journal", "StreamProtocol", "Audio", "Recognition", "Analysis"]),
        .target(name: "Server", dependencies: ["Pipeline"]),
        .executableTarget(name: "tapedeck", dependencies: [
            "Journal", "Pipeline", "Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Benchmarks (run by tools/bench, never by the tests)
        .executableTarget(name: "bench-journal", dependencies: ["Journal"], path: "Sources/Benchmarks/Journal"),
        .executableTarget(name: "bench-audio", dependencies: ["Audio"], path: "Sources/Benchmarks/Audio"),

        // MARK: Tests
        .testTarget(name: "JournalTests", dependencies: ["Journal"]),
        .testTarget(name: "StreamProtocolTests", dependencies: ["StreamProtocol"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio"]),
        .testTarget(name: "RecognitionTests", dependencies: ["Recognition"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"]),
        .testTarget(name: "ServerTests", dependencies: ["Server"]),
    ],
    swiftLanguageModes: [.v5]
)
