// Speaker roles on mono calls (the seed dialect has one channel): agent or customer per utterance from
// what is said and how turns follow each other, with a confidence. Deterministic: fixed weights, a
// two-state hidden Markov model, forward-backward in Double arithmetic over the utterances in order.
//
// Why an HMM and not per-turn rules: one turn rarely carries a cue ("Okay.", "Yes, go ahead."), but
// its neighbours usually do, and speakers mostly alternate. The emission of a turn is a log-odds
// score from cue sets (the agent greets, verifies, apologises, holds, transfers, states finished
// actions and closes; the customer states problems, repeats, threatens to leave, thanks for a fix),
// and the transition prior says a new utterance is more often the other speaker than the same one.
//
// Turn-taking cues (session 6): the transition at each utterance boundary depends on structure, not
// words alone. A first pair part (a question, a request for verification details, an offer, a hold or
// "anything else?" check) is answered by the other side; an utterance that starts before the previous
// one ended is the other speaker talking over it; a long silence after a turn is mostly the same speaker
// coming back (the agent after a hold or a lookup). The rates were read off the development set's tuning
// half (stereo calls: 80 % of boundaries change speaker, 95 % after a question, all overlaps, none of
// the ≥ 1 s pauses after "let me check"), never off the check half or the held-out sets.
import Foundation

/// How the roles of a call were found, and how sure that is.
public struct RoleDetail: Codable, Equatable, Sendable {
    /// channels: stereo audio (or the transcript) said who spoke; text: inferred from the words and turn order;
    /// text+voice: from those and the voices' pitch, which fell into two clearly separate groups.
    public var source: String
    /// Mean over utterances of the posterior probability of the chosen role (1 for channels).
    public var confidence: Double
    /// True when the rubric and customer sentiment used the inferred roles (confidence ≥ the threshold).
    public var used: Bool
    /// Per utterance (text source only): index, role chosen, its posterior.
    public var turns: [RoleGuess]
}

public struct RoleGuess: Codable, Equatable, Sendable {
    public var turn: Int
    public var role: SpeakerRole
    public var confidence: Double
}

enum SpeakerRoles {
    /// Below this mean confidence the inferred roles are reported but not used: the agent score stays unknown.
    static let minConfidence = 0.75
    /// P(next utterance is the other speaker).
    static let switchProbability = 0.55
    /// P(next utterance is the other speaker) after a first pair part (a question, a verification request, an offer).
    static let afterQuestionSwitch = 0.9
    /// P(other speaker) when the utterance starts before the previous one ended (talk-over).
    static let overlapSwitch = 0.95
    /// P(other speaker) after a pause of `longPause` seconds or more that follows an announced lookup or hold.
    static let afterLookupPauseSwitch = 0.2
    static let longPause = 5.0
    /// P(other speaker) at a boundary without a structural cue, by how many utterances the current speaker has
    /// already said in a row (1, 2, 3 or more): a fixed prior, not fitted.
    static let runSwitch = [0.55, 0.7, 0.85]

    /// Cue sets that open an adjacency pair: what follows is the other side's answer.
    static let firstPairParts = ["verificationAsk", "resolutionCheck", "retention", "holdPermission"]

    /// P(utterance k is spoken by the other speaker than utterance k-1), from turn-taking structure.
    static func switchProbability(_ f: [UtteranceFeatures], at k: Int) -> Double {
        guard k > 0 else { return switchProbability }
        let prev = f[k - 1], cur = f[k]
        let gap = cur.utterance.start - prev.utterance.end
        if gap < -0.05 { return overlapSwitch }
        if gap >= longPause && (lookingUp(prev.tokenized, language: prev.utterance.language) || prev.cues["hold"] != nil || prev.cues["holdPermission"] != nil) {
            return afterLookupPauseSwitch
        }
        if endsWithQuestion(prev) || firstPairParts.contains(where: { prev.cues[$0] != nil }) { return afterQuestionSwitch }
        return switchProbability
    }

    /// A question mark, or (ASR text has no punctuation) a question word opening or a question particle closing the turn.
    static func endsWithQuestion(_ f: UtteranceFeatures) -> Bool {
        if f.tokenized.questionMarks > 0 { return true }
        let t = f.tokenized.tokens.map(\.text)
        guard let last = t.last, let first = t.first else { return false }
        if f.utterance.language == "tr" { return ["mı", "mi", "mu", "mü", "mısınız", "misiniz", "musunuz", "müsünüz", "mıyım", "miyim"].contains(last) || last.hasSuffix("mısınız") || last.hasSuffix("misiniz") }
        return ["how", "what", "can", "could", "would", "do", "does", "did", "is", "are", "which", "when", "where", "why", "may"].contains(first)
    }

