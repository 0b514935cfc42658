// Same complaint across turns: leader clustering in transcript order (ANALYTICS-NOTES §3.6).
enum RepeatedProblems {
    struct Unit { var f: UtteranceFeatures; var stems: Set<String> }

    static func similar(_ a: Unit, _ b: Unit) -> Bool {
        let shared = a.stems.intersection(b.stems).count
        let containment = Double(shared) / Double(max(1, min(a.stems.count, b.stems.count)))
        if shared >= 2 && containment >= 0.5 { return true }
        let sameConcept = !Set(a.f.concepts).isDisjoint(with: b.f.concepts)
        return sameConcept && a.f.cues["problem"] != nil && b.f.cues["problem"] != nil
    }

    static func clusters(_ f: [UtteranceFeatures]) -> [ProblemCluster] {
        let customer = CallSentiment.customerTurns(f)
        // The customer's opening statement is the complaint a later "as I told your colleague" repeats, even when
        // its words carry no cue of their own.
        let opening = customer.first { $0.tokenized.questionMarks == 0 && $0.tokenized.wordCount >= 4 }?.utterance.index
        let units = customer.filter { $0.cues["problem"] != nil || $0.sentiment.compound <= -0.3 || $0.utterance.index == opening }
            .map { Unit(f: $0, stems: Set($0.contentStems)) }
        var groups: [[Unit]] = []
        for u in units {
            if let g = groups.firstIndex(where: { $0.contains { similar($0, u) } }) { groups[g].append(u) } else { groups.append([u]) }
        }
        let agentIdx = f.filter { $0.utterance.speaker == .agent }.map(\.utterance.index)
        var out: [ProblemCluster] = []
        for g in groups {
            let turns = g.map(\.f.utterance.index)
            let separated = turns.count >= 2 && agentIdx.contains { $0 > turns.first! && $0 < turns.last! }
            let crossCall = g.contains { $0.f.cues["crossCall"] != nil }
            let repeatCue = g.contains { $0.f.cues["repeatInfo"] != nil }
            // A lone "every time I call…" is a complaint about the service; it names a repeat problem only when it states one.
            let crossCallProblem = g.contains { $0.f.cues["crossCall"] != nil && $0.f.cues["problem"] != nil }
            guard separated || crossCallProblem || (repeatCue && turns.count >= 2) else { continue }
            let leader = g[0].f
            let conceptCounts = Dictionary(grouping: g.flatMap(\.f.concepts), by: { $0 }).mapValues(\.count)
            let concept = conceptCounts.keys.sorted { (conceptCounts[$0]!, $1) > (conceptCounts[$1]!, $0) }.first
            out.append(ProblemCluster(canonicalText: Summaries.clip(leader.utterance.text), concept: concept, count: g.count,
                                      turns: turns, firstMs: ProcessIssueDetectors.ms(leader.utterance.start),
                                      lastMs: ProcessIssueDetectors.ms(g.last!.f.utterance.end), crossCall: crossCall))
        }
        return out.sorted { ($1.count, $0.turns[0]) < ($0.count, $1.turns[0]) }
    }
}
