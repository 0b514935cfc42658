// VADER-style valence model for one utterance, with the call-center overlay and Turkish morphology.
// Rules re-implemented from the VADER paper's description (Hutto & Gilbert 2014): boosters ±0.293
// (×0.95/×0.9 two/three tokens back), negation ×−0.74 within 3 tokens, contrast 0.5/1.5, "!" +0.292,
// compound = s/√(s²+15). Questions are halved (ASR calls are full of polite questions).
import Foundation

struct UtteranceSentiment: Equatable, Sendable {
    var compound: Double
    var positiveMass: Double
    var negativeMass: Double
}

enum SentimentMode: Sendable { case callCenter, plainVader }

enum SentimentScorer {
    static let negationScalar = -0.74

    static func score(_ text: TokenizedText, language: String, mode: SentimentMode = .callCenter) -> UtteranceSentiment {
        let tokens = text.tokens
        var valences = [Double](repeating: 0, count: tokens.count)
        var consumed = [Bool](repeating: false, count: tokens.count)
        let isTurkish = language == "tr" && mode == .callCenter

        if mode == .callCenter {
            for (cue, v) in (isTurkish ? SentimentLexicons.trPhrases : SentimentLexicons.enPhrases) {
                guard let at = cue.firstMatch(in: tokens) else { continue }
                let end = min(tokens.count, at + cue.parts.count)
                if (at..<end).contains(where: { consumed[$0] }) { continue }
                for k in at..<end { consumed[k] = true }
                valences[at] = v
            }
        }

        for i in tokens.indices where !consumed[i] {
            var v: Double
            var negated = false
            if isTurkish {
                guard let hit = turkishLookup(tokens[i].text) else { continue }
                v = hit.valence; negated = hit.negatedInWord || turkishNegatedAfter(tokens, i)
            } else {
                let t = tokens[i]
                let overlay = mode == .callCenter ? SentimentLexicons.enOverlay[t.text] : nil
                guard let base = overlay ?? SentimentLexicons.vader[t.text] ?? SentimentLexicons.vader[t.base], base != 0 else { continue }
                v = base
                // A turn-initial "no"/"nope" answers the agent ("no all good thanks" without ASR commas); it negates nothing.
                negated = (max(0, i - 3)..<i).contains { tokens[$0].clause == t.clause && isEnglishNegator(tokens[$0].text)
                    && !($0 == 0 && (tokens[$0].text == "no" || tokens[$0].text == "nope")) }
            }
            // Boosters/dampeners up to 3 tokens back.
            let boosters = isTurkish ? SentimentLexicons.trBoosters : SentimentLexicons.enBoosters
            for back in 1...3 where i - back >= 0 {
                let w = tokens[i - back].text
                var b = boosters[w] ?? 0
                if isTurkish && w == "hiç" && negated { b = 0.293 }  // "hiç ... değil": negative-polarity intensifier
                if b != 0 { v += (v > 0 ? b : -b) * [1.0, 0.95, 0.9][back - 1] }
            }
            if negated { v *= negationScalar }
            valences[i] = v
        }

        // Contrast: the last contrast word splits the utterance.
        let contrast = isTurkish ? SentimentLexicons.trContrast : SentimentLexicons.enContrast
        if let c = tokens.lastIndex(where: { contrast.contains($0.text) }) {
            for k in valences.indices { valences[k] *= k < c ? 0.5 : (k > c ? 1.5 : 1) }
        }

        var sum = valences.reduce(0, +)
        let isQuestion = text.questionMarks > 0 ||
            (language == "tr" && tokens.contains { SentimentLexicons.trQuestionParticles.contains($0.text) })
        if isQuestion && mode == .callCenter { sum *= 0.5 }
        if sum != 0 && text.exclamations > 0 { sum += (sum > 0 ? 1 : -1) * 0.292 * Double(min(text.exclamations, 4)) }
        let compound = sum / (sum * sum + 15).squareRoot()
        return UtteranceSentiment(compound: round3(compound),
                                  positiveMass: round3(valences.filter { $0 > 0 }.reduce(0, +)),
                                  negativeMass: round3(-valences.filter { $0 < 0 }.reduce(0, +)))
    }

    static func isEnglishNegator(_ w: String) -> Bool {
        SentimentLexicons.enNegators.contains(w) || w.hasSuffix("n't") || w.hasSuffix("nt'") 
    }

    /// Longest lexicon stem that prefixes the word; negated when the rest starts with the -mA-/-AmA- suffix.
    static func turkishLookup(_ word: String) -> (valence: Double, negatedInWord: Bool)? {
        let chars = Array(word)
        var length = chars.count
        while length >= 3 {
            let stem = String(chars[0..<length])
            if let v = SentimentLexicons.trStems[stem] {
                if v == 0 { return nil }
                return (v, suffixNegates(String(chars[length...])))
            }
            length -= 1
        }
        return nil
    }

    /// -mA- (beğen-me-dim), -mIyor (çalış-mı-yor), -mAz, -(y)AmA- (yap-ama-dım).
    static func suffixNegates(_ rest: String) -> Bool {
        let r = Array(rest)
        guard r.count >= 2 else { return false }
        if r[0] == "m" && "ae".contains(r[1]) {
            if r.count == 2 { return true }
            return "dyzsnlkm".contains(r[2])
        }
        if r[0] == "m" && "ıiuü".contains(r[1]) && rest.dropFirst(2).hasPrefix("yor") { return true }
        let s = r.first == "y" ? Array(r.dropFirst()) : r
        if s.count >= 3 && "ae".contains(s[0]) && s[1] == "m" && "aeı".contains(s[2]) { return true }
        return false
    }

    /// "memnun değilim", "sorun yok", "yardımcı olmadınız": negation carried by the next word(s).
    static func turkishNegatedAfter(_ tokens: [Token], _ i: Int) -> Bool {
        // "memnun kaldım diyemem": a negated verb of saying denies the praise before it.
        for k in (i + 1)..<min(tokens.count, i + 4) where tokens[k].clause == tokens[i].clause {
            if ["diyeme", "söyleyeme", "diyemeyece"].contains(where: { tokens[k].text.hasPrefix($0) }) { return true }
        }
        var j = i + 1
        while j < tokens.count && j <= i + 2 {
            let w = tokens[j].text
            if tokens[j].clause != tokens[i].clause { return false }
            if w.hasPrefix("değil") || w == "yok" || w.hasPrefix("yoktu") { return true }
            if w.hasPrefix("ol") || w.hasPrefix("kal") || w.hasPrefix("et") {
                let rest = String(w.dropFirst(w.hasPrefix("ol") || w.hasPrefix("et") ? 2 : 3))
                return suffixNegates(rest)
            }
            if SentimentLexicons.trBoosters[w] == nil { return false }
            j += 1
        }
        return false
    }
}

func round3(_ x: Double) -> Double {
    let r = (x * 1000).rounded() / 1000
    return r == 0 ? 0 : r  // no "-0"
}