    // Cue sets that speak for each side, with their log-odds weight (positive: agent).
    static let agentCues: [(String, Double)] = [
        ("greeting", 1.5), ("introduction", 3.0), ("empathy", 2.5), ("hold", 2.5), ("holdThanks", 3.0), ("holdPermission", 2.5),
        ("transfer", 2.5), ("callback", 2.5), ("verificationAsk", 3.0), ("resolutionCheck", 3.0), ("closing", 1.5),
        ("unhelpful", 2.5), ("escalationRefused", 3.0), ("escalationAccepted", 3.0), ("pendingWork", 2.0), ("retention", 3.0),
        ("outcome", 2.0), ("nextStep", 2.0), ("verificationFail", 2.0),
    ]
    static let customerCues: [(String, Double)] = [
        ("problem", 1.5), ("repeatInfo", 3.0), ("crossCall", 3.0), ("churn", 3.0), ("anger", 2.5), ("escalation", 2.5), ("conditionalThreat", 2.5),
        ("disappointment", 2.5), ("anxiety", 2.5), ("confusion", 2.0), ("customerResolved", 2.5), ("frustration", 2.0),
        ("sarcasmMarker", 1.0), ("decline", 1.0), ("gratitude", 0.5),
    ]

    /// Agent log-odds of one utterance from its words alone (no context).
    static func evidence(_ f: UtteranceFeatures, first: Bool) -> Double {
        var s = 0.0
        let addressee = person(f.tokenized, language: f.utterance.language)
        for (k, w) in agentCues where f.cues[k] != nil {
            // Verification details said back ("the postcode is BN2 4AX") are the customer's answer; only asking them is the agent's.
            if k == "verificationAsk" && !asks(f) { continue }
            // "I'll wait for the call then" accepts a next step; the agent's one is said to the listener ("we'll call you").
            if (k == "nextStep" || k == "callback") && !addressesListener(f) { continue }
            // "This is really frustrating" is the speaker's own feeling; the agent's empathy gives it to the listener:
            // "that must be frustrating", "I know it's frustrating for you", "can sıkıcı olduğunu anlıyorum".
            if k == "empathy" && ownFeeling(f) { continue }
            // "This is Jo", "I'm Sam" introduce the agent; "This is really frustrating", "I'm calling about" do not.
            if k == "introduction" && !introducesSomeone(f) { continue }
            s += w
        }
        for (k, w) in customerCues where f.cues[k] != nil {
            // "Can you explain the problem again?" asks for a repeat (the agent); "I already told you" is one (the customer).
            // "Can you explain the problem again?" is the agent asking about the customer's problem.
            if (k == "repeatInfo" || k == "crossCall" || k == "problem") && asks(f) && addressee > 0 { continue }
            s -= w
        }
        if f.finishedAction != nil { s += 2.0 }
        s += addressee
        if lookingUp(f.tokenized, language: f.utterance.language) { s += 2.0 }
        // Strong negative feeling is the customer's: agents, even dismissive ones, rarely say "outrageous" or "a complete joke".
        if f.sentiment.compound <= -0.5 { s -= 1.5 }
        // Calls open with the agent's greeting; a first turn without any cue still leans agent.
        if first { s += 1.5 }
        return max(-6, min(6, s))
    }

    /// The empathy cue matched only a feeling word ("frustrating", "can sıkıcı") said without turning to the listener.
    static func ownFeeling(_ f: UtteranceFeatures) -> Bool {
        guard let m = f.cues["empathy"], ["frustrating", "annoying", "stressful", "can sıkıcı"].contains(m) else { return false }
        let t = f.tokenized.tokens.map(\.text)
        return !addressesListener(f) && !t.contains("that") && !t.contains("that's") && !t.contains("sorry") && !t.contains { $0.hasPrefix("anlıyor") || $0.hasPrefix("üzgün") }
    }

