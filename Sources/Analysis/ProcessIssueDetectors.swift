// Built-in process-issue detectors over cue hits and utterance timings.
enum ProcessIssueDetectors {
    struct Timing { var interruptions: Int?; var agentInterruptions: Int?; var nonTalkMs: Int }

    static func ms(_ s: Double) -> Int { Int((s * 1000).rounded()) }

    /// `rolesFromText`: the speakers in `f` were guessed from the words (a mono call); cue detectors read them, but
    /// interruptions need real channels and stay unknown.
    static func detect(_ f: [UtteranceFeatures], mentions: [MarketingMention], final: Bool, status: String,
                       customerQuarters: [Double], t: AnalysisThresholds, rolesFromText: Bool = false) -> ([ProcessIssue], Timing) {
        var issues: [ProcessIssue] = []
        func add(_ type: String, _ sev: String, _ turns: [UtteranceFeatures], _ ev: String) {
            guard let first = turns.first, let last = turns.last else { return }
            issues.append(ProcessIssue(type: type, severity: sev, turns: turns.map(\.utterance.index),
                                       startMs: ms(first.utterance.start), endMs: ms(last.utterance.end), evidence: ev))
        }
        let byRole: (SpeakerRole) -> [UtteranceFeatures] = { r in f.filter { $0.utterance.speaker == r } }
        let agentOrAll = byRole(.agent).isEmpty ? byRole(.unknown) : byRole(.agent)
        let customerOrAll = CallSentiment.customerTurns(f)

        // Holds: an agent hold cue, then the gap to the agent's next turn.
        let ordered = f.sorted { ($0.utterance.start, $0.utterance.index) < ($1.utterance.start, $1.utterance.index) }
        var holdSpans: [(Double, Double)] = []
        var longHolds: [UtteranceFeatures] = []
        var totalHold = 0.0
        for (k, h) in ordered.enumerated() where h.cues["hold"] != nil && h.utterance.speaker != .customer {
            guard let next = ordered[(k + 1)...].first(where: { $0.utterance.speaker == h.utterance.speaker }) else { continue }
            let gap = next.utterance.start - h.utterance.end
            guard gap > 0 else { continue }
            holdSpans.append((h.utterance.end, next.utterance.start)); totalHold += gap
            if gap > t.longHoldSeconds { longHolds.append(h) }
        }
        if !longHolds.isEmpty || totalHold > t.totalHoldSeconds {
            add("long_hold", longHolds.count > 1 || totalHold > 2 * t.totalHoldSeconds ? "high" : "medium",
                longHolds.isEmpty ? ordered.filter { $0.cues["hold"] != nil } : longHolds,
                "hold total \(Int(totalHold.rounded())) s")
        }

        // Dead air: a non-talk gap outside an announced hold.
        var maxEnd = ordered.first?.utterance.end ?? 0
        var nonTalk = 0.0
        var deadAir: [(UtteranceFeatures, Double)] = []
        for k in ordered.indices.dropFirst() {
            let u = ordered[k].utterance
            let gap = u.start - maxEnd
            if gap > 0 {
                nonTalk += gap
                let inHold = holdSpans.contains { $0.0 <= maxEnd + 0.001 && $0.1 >= u.start - 0.001 }
                if gap >= t.deadAirSeconds && !inHold { deadAir.append((ordered[k], gap)) }
            }
            maxEnd = max(maxEnd, u.end)
        }
        if !deadAir.isEmpty {
            let longest = deadAir.map(\.1).max()!
            add("dead_air", deadAir.count > 2 ? "high" : "medium", deadAir.map(\.0),
                "\(deadAir.count) gap(s), longest \(Int(longest.rounded())) s")
        }

        // Interruptions: needs roles; speaker B starts ≥0.5 s before A ends and talks ≥1 s.
        var interruptions: Int? = nil, agentInterruptions: Int? = nil
        if !rolesFromText && f.contains(where: { $0.utterance.speaker != .unknown }) {
            var n = 0, agentN = 0
            var interrupting: [UtteranceFeatures] = []
            for k in ordered.indices.dropFirst() {
                let b = ordered[k].utterance
                guard let a = ordered[..<k].last(where: { $0.utterance.speaker != b.speaker })?.utterance else { continue }
                if b.speaker != .unknown && a.end - b.start >= t.interruptionOverlapSeconds && b.end - b.start >= t.interruptionMinSegmentSeconds {
                    n += 1; if b.speaker == .agent { agentN += 1; interrupting.append(ordered[k]) }
                }
            }
            interruptions = n; agentInterruptions = agentN
            if agentN > t.maxAgentInterruptions {
                add("excessive_interruptions", "medium", interrupting, "agent interrupted \(agentN) times")
            }
        }

        // One transfer is often said over several turns ("that's billing", "I'll put you through", "connecting you now");
        // a second transfer needs a new agent in between (a greeting or introduction after the first one).
        let groups = transferGroups(agentOrAll)
        if groups.count >= 2 { add("multiple_transfers", "high", groups.flatMap { $0 }, groups.map { $0[0].cues["transfer"]! }.joined(separator: "; ")) }
        else if let g = groups.first { add("transfer", "low", g, g.map { $0.cues["transfer"]! }.joined(separator: "; ")) }

        let esc = customerOrAll.filter { $0.cues["escalation"] != nil }
        if let first = esc.first {
            let answer = escalationAnswer(f, after: first)
            add("escalation_request", "high", esc, esc[0].cues["escalation"]! + (answer == .refused ? " (agent declined)" : ""))
        }

        let vfail = agentOrAll.filter { $0.cues["verificationFail"] != nil }
        if !vfail.isEmpty { add("verification_failure", "medium", vfail, vfail[0].cues["verificationFail"]!) }

        let rep = customerOrAll.filter { $0.cues["repeatInfo"] != nil }
        if !rep.isEmpty { add("customer_repeats_information", rep.count > 1 ? "high" : "medium", rep, rep[0].cues["repeatInfo"]!) }

        let churn = customerOrAll.filter { $0.cues["churn"] != nil }
        let competitorTurns = Set(mentions.filter { $0.type == "competitor" && $0.speaker != .agent }.map(\.turn))
        let competitorNegative = customerOrAll.filter { competitorTurns.contains($0.utterance.index) && $0.sentiment.compound < 0 }
        if !churn.isEmpty || !competitorNegative.isEmpty {
            let turns = (churn + competitorNegative).sorted { $0.utterance.index < $1.utterance.index }
            add("churn_intent", "high", turns, churn.first?.cues["churn"] ?? "competitor mention")
        }

        let callbacks = agentOrAll.filter { $0.cues["callback"] != nil }
        if !callbacks.isEmpty { add("callback_promised", "low", callbacks, callbacks[0].cues["callback"]!) }

        if final && (status == "unresolved" || status == "in_progress") {
            let lastCustomer = customerOrAll.suffix(1)
            add("unresolved_end", (customerQuarters.last ?? 0) < 0 ? "high" : "medium", Array(lastCustomer.isEmpty ? f.suffix(1) : lastCustomer),
                "no resolution confirmed")
        }
        issues.sort { ($0.startMs, $0.type) < ($1.startMs, $1.type) }
        return (issues, Timing(interruptions: interruptions, agentInterruptions: agentInterruptions, nonTalkMs: ms(nonTalk)))
    }

