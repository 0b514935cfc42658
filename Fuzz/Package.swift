// swift-tools-version:6.0
import PackageDescription

// libFuzzer executables, kept out of the main package so `swift build`/`swift test` never need
// -sanitize=fuzzer. Build and run them with tools/fuzz (swift build -c release --sanitize fuzzer).
let targets = ["protocol", "journal", "wav", "signature"]

let package = Package(
    name: "TapedeckFuzz",
    dependencies: [.package(name: "Tapedeck", path: "..")],
    targets: targets.map {
        .executableTarget(name: "fuzz-\($0)", dependencies: [.product(name: "FuzzTargets", package: "Tapedeck")])
    },
    swiftLanguageModes: [.v5]
)