    /// An introduction cue that is only "this is" or "I'm" needs a name after it (a capitalised word, as recognised
    /// text writes names); the other introduction cues ("my name is", "you're through to", "adım") stand alone.
    static func introducesSomeone(_ f: UtteranceFeatures) -> Bool {
        guard let m = f.cues["introduction"], m == "this is" || m == "i'm" else { return true }
        return nameAfter.firstMatch(in: f.utterance.text, range: NSRange(location: 0, length: (f.utterance.text as NSString).length)) != nil
    }
    static let nameAfter = try! NSRegularExpression(pattern: "\\b(?:[Tt]his is|I'm|I am) (?:\\p{Lu})")

    /// The turn asks for something: a question, or an English/Turkish request form ("can I take", "alabilir miyim").
    static func asks(_ f: UtteranceFeatures) -> Bool {
        if endsWithQuestion(f) { return true }
        let t = f.tokenized.tokens.map(\.text)
        if f.utterance.language == "tr" { return t.contains { $0.hasSuffix("abilir") || $0.hasSuffix("ebilir") || ["alayım", "rica", "söyler", "verir"].contains($0) } }
        for k in t.indices.dropLast() where ["can", "could", "may", "what's", "whats"].contains(t[k]) && ["i", "you", "your"].contains(t[k + 1]) { return true }
        return t.contains("please") || t.first == "what's" || t.contains("what's")
    }

    /// The turn speaks to the listener or for the company: "you", "your", "we", "our team", "-iniz", "ekibimiz".
    static func addressesListener(_ f: UtteranceFeatures) -> Bool {
        let t = f.tokenized.tokens.map(\.text)
        if f.utterance.language == "tr" {
            return t.contains { trSecond.contains($0) || ($0.count >= 6 && trSecondSuffixes.contains(where: $0.hasSuffix)) || $0.hasPrefix("ekib") || $0.hasPrefix("biz") }
        }
        return t.contains { enSecond.contains($0) || ["we", "we'll", "we've", "our", "team", "they'll"].contains($0) }
    }

    static let enSecond: Set<String> = ["you", "your", "you're", "you'll", "you've", "yours", "yourself"]
    static let enFirst: Set<String> = ["my", "me", "mine", "myself"]
    static let trSecond: Set<String> = ["siz", "sizin", "size", "sizi", "sizden", "sizde"]
    static let trSecondSuffixes = ["sınız", "siniz", "sunuz", "sünüz", "nız", "niz", "nuz", "nüz", "nızı", "nizi", "nıza", "nize", "nızın", "nizin"]
    static let trFirst: Set<String> = ["ben", "benim", "bana", "beni", "bende", "benden"]
    static let trFirstSuffixes = ["ıyorum", "iyorum", "uyorum", "üyorum", "mıyorum", "miyorum"]

    /// Who the turn talks about: agents speak of "your account", "you can"; customers of "my bill", "me".
    /// Weak per word and capped: both sides use both persons now and then.
    static func person(_ tok: TokenizedText, language: String) -> Double {
        var second = 0, first = 0
        for w in tok.tokens.map(\.text) {
            if language == "tr" {
                if trSecond.contains(w) || (w.count >= 6 && trSecondSuffixes.contains { w.hasSuffix($0) }) { second += 1 }
                else if trFirst.contains(w) || (w.count >= 6 && trFirstSuffixes.contains { w.hasSuffix($0) }) { first += 1 }
            } else {
                if enSecond.contains(w) { second += 1 } else if enFirst.contains(w) { first += 1 }
            }
        }
        return 0.5 * Double(min(second, 3)) - 0.5 * Double(min(first, 3))
    }

    /// Work on the customer's record said aloud: "let me have a look", "I can see", "bakayım", "kontrol edeyim", "görüyorum".
    static func lookingUp(_ tok: TokenizedText, language: String) -> Bool {
        let t = tok.tokens.map(\.text)
        if language == "tr" {
            if t.contains(where: { ["bakayım", "bakıyorum", "görüyorum", "edeyim", "inceliyorum", "kontrol", "buradan"].contains($0) }) { return true }
            // "benim tarafımda / tarafımdan": the agent speaking of their own screen.
            return zip(t, t.dropFirst()).contains { $0.0 == "benim" && $0.1.hasPrefix("taraf") }
        }
        for k in t.indices.dropLast() {
            let pair = (t[k], t[k + 1])
            if pair == ("let", "me") || pair == ("i", "can") && k + 2 < t.count && t[k + 2] == "see" || pair == ("bear", "with")
                || pair == ("one", "moment") || pair == ("pulling", "up") { return true }
            // The agent's view of the system: "I can't see that from here", "on my end", "from my side".
            if pair == ("from", "here") || ["my"].contains(t[k]) && ["end", "side", "screen"].contains(t[k + 1]) { return true }
        }
        return false
    }