    static func transferGroups(_ agentSide: [UtteranceFeatures]) -> [[UtteranceFeatures]] {
        var groups: [[UtteranceFeatures]] = []
        var newAgentSinceLast = true
        for a in agentSide {
            // "I can't put you through to a supervisor" declines a transfer; it is not one.
            if a.cues["transfer"] != nil && a.cues["escalationRefused"] == nil {
                if newAgentSinceLast || groups.isEmpty { groups.append([a]) } else { groups[groups.count - 1].append(a) }
                newAgentSinceLast = false
            } else if !groups.isEmpty && (a.cues["greeting"] != nil && a.cues["introduction"] != nil) {
                newAgentSinceLast = true
            }
        }
        return groups
    }

    enum EscalationAnswer { case accepted, refused, none }

    /// How the agent side answered the first request for a manager: the first accepting or declining turn after it wins.
    static func escalationAnswer(_ f: [UtteranceFeatures], after request: UtteranceFeatures) -> EscalationAnswer {
        for x in f where x.utterance.speaker != .customer && x.utterance.start >= request.utterance.start && x.utterance.index != request.utterance.index {
            if x.cues["escalationRefused"] != nil { return .refused }
            if x.cues["escalationAccepted"] != nil { return .accepted }
        }
        return .none
    }
}
