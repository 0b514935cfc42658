// Per-organization analysis settings: marketing dictionary, rubric weights, thresholds.
// The digest of the canonical JSON goes into journal headers so a replay can prove it used the same settings.
import Foundation
import Digests

public struct MarketingEntry: Codable, Equatable, Sendable {
    public var id: String
    /// product | plan | campaign | brand | competitor
    public var type: String
    public var canonical: String
    public var aliases: [String]
    public var fuzzy: Bool
    public init(id: String, type: String, canonical: String, aliases: [String], fuzzy: Bool) {
        self.id = id; self.type = type; self.canonical = canonical; self.aliases = aliases; self.fuzzy = fuzzy
    }
}

public struct AnalysisThresholds: Codable, Equatable, Sendable {
    public var minWords: Int = 5
    public var turnPositive: Double = 0.05
    public var turnNegative: Double = -0.05
    public var callPositive: Double = 0.25
    public var callNegative: Double = -0.25
    public var hysteresisMargin: Double = 0.15
    public var hysteresisUpdates: Int = 2
    public var deadAirSeconds: Double = 10
    public var longHoldSeconds: Double = 60
    public var totalHoldSeconds: Double = 120
    public var interruptionOverlapSeconds: Double = 0.5
    public var interruptionMinSegmentSeconds: Double = 1.0
    public var maxAgentInterruptions: Int = 2
    public var talkRatioMin: Double = 0.35
    public var talkRatioMax: Double = 0.65
    public init() {}

    // Every key is optional in a settings file; absent keys keep the shipped default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AnalysisThresholds()
        func v<T: Decodable>(_ k: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? fallback }
        minWords = try v(.minWords, d.minWords)
        turnPositive = try v(.turnPositive, d.turnPositive); turnNegative = try v(.turnNegative, d.turnNegative)
        callPositive = try v(.callPositive, d.callPositive); callNegative = try v(.callNegative, d.callNegative)
        hysteresisMargin = try v(.hysteresisMargin, d.hysteresisMargin); hysteresisUpdates = try v(.hysteresisUpdates, d.hysteresisUpdates)
        deadAirSeconds = try v(.deadAirSeconds, d.deadAirSeconds); longHoldSeconds = try v(.longHoldSeconds, d.longHoldSeconds)
        totalHoldSeconds = try v(.totalHoldSeconds, d.totalHoldSeconds)
        interruptionOverlapSeconds = try v(.interruptionOverlapSeconds, d.interruptionOverlapSeconds)
        interruptionMinSegmentSeconds = try v(.interruptionMinSegmentSeconds, d.interruptionMinSegmentSeconds)
        maxAgentInterruptions = try v(.maxAgentInterruptions, d.maxAgentInterruptions)
        talkRatioMin = try v(.talkRatioMin, d.talkRatioMin); talkRatioMax = try v(.talkRatioMax, d.talkRatioMax)
    }
}

public enum AnalysisConfigurationError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case badWeight(item: String, weight: Int)
    case unknownRubricItem(String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read analysis settings \(p): \(r)"
        case .invalid(let p, let r): return "analysis settings \(p) are not valid JSON for AnalysisConfiguration: \(r)"
        case .badWeight(let i, let w): return "rubric weight for \(i) is \(w); use an integer from 0 to 100"
        case .unknownRubricItem(let i): return "unknown rubric item \(i); known items: \(RubricItem.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

public struct AnalysisConfiguration: Codable, Equatable, Sendable {
    public var organization: String
    public var marketing: [MarketingEntry]
    /// Rubric item id → weight (0 disables the item). Iterated in RubricItem order, never dictionary order.
    public var rubricWeights: [String: Int]
    public var thresholds: AnalysisThresholds

    public init(organization: String, marketing: [MarketingEntry], rubricWeights: [String: Int], thresholds: AnalysisThresholds) {
        self.organization = organization; self.marketing = marketing
        self.rubricWeights = rubricWeights; self.thresholds = thresholds
    }

    // Missing keys fall back to the shipped defaults, so an org file can override just one threshold.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AnalysisConfiguration.default
        organization = try c.decodeIfPresent(String.self, forKey: .organization) ?? d.organization
        marketing = try c.decodeIfPresent([MarketingEntry].self, forKey: .marketing) ?? d.marketing
        var weights = d.rubricWeights
        for (k, v) in try c.decodeIfPresent([String: Int].self, forKey: .rubricWeights) ?? [:] { weights[k] = v }
        rubricWeights = weights
        thresholds = try c.decodeIfPresent(AnalysisThresholds.self, forKey: .thresholds) ?? d.thresholds
    }

    public static let `default` = AnalysisConfiguration(
        organization: "default",
        marketing: DefaultMarketing.entries,
        rubricWeights: Dictionary(uniqueKeysWithValues: RubricItem.allCases.map { ($0.rawValue, $0.defaultWeight) }),
        thresholds: AnalysisThresholds())

    public static func load(from url: URL) throws -> AnalysisConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AnalysisConfigurationError.unreadable(path: url.path, reason: "\(error)")
        }
        let config: AnalysisConfiguration
        do { config = try JSONDecoder().decode(AnalysisConfiguration.self, from: data) } catch {
            throw AnalysisConfigurationError.invalid(path: url.path, reason: "\(error)")
        }
        try config.validate()
        return config
    }

    public func validate() throws {
        for key in rubricWeights.keys.sorted() {
            guard RubricItem(rawValue: key) != nil else { throw AnalysisConfigurationError.unknownRubricItem(key) }
            let w = rubricWeights[key]!
            guard (0...100).contains(w) else { throw AnalysisConfigurationError.badWeight(item: key, weight: w) }
        }
    }

    /// Canonical form: sorted keys, no whitespace. Doubles print in Swift's shortest round-trip form.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// SHA-256 hex of `canonicalJSON`.
    public var digest: String { SHA256Digest.hash(Array(canonicalJSON.utf8)).hexString }

    func weight(_ item: RubricItem) -> Int { rubricWeights[item.rawValue] ?? item.defaultWeight }
}

enum DefaultMarketing {
    // A neutral telecom example; every organization is expected to ship its own list.
    static let entries: [MarketingEntry] = [
        MarketingEntry(id: "turkcell", type: "competitor", canonical: "Turkcell", aliases: ["turkcell"], fuzzy: true),
        MarketingEntry(id: "vodafone", type: "competitor", canonical: "Vodafone", aliases: ["vodafone"], fuzzy: true),
        MarketingEntry(id: "turk-telekom", type: "competitor", canonical: "Türk Telekom", aliases: ["türk telekom", "turk telekom", "tt"], fuzzy: true),
        MarketingEntry(id: "superonline", type: "competitor", canonical: "Superonline", aliases: ["superonline"], fuzzy: true),
        MarketingEntry(id: "fiber-100", type: "product", canonical: "Fiber 100", aliases: ["fiber 100", "fiber yüz", "fiber hundred"], fuzzy: false),
        MarketingEntry(id: "unlimited-plan", type: "plan", canonical: "Unlimited Plan", aliases: ["unlimited plan", "sınırsız paket", "sınırsız tarife"], fuzzy: true),
        MarketingEntry(id: "summer-campaign", type: "campaign", canonical: "Summer Campaign", aliases: ["summer campaign", "summer deal", "yaz kampanyası", "yaz kampanya"], fuzzy: true),
        MarketingEntry(id: "netflix", type: "brand", canonical: "Netflix", aliases: ["netflix"], fuzzy: true),
        MarketingEntry(id: "iphone", type: "product", canonical: "iPhone", aliases: ["iphone"], fuzzy: true),
    ]
}