    /// Roles for a mono call. `f` in call order.
    static func infer(_ f: [UtteranceFeatures]) -> RoleDetail {
        guard !f.isEmpty else { return RoleDetail(source: "text", confidence: 0, used: false, turns: []) }
        // Emission likelihoods P(words | agent), P(words | customer) ∝ e^{±s/2}.
        let e: [(Double, Double)] = f.enumerated().map { k, x in
            let s = evidence(x, first: k == 0)
            return (exp(s / 2), exp(-s / 2))
        }
        // A question is answered by the other side (adjacency pairs): after one, a change of speaker is much likelier.
        let move: [Double] = f.indices.map { switchProbability(f, at: $0) }
        let agent: [Double]
        // Two voices on one line: each pitch group is one speaker for the whole call. Which group is the agent is not
        // known, so both ways are weighed by how well each explains the words and turns, and the posteriors mixed.
        let groups = voiceGroups(f)
        if let g = groups {
            let highAgent = posteriors(voiced(e, g, highIsAgent: true), move: move)
            let highCustomer = posteriors(voiced(e, g, highIsAgent: false), move: move)
            let w = 1 / (1 + exp(max(-700, min(700, highCustomer.logLikelihood - highAgent.logLikelihood))))
            agent = zip(highAgent.agent, highCustomer.agent).map { w * $0 + (1 - w) * $1 }
        } else {
            agent = posteriors(e, move: move).agent
        }
        var turns: [RoleGuess] = []
        for k in f.indices {
            let p = agent[k]
            turns.append(RoleGuess(turn: f[k].utterance.index, role: p >= 0.5 ? .agent : .customer, confidence: round3(max(p, 1 - p))))
        }
        let mean = round3(turns.map(\.confidence).reduce(0, +) / Double(turns.count))
        // Both sides must speak for the roles to mean anything.
        let bothSides = turns.contains { $0.role == .agent } && turns.contains { $0.role == .customer }
        return RoleDetail(source: groups == nil ? "text" : "text+voice", confidence: mean, used: bothSides && mean >= minConfidence, turns: turns)
    }

    /// Forward-backward over the utterances: P(agent) for each, and the log-likelihood of everything observed (the
    /// sum of the forward pass's normalisers), which compares two explanations of the same call.
    static func posteriors(_ e: [(Double, Double)], move: [Double]) -> (agent: [Double], logLikelihood: Double) {
        // States: (role, how many utterances in a row that role has held the floor, capped at `maxRun`). A speaker
        // keeping the floor for a third and fourth utterance is rarer than for a second, so the chance of a change
        // grows with the run (`runSwitch`) unless a structural cue (question, talk-over, pause after a lookup) set it.
        let runs = Self.runSwitch.count, states = 2 * runs
        func role(_ s: Int) -> Int { s / runs }          // 0 agent, 1 customer
        func run(_ s: Int) -> Int { s % runs }           // 0: first utterance of the run
        func emission(_ k: Int, _ s: Int) -> Double { role(s) == 0 ? e[k].0 : e[k].1 }
        func transition(_ k: Int, _ from: Int, _ to: Int) -> Double {
            let m = move[k] == Self.switchProbability ? Self.runSwitch[run(from)] : move[k]
            if role(to) != role(from) { return run(to) == 0 ? m : 0 }
            return run(to) == min(run(from) + 1, runs - 1) ? 1 - m : 0
        }
        // Forward, normalised per step; the prior before the first turn is even between the roles.
        var alpha: [[Double]] = []
        var logLikelihood = 0.0
        for k in e.indices {
            var a = [Double](repeating: 0, count: states)
            for to in 0..<states {
                let prior: Double
                if k == 0 { prior = run(to) == 0 ? 0.5 : 0 }
                else { prior = (0..<states).reduce(0.0) { $0 + alpha[k - 1][$1] * transition(k, $1, to) } }
                a[to] = prior * emission(k, to)
            }
            let z = a.reduce(0, +)
            logLikelihood += log(z)
            alpha.append(a.map { $0 / z })
        }
        // Backward.
        var beta = [[Double]](repeating: [Double](repeating: 1, count: states), count: e.count)
        if e.count > 1 {
            for k in stride(from: e.count - 2, through: 0, by: -1) {
                var b = [Double](repeating: 0, count: states)
                for from in 0..<states {
                    b[from] = (0..<states).reduce(0.0) { $0 + transition(k + 1, from, $1) * emission(k + 1, $1) * beta[k + 1][$1] }
                }
                let z = b.reduce(0, +)
                beta[k] = b.map { $0 / z }
            }
        }
        let agent = e.indices.map { k -> Double in
            var pa = 0.0, pc = 0.0
            for st in 0..<states { if role(st) == 0 { pa += alpha[k][st] * beta[k][st] } else { pc += alpha[k][st] * beta[k][st] } }
            return pa / (pa + pc)
        }
        return (agent, logLikelihood)
    }

