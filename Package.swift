// swift-tools-version:6.0
import PackageDescription

// Modules follow docs/DESIGN.md: one job each, tests beside each module.
// System libraries come from Debian packages installed by tools/setup.

let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v15)],  // v15: the standard library's Mutex
    products: [
        .executable(name: "tapedeck", targets: ["tapedeck"]),
        // For the libFuzzer package in Fuzz/, which builds these with coverage instrumentation.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.22.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: System libraries and C helpers
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(name: "CChecksum"),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Digests", dependencies: ["CCrypto"]),

        // MARK: Modules
        // CoreMetrics only (the API, no backend): the fsync timer goes to whatever the process bootstrapped.
        .target(name: "Journal", dependencies: ["CLZ4", "CChecksum", "Digests", .product(name: "CoreMetrics", package: "swift-metrics")]),
        .target(name: "StreamProtocol", dependencies: ["Digests"]),
        .target(name: "Audio"),
        .target(name: "Recognition", dependencies: ["CBLAS", "CKernels", "Digests"]),
        .target(name: "Analysis", dependencies: ["CStemmer", "Digests"], exclude: ["Resources/NOTICE"]),
        // Keys, users, sessions and nodes: SQLite on one node, PostgreSQL for a cluster (docs/operations.md).
        .target(name: "ControlPlane", dependencies: [
            "Digests",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .target(name: "Pipeline", dependencies: ["Journal", "ControlPlane", "Digests", "StreamProtocol", "Audio", "Recognition", "Analysis",
                                         .product(name: "Logging", package: "swift-log")]),
        .target(name: "Server", dependencies: [
            "Pipeline", "ControlPlane", "Recognition", "Journal", "StreamProtocol", "Audio", "CCrypto",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The WebSocket client of `tapedeck send`, the pipeline benchmark and the end-to-end tests;
        // a library of its own so that the server does not carry a client.
        .target(name: "StreamClient", dependencies: [
            "Audio", "StreamProtocol",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The operator console: web pages on the server's port (docs/console.md).
        .target(name: "Console", dependencies: [
            "Server", "ControlPlane", "Pipeline", "Journal", "Audio", "Digests",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .executableTarget(name: "tapedeck", dependencies: [
            "Journal", "ControlPlane", "Pipeline", "Server", "Console", "StreamClient", "StreamProtocol", "Audio", "Recognition", "Analysis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Entry points shared by the libFuzzer targets (Fuzz/) and the corpus replay test.
        .target(name: "FuzzTargets", dependencies: ["StreamProtocol", "Journal", "Audio"]),

        // MARK: Benchmarks (run by tools/bench, never by the tests)
        .executableTarget(name: "bench-journal", dependencies: ["Journal"], path: "Sources/Benchmarks/Journal"),
        .executableTarget(name: "bench-asr", dependencies: ["Recognition", "Audio"], path: "Sources/Benchmarks/ASR"),
        .executableTarget(name: "bench-analysis", dependencies: ["Analysis", "Audio"], path: "Sources/Benchmarks/Analysis"),
        .executableTarget(name: "bench-audio", dependencies: ["Audio"], path: "Sources/Benchmarks/Audio"),
        .executableTarget(name: "bench-pipeline", dependencies: ["Server", "StreamClient", "Pipeline", "Audio", "StreamProtocol"], path: "Sources/Benchmarks/Pipeline"),
        // Used by JournalTests to crash a real writer process.
        .executableTarget(name: "tapedeck-journal-probe", dependencies: ["Journal"], path: "Sources/JournalProbe"),

        // MARK: Tests
        // Support shared by the test targets (never linked into the product).
        .target(name: "TapedeckTesting", dependencies: ["Audio", "StreamClient", "Journal", "Pipeline", "Recognition", "ControlPlane"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "TapedeckTesting"]),
        .testTarget(name: "StreamProtocolTests", dependencies: [
            "StreamProtocol",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets", "Journal", "Audio"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "TapedeckTesting"]),
        .testTarget(name: "RecognitionTests", dependencies: ["Recognition", "Audio", "TapedeckTesting"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Journal", "Audio", "Recognition", "Analysis", "StreamProtocol", "TapedeckTesting"]),
        .testTarget(name: "ConsoleTests", dependencies: [
            "Console", "Server", "Digests", "Pipeline", "StreamProtocol", "TapedeckTesting", "ControlPlane",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Pipeline", "StreamProtocol", "Journal", "Recognition", "Audio", "Analysis", "TapedeckTesting", "ControlPlane", "StreamClient", "Digests",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
    ],
    // Every target in Swift 6 language mode: complete concurrency checking.
    swiftLanguageModes: [.v6]
)
