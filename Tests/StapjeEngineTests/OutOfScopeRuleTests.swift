import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeEngine

/// Intents whose id starts with "oos." are rules for questions Stapje does not answer: they win like any intent, and
/// the question then falls back; they are never offered as a choice.
struct OutOfScopeRuleTests {
    static let matcher = Matcher(
        bundle: ContentBundle(
            languages: [.nl],
            intents: [
                .nl: [
                    Fixture.rules(
                        "library.account", .nl, keywords: ["bibliotheek": 3, "lenen": 3],
                        examples: ["boeken lenen in de bibliotheek", "mijn account bij de bibliotheek"]),
                    Fixture.rules(
                        "oos.opening-hours", .nl, keywords: ["openingsuren": 5],
                        patterns: ["bibliotheek * (open | gesloten)"],
                        examples: ["wat zijn de openingsuren van de bibliotheek", "is de bibliotheek open op zondag"]),
                ]
            ]))

    @Test func aQuestionAnOutOfScopeRuleWinsFallsBack() throws {
        let result = Self.matcher.match("is de bibliotheek open op zondag")
        #expect(result.kind == .fallback)
        #expect(result.intent == nil)
        #expect(result.alternatives.isEmpty)
        #expect(result.outOfScopeRule == "oos.opening-hours")
        let best = try #require(result.explanation.candidates.first)
        #expect(best.id == "oos.opening-hours")
        #expect(best.score >= EngineConfiguration().answerThreshold)
        #expect(result.explanation.decision.contains("does not answer"))
    }

    @Test func theTopicStillAnswersItsOwnQuestions() {
        let result = Self.matcher.match("boeken lenen in de bibliotheek")
        #expect(result.kind == .answer)
        #expect(result.intent == "library.account")
        #expect(result.outOfScopeRule == nil)
    }

    /// When a rule and a topic are close, only the topic can be offered.
    @Test func aRuleIsNeverOfferedAsAChoice() {
        let candidates = [
            (id: "oos.costs", score: 0.55, total: 1.3, example: 0.4),
            (id: "id.eid-pin", score: 0.5, total: 1.1, example: 0.3),
        ]
        let (kind, offered, _) = LanguageModel.decide(candidates, configuration: EngineConfiguration(), empty: false)
        #expect(kind == .fallback)
        #expect(offered.isEmpty)
        let reversed = [
            (id: "id.eid-pin", score: 0.55, total: 1.3, example: 0.4),
            (id: "oos.costs", score: 0.5, total: 1.1, example: 0.3),
        ]
        let (otherKind, otherOffered, _) = LanguageModel.decide(
            reversed, configuration: EngineConfiguration(), empty: false)
        #expect(otherKind == .clarify)
        #expect(otherOffered == ["id.eid-pin"])
    }

    /// A fallback that no rule caused names none.
    @Test func aPlainFallbackHasNoRule() {
        let result = Self.matcher.match("hoe maak ik stoofvlees")
        #expect(result.kind == .fallback)
        #expect(result.outOfScopeRule == nil)
    }
}