    // MARK: Voice

    /// Two pitch groups are told apart only when their centres are this far apart (octaves; a male and a female voice
    /// are about one, two men or two women often 0.1–0.3) …
    static let minGroupDistance = 0.25
    /// … and this many within-group standard deviations: one speaker's rising and falling intonation is one group.
    static let minGroupSeparation = 4.0
    /// The smallest within-group spread assumed (octaves), so a monotone voice does not make every boundary certain.
    static let minGroupSpread = 0.08
    /// P(an utterance falls in the other speaker's pitch group): a third voice (a transferred-to agent), a shout or a
    /// whisper put a turn in the other group now and then.
    static let groupError = 0.1

    /// For each utterance (in `f` order) the probability that its voice belongs to the higher of two pitch groups, or
    /// nil for utterances without a measured pitch; nil altogether unless the call's pitches fall into two groups
    /// clearly apart (then the cue is worth using) and each group holds at least two utterances.
    static func voiceGroups(_ f: [UtteranceFeatures]) -> [Double?]? {
        let measured = f.compactMap { $0.utterance.pitch }.filter { $0 > 0 }.map { log2($0) }.sorted()
        guard measured.count >= 4 else { return nil }
        // The split of the sorted values into a low and a high group with the least within-group squared error.
        var best: (ss: Double, low: Double, high: Double)? = nil
        for cut in 2...(measured.count - 2) {
            let low = measured[..<cut], high = measured[cut...]
            let ml = low.reduce(0, +) / Double(low.count), mh = high.reduce(0, +) / Double(high.count)
            let ss = low.reduce(0) { $0 + ($1 - ml) * ($1 - ml) } + high.reduce(0) { $0 + ($1 - mh) * ($1 - mh) }
            if best == nil || ss < best!.ss { best = (ss, ml, mh) }
        }
        guard let split = best else { return nil }
        let spread = max(minGroupSpread, (split.ss / Double(measured.count - 2)).squareRoot())
        let distance = split.high - split.low
        guard distance >= minGroupDistance, distance / spread >= minGroupSeparation else { return nil }
        return f.map { x in
            guard let p = x.utterance.pitch, p > 0 else { return nil }
            let v = log2(p)
            // Equal-variance Gaussians around the two centres: the log-odds of the high group.
            let logOdds = ((v - split.low) * (v - split.low) - (v - split.high) * (v - split.high)) / (2 * spread * spread)
            return 1 / (1 + exp(-max(-30, min(30, logOdds))))
        }
    }

    /// The emissions with each utterance's pitch group read as its speaker's: P(group | speaker) is 1 − `groupError`
    /// for the speaker's own group. `highIsAgent` says which group is taken for the agent's.
    static func voiced(_ e: [(Double, Double)], _ groups: [Double?], highIsAgent: Bool) -> [(Double, Double)] {
        e.indices.map { k in
            guard let q = groups[k] else { return e[k] }
            let high = q * (1 - groupError) + (1 - q) * groupError, low = (1 - q) * (1 - groupError) + q * groupError
            return highIsAgent ? (e[k].0 * high, e[k].1 * low) : (e[k].0 * low, e[k].1 * high)
        }
    }

    /// The features with the inferred roles written in (finished actions are the agent's only).
    static func apply(_ roles: RoleDetail, to f: [UtteranceFeatures]) -> [UtteranceFeatures] {
        var byTurn: [Int: SpeakerRole] = [:]
        for g in roles.turns { byTurn[g.turn] = g.role }
        return f.map { x in
            var y = x
            y.utterance.speaker = byTurn[x.utterance.index] ?? x.utterance.speaker
            if y.utterance.speaker == .customer { y.finishedAction = nil }
            return y
        }
    }
}
