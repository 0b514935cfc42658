// Facts the summary takes from the call's own words, beyond the topic: the amount of money the
// customer named ("sixty-four pounds", "üç yüz yirmi lira") and the team that owns a commitment ("the
// billing team will call you", "Muhasebe ekibimiz arayacak"). Only these short spans are lifted from
// the transcript, never a whole sentence, so recognition noise around them stays out of the summary.
// Regular expressions run on the folded tokens joined by spaces, fixed patterns, no locale.
import Foundation

enum SummaryFacts {
    static let enNumber = "(?:[0-9]+(?:[.,][0-9]+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|a)"
    static let trNumber = "(?:[0-9]+(?:[.,][0-9]+)?|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on|yirmi|otuz|kırk|elli|altmış|yetmiş|seksen|doksan|yüz|bin)"
    static let enAmount = try! NSRegularExpression(pattern:
        "\\b\(enNumber)(?:(?:[- ]|\\sand\\s)\(enNumber))*\\s(?:pounds?|quid|dollars?|euros?|pence|lira)\\b")
    static let trAmount = try! NSRegularExpression(pattern:
        "(?<![\\p{L}])\(trNumber)(?:\\s\(trNumber))*\\s(?:lira|tl|euro|dolar|avro)(?:lık|lik)?(?![\\p{L}])")
    static let enTeam = try! NSRegularExpression(pattern: "\\b(?:our|the|my)\\s((?:[a-z]+\\s){0,2}?)(?:team|department)\\b")
    static let trTeam = try! NSRegularExpression(pattern: "(?<![\\p{L}])((?:[\\p{L}]+\\s){1,2}?)(?:ekib|birim)[\\p{L}]*(?![\\p{L}])")

    static func text(_ f: UtteranceFeatures) -> String { f.tokenized.tokens.map(\.text).joined(separator: " ") }

    static func firstMatch(_ r: NSRegularExpression, _ s: String, group: Int = 0) -> String? {
        let ns = s as NSString
        guard let m = r.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return nil }
        let range = m.range(at: group)
        guard range.location != NSNotFound else { return nil }
        return ns.substring(with: range).trimmingCharacters(in: .whitespaces)
    }

    /// The first amount of money the customer named, as said ("sixty-four pounds"); nil when none.
    static func amount(_ customer: [UtteranceFeatures]) -> String? {
        for c in customer {
            let tr = c.utterance.language == "tr"
            // "a pound" alone is no amount worth a summary; a number must lead.
            if let a = firstMatch(tr ? trAmount : enAmount, text(c)), !a.hasPrefix("a ") { return a }
        }
        return nil
    }

    /// Words that name no team: "the team", "our same team", pronouns.
    static let enNotTeam: Set<String> = ["same", "whole", "other", "right", "a", "an", "this", "that"]
    static let trNotTeam: Set<String> = ["bu", "o", "şu", "ilgili", "bir", "sizi", "size", "hemen", "şimdi", "konuya", "konuyu", "bakan"]

    /// The team named in a commitment turn ("billing", "Uzman"), nil when the agent promised it personally.
    static func team(_ f: UtteranceFeatures) -> String? {
        let tr = f.utterance.language == "tr"
        guard let raw = firstMatch(tr ? trTeam : enTeam, text(f), group: 1) else { return nil }
        let words = raw.split(separator: " ").map(String.init).filter { !(tr ? trNotTeam : enNotTeam).contains($0) }
        // Turkish: the word right before "ekibimiz" is the team's name; "bir kayıt ... ekibe" names none.
        let name = tr ? words.suffix(1) : words[...]
        let joined = name.joined(separator: " ")
        return joined.isEmpty || joined.count > 30 ? nil : joined
    }

    /// Irregular past participles and the past tense the summary says ("I've taken it off" → "took it off").
    static let enIrregular: [String: String] = ["sent": "sent", "put": "put", "taken": "took", "made": "made", "done": "did", "set": "set",
        "given": "gave", "found": "found", "paid": "paid", "split": "split", "brought": "brought", "written": "wrote", "run": "ran",
        "kept": "kept", "built": "built", "reset": "reset", "sorted": "sorted"]
    /// Fillers end a span on ASR text, which has no punctuation to end the clause.
    static let enDangling: Set<String> = ["to", "their", "the", "a", "an", "on", "for", "of", "and", "with", "from", "in", "into", "at", "by"]
    static let enFillers: Set<String> = ["um", "uh", "erm", "er", "hmm"]
    static let enClauseEnd: Set<String> = ["so", "which", "because", "but", "and", "then"]
    static let enNewSubject: Set<String> = ["the", "it", "it's", "your", "you", "you'll", "you're", "i", "i'll", "that", "this", "there", "we", "they"]
    static let enPerson: [String: String] = ["your": "their", "you": "them", "you're": "they're", "yours": "theirs", "yourself": "themselves"]

    /// What the agent did, in the agent's own words, turned to the third person: "I've cancelled the duplicate charge
    /// and credited your card" → "cancelled the duplicate charge and credited their card". English only (Turkish verb
    /// and possessive endings would need rewriting, so the Turkish summary keeps the outcome key). nil when the turn
    /// has no "I've <done>" clause of at least two words.
    static func action(_ f: UtteranceFeatures) -> String? {
        guard f.utterance.language != "tr" else { return nil }
        let tokens = f.tokenized.tokens
        let t = tokens.map(\.text)
        for k in t.indices {
            var start: Int? = nil
            if t[k] == "i've" || t[k] == "we've" { start = k + 1 }
            else if (t[k] == "i" || t[k] == "we") && k + 1 < t.count && t[k + 1] == "have" { start = k + 2 }
            guard var i = start, i < t.count else { continue }
            if t[i] == "just" || t[i] == "also" || t[i] == "now" { i += 1 }
            guard i < t.count, t[i].hasSuffix("ed") || enIrregular[t[i]] != nil, !["need", "tried", "checked", "looked", "noted"].contains(t[i]) else { continue }
            var words: [String] = []
            var j = i
            while j < t.count, tokens[j].clause == tokens[i].clause, words.count < 12 {
                if j > i && (enFillers.contains(t[j]) || ["i've", "i'll", "we've", "i'm", "it'll", "you'll"].contains(t[j])) { break }
                if enClauseEnd.contains(t[j]) && j > i {
                    // "refunded the payment and removed the charge" goes on; "and the money is back" starts a new clause.
                    guard t[j] == "and", j + 1 < t.count, !enNewSubject.contains(t[j + 1]) else { break }
                }
                words.append(j == i ? (enIrregular[t[j]] ?? t[j]) : (enPerson[t[j]] ?? t[j]))
                j += 1
            }
            // A span cut by the length cap must not end on "to their" or "and the".
            while let w = words.last, words.count > 2, enDangling.contains(w) { words.removeLast() }
            if words.count >= 2 { return Summaries.clip(words.joined(separator: " "), 100) }
        }
        return nil
    }
}
