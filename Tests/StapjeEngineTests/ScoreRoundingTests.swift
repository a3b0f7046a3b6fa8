import StapjeText
import Testing

@testable import StapjeEngine

/// Scores are rounded to millionths without the C library's `round`: the same value for every positive total,
/// halves included.
@Test func roundingToMillionthsEqualsTheStandardLibrary() {
    var generator = SeededGenerator(seed: 3)
    var values = (0..<20_000).map { _ in Double.random(in: 0.02..<60, using: &generator) }
    values += (1..<2_000).map { Double($0) / 1e6 + 0.5e-6 } + [0.0200005, 1.0000005, 12.3456785, 59.9999995]
    for value in values {
        #expect(LanguageModel.roundedToMillionths(value) == (value * 1e6).rounded() / 1e6, "\(value)")
    }
}

/// An intent that set off no rule is passed over when `bound` cannot beat the fifth kept: the bound, rounded, must
/// never be below the evidence it stands for, whatever the kind of intent, its similarities, the coverage and the
/// context (the intent named by the context, a follow-up of it, or neither).
@Test func theBoundOfEvidenceWithoutRulesHolds() {
    var generator = SeededGenerator(seed: 11)
    let contexts = [
        MatchContext(), MatchContext(previousTopic: "a"), MatchContext(previousTopic: "b", relatedTopics: ["a"]),
    ]
    for _ in 0..<20_000 {
        let kind = LanguageModel.IntentKind(
            whole: Bool.random(using: &generator), hasRules: Bool.random(using: &generator), topic: true)
        let best = Double(Float.random(in: 0...1, using: &generator))
        let centroid = Double(Float.random(in: 0...1, using: &generator))
        let found = LanguageModel.Found(
            best: best, centroid: centroid, keywordWeight: 0, keywords: false, patterns: false,
            excluded: Bool.random(using: &generator), covered: Bool.random(using: &generator))
        let exampleOnly = Bool.random(using: &generator)
        let coverage = [0, 1, Double.random(in: 0...1, using: &generator)].randomElement(using: &generator)!
        let context = contexts.randomElement(using: &generator)!
        let occurrences = Int.random(in: 1...6, using: &generator)
        let total = LanguageModel.evidence(
            kind, id: "a", found, exampleOnly: exampleOnly, occurrenceCount: occurrences, coverage: coverage,
            context: context
        ).total
        let bound = LanguageModel.bound(
            kind, best: best, centroid: centroid, exampleOnly: exampleOnly, coverage: coverage, context: context)
        #expect(
            LanguageModel.roundedToMillionths(bound) >= LanguageModel.roundedToMillionths(total),
            "\(kind) \(found) \(coverage) \(context)")
    }
}
