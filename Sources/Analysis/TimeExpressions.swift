// When a commitment is due, as said in the call ("by Thursday", "within twenty-four hours",
// "yarın saat onda", "perşembeye kadar"). The surface phrase is kept: the analyzer never resolves
// it to a calendar date, because that would need the clock.
import Foundation

enum TimeExpressions {
    static let enDays = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    static let enDayNames = Set(enDays.split(separator: "|").map(String.init))
    static let trDays = "pazartesi|salı|çarşamba|perşembe|cumartesi|cuma|pazar"
    static let trNumbers = "bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on|yirmi|otuz|kırk|elli|altmış|yüz|birkaç|[0-9]+"
    static let enNumbers = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|[0-9]+"

    static let en: [NSRegularExpression] = [
        "\\b(?:by|before|until|on|from|next)\\s+(?:the\\s+)?(?:\(enDays)|tomorrow|tonight|today|next week|the end of (?:the )?(?:day|week)|end of (?:the )?(?:day|week))(?:\\s+(?:morning|afternoon|evening|night))?\\b",
        "\\bwithin the (?:hour|day|week)\\b",
        "\\bwithin\\s+(?:the next\\s+)?(?:(?:\(enNumbers)|a|an)[- ]?){1,3}\\s*(?:working\\s+)?(?:minutes?|hours?|days?|weeks?)\\b",
        "\\bin\\s+(?:(?:\(enNumbers))(?:\\s+to\\s+(?:\(enNumbers)))?)\\s+(?:working\\s+)?(?:minutes?|hours?|days?|weeks?)\\b",
        "\\b(?:tomorrow|today|tonight|this (?:morning|afternoon|evening)|\(enDays))(?:\\s+(?:morning|afternoon|evening))?(?:\\s+at\\s+(?:\(enNumbers))(?::[0-9]{2})?(?:\\s*o'clock)?)?\\b",
        "\\bbefore\\s+(?:\(enNumbers))(?::[0-9]{2})?\\s*(?:o'clock|am|pm)?(?:\\s+today)?\\b",
        "\\bat\\s+(?:\(enNumbers))(?::[0-9]{2})\\b",
    ].map { try! NSRegularExpression(pattern: $0) }

    static let tr: [NSRegularExpression] = [
        "(?<![\\p{L}])(?:\(trDays))(?:ya|ye|a|e|dan|den|ı|i)?(?:\\s+(?:sabahı|sabah|öğleden sonraya|öğleden sonra|akşamı|akşam|günü))?(?:\\s+(?:kadar|sonra|önce))?(?![\\p{L}])",
        "(?<![\\p{L}])(?:yarın|bugün|bu akşam|bu öğleden sonra)(?:\\s+(?:sabah|akşam|öğleden sonra))?(?:\\s+saat\\s+[\\p{L}0-9:]+)?(?:\\s+(?:önce|kadar|sonra))?(?![\\p{L}])",
        "(?<![\\p{L}])(?:(?:\(trNumbers))\\s+){1,3}(?:saat|gün|iş günü|hafta|dakika)\\s+içinde(?![\\p{L}])",
        "(?<![\\p{L}])saat\\s+[\\p{L}0-9:]+(?:\\s+(?:önce|kadar|sonra))?(?![\\p{L}])",
    ].map { try! NSRegularExpression(pattern: $0) }

    /// A time said as not happening ("not today, I'm afraid", "bugün değil") is no commitment.
    static func negated(_ r: NSRange, in ns: NSString, language: String) -> Bool {
        if language == "tr" {
            let after = ns.substring(from: r.location + r.length)
            return after.hasPrefix(" değil") || after.hasPrefix(" olmaz")
        }
        let before = ns.substring(to: r.location)
        return before.hasSuffix("not ") || before.hasSuffix("n't ") || before.hasSuffix("never ")
    }

    /// The earliest, then longest, time phrase in the text that is not negated, or nil.
    static func find(_ text: String, language: String) -> String? {
        let folded = TextNorm.fold(text, language: language)
        let ns = folded as NSString
        var best: NSRange?
        for re in language == "tr" ? tr : en {
            for m in re.matches(in: folded, range: NSRange(location: 0, length: ns.length)) where !negated(m.range, in: ns, language: language) {
                guard let b = best else { best = m.range; continue }
                if m.range.location < b.location || (m.range.location == b.location && m.range.length > b.length) { best = m.range }
            }
        }
        return best.map { properNames(ns.substring(with: $0).trimmingCharacters(in: .whitespaces), language: language) }
    }

    /// The phrase was matched in folded (lower-case) text; English writes its weekdays with a capital ("by Friday
    /// afternoon"). Turkish does not.
    static func properNames(_ phrase: String, language: String) -> String {
        guard language == "en" else { return phrase }
        return phrase.split(separator: " ", omittingEmptySubsequences: false)
            .map { enDayNames.contains(String($0)) ? $0.prefix(1).uppercased() + $0.dropFirst() : String($0) }
            .joined(separator: " ")
    }
}
