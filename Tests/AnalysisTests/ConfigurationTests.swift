import Foundation
import Testing
@testable import Analysis

@Suite struct ConfigurationTests {
    func write(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-config-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func defaultDigestIsPinned() {
        // Changing the shipped defaults must be deliberate: update this value and the golden files together.
        #expect(AnalysisConfiguration.default.digest == "8a3511b99ea3d7fb71c920adc05e087ee9299b1f62ef04bbbbef1438443875ca")
        #expect(AnalysisConfiguration.default.digest == AnalysisConfiguration.default.digest)
    }

    @Test func partialFileOverridesDefaultsAndKeyOrderDoesNotMatter() throws {
        let a = try AnalysisConfiguration.load(from: write(#"{"organization":"acme","thresholds":{"deadAirSeconds":5}}"#))
        let b = try AnalysisConfiguration.load(from: write(#"{"thresholds":{"deadAirSeconds":5},"organization":"acme"}"#))
        #expect(a.digest == b.digest)
        #expect(a.digest != AnalysisConfiguration.default.digest)
        #expect(a.marketing == AnalysisConfiguration.default.marketing)
        #expect(a.thresholds.deadAirSeconds == 5)
        let roundTrip = try AnalysisConfiguration.load(from: write(a.canonicalJSON))
        #expect(roundTrip == a && roundTrip.digest == a.digest)
    }

    @Test func badFilesGiveActionableErrors() throws {
        #expect(throws: AnalysisConfigurationError.badWeight(item: "empathy", weight: 500)) {
            try AnalysisConfiguration.load(from: write(#"{"rubricWeights":{"empathy":500}}"#))
        }
        #expect(throws: AnalysisConfigurationError.unknownRubricItem("charisma")) {
            try AnalysisConfiguration.load(from: write(#"{"rubricWeights":{"charisma":5}}"#))
        }
        #expect(throws: AnalysisConfigurationError.self) { try AnalysisConfiguration.load(from: write("{not json")) }
        #expect(throws: AnalysisConfigurationError.self) { try AnalysisConfiguration.load(from: URL(fileURLWithPath: "/nonexistent/x.json")) }
    }

    @Test func marketingDictionaryIsConfigurable() throws {
        let c = try AnalysisConfiguration.load(from: write(#"{"marketing":[{"id":"acme-gold","type":"plan","canonical":"Acme Gold","aliases":["acme gold","altın paket"],"fuzzy":true}]}"#))
        let snap = CallAnalyzer(configuration: c).finalAnalysis(transcript("tr", [("C", 0, 4, "Altın paketinize geçmek istiyorum lütfen")]))!
        #expect(snap.detail.marketingMentions.map(\.id) == ["acme-gold"])
        #expect(snap.detail.configDigest == c.digest)
    }
}
