import StapjeKnowledge
import Testing

@testable import StapjeEngine

/// The decision between answering, asking and falling back, on made-up candidates (`LanguageModel.decide`).
struct DecisionTests {
    typealias Candidate = (id: String, score: Double, total: Double, example: Double)

    /// Decides for `candidates` with the default configuration, expects `kind` and the intents `offered`, and
    /// returns the reason.
    static func decision(
        _ candidates: [Candidate], is kind: MatchKind, offering offered: [String] = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Decision {
        let (decided, alternatives, reason) = LanguageModel.decide(
            candidates, configuration: EngineConfiguration(), empty: false)
        #expect(decided == kind, sourceLocation: sourceLocation)
        #expect(alternatives == offered, sourceLocation: sourceLocation)
        return reason
    }

    /// A clear lead in the rules is answered whatever the examples say.
    @Test func aClearLeadIsAnswered() {
        let decision = Self.decision(
            [
                (id: "gov.ebox", score: 0.9, total: 3.7, example: 0.2),
                (id: "id.itsme", score: 0.6, total: 1.5, example: 0.8),
            ],
            is: .answer)
        guard case .answered = decision else {
            Issue.record("expected a plain answer, got \(decision)")
            return
        }
    }

    /// Rules too close to choose, and a question much more like an example of the best intent: that intent. A third
    /// intent that trails in the rules (not too close) does not count against the lead, even with a close example.
    @Test(arguments: [("oos.opinions", 0.15, 0.26, 0.2), ("gov.tax", 0.5, 1.1, 0.88)])
    func aMuchCloserExampleBreaksATie(third: String, score: Double, total: Double, example: Double) {
        let decision = Self.decision(
            [
                (id: "gov.ebox", score: 0.94, total: 4.55, example: 0.91),
                (id: "id.itsme", score: 0.93, total: 4.38, example: 0.54),
                (id: third, score: score, total: total, example: example),
            ], is: .answer)
        #expect(
            decision
                == .closerExample(
                    intent: "gov.ebox", score: 0.94, example: 0.91, second: "id.itsme", secondExample: 0.54))
    }

    /// Below either bound (the best example's similarity, its lead over the others') the engine still asks.
    @Test(arguments: [
        (0.49, 0.2),  // not similar enough to any example
        (0.7, 0.5),  // similar, but not 1.5 times as similar as to the runner-up's
    ])
    func withoutAClearExampleTheEngineAsks(best: Double, runnerUp: Double) {
        let decision = Self.decision(
            [
                (id: "trains.times", score: 0.92, total: 4.0, example: best),
                (id: "trains.ticket", score: 0.92, total: 4.0, example: runnerUp),
            ], is: .clarify, offering: ["trains.times", "trains.ticket"])
        guard case .tooClose = decision else {
            Issue.record("expected too close to choose, got \(decision)")
            return
        }
    }

    /// Every intent too close to the best one must trail it by example: a third close one with a similar
    /// example keeps the question open, though the second trails.
    @Test func everyCloseIntentMustTrail() {
        _ = Self.decision(
            [
                (id: "email.attachment", score: 0.8, total: 2.6, example: 0.8),
                (id: "docs.scan", score: 0.78, total: 2.4, example: 0.3),
                (id: "jobs.cv", score: 0.77, total: 2.3, example: 0.7),
            ], is: .clarify, offering: ["email.attachment", "docs.scan", "jobs.cv"])
    }

    /// An out-of-scope rule close behind is never passed over by the examples: no answer on that.
    @Test func anOutOfScopeRuleCloseBehindIsNotPassedOver() {
        _ = Self.decision(
            [
                (id: "gov.tax", score: 0.8, total: 2.6, example: 0.9),
                (id: "oos.tax-advice", score: 0.78, total: 2.5, example: 0.2),
            ],
            is: .clarify, offering: ["gov.tax"])
    }
}
