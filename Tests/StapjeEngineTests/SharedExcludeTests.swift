import StapjeEngine
import StapjeKnowledge
import StapjeText
import Testing

/// The excludes of `_out-of-scope.yaml` (`exclude:`) hold for every topic: a question with one of them is no topic's,
/// whatever topic words it has, and `why` names the exclude. Whole-message intents and the rules for what Stapje
/// does not answer (`oos.*`) are not topics: they keep their evidence, so the out-of-scope rule can take the question.
struct SharedExcludeTests {
    static func matcher(shared: [String]) -> Matcher {
        var bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "phone.photos", .en, keywords: ["photo": 4, "camera": 2],
                    examples: ["where are my photos", "how do I take a photo"]),
                Fixture.rules(
                    "docs.scan", .en, keywords: ["scan": 4, "scanner": 3],
                    examples: ["how do I scan a letter", "scan my passport with my phone"]),
                Fixture.rules(
                    "oos.legal", .en, keywords: ["legal": 4, "allowed": 3], patterns: ["+is +it (legal | allowed)"],
                    examples: ["is it legal to film the police"]),
                Fixture.rules(
                    "chat.thanks", .en, keywords: ["thanks": 4], patterns: ["thanks"], examples: ["thanks"],
                    whole: true),
            ])
        bundle.sharedExcludes[.en] = shared.map { Located($0, Fixture.location) }
        return Matcher(bundle: bundle)
    }

    static func evidence(_ matcher: Matcher, _ text: String, _ id: String) -> Evidence? {
        matcher.match(text, context: MatchContext(language: .en)).explanation.candidates.first { $0.id == id }?
            .evidence
    }

    @Test func aSharedExcludeHoldsForEveryTopicAndNamesItself() {
        let without = Self.matcher(shared: [])
        let with = Self.matcher(shared: ["+is +it legal", "artistic"])
        #expect(without.diagnostics.isEmpty && with.diagnostics.isEmpty)
        // Without it, the photo question is a topic's; with it, that topic is excluded and says why.
        #expect(without.match("is it legal to take a photo of my neighbour").intent == "phone.photos")
        let legal = with.match("is it legal to take a photo of my neighbour")
        #expect(legal.intent != "phone.photos")
        #expect(
            Self.evidence(with, "is it legal to take a photo of my neighbour", "phone.photos")?.excludedBy
                == "+is +it legal")
        #expect(Self.evidence(with, "how do I take artistic photos", "phone.photos")?.excludedBy == "artistic")
        #expect(Self.evidence(with, "how do I scan an artistic drawing", "docs.scan")?.excludedBy == "artistic")
        // The out-of-scope rule is no topic: it keeps its evidence and takes the question.
        #expect(Self.evidence(with, "is it legal to take a photo of my neighbour", "oos.legal")?.excludedBy == nil)
        // A question without the exclude is answered as before.
        #expect(with.match("where are my photos").intent == "phone.photos")
        #expect(Self.evidence(with, "where are my photos", "phone.photos")?.excludedBy == nil)
    }

    @Test func aSharedExcludeLeavesWholeMessageIntentsAlone() {
        let with = Self.matcher(shared: ["thanks"])
        #expect(Self.evidence(with, "thanks", "chat.thanks")?.excludedBy == nil)
        #expect(with.match("thanks").intent == "chat.thanks")
    }
}
