import StapjeEngine
import StapjeKnowledge
import StapjeText
import Testing

/// The excludes of `_out-of-scope.yaml` (`exclude:`) hold for every topic: a question with one of them is no topic's,
/// whatever topic words it has, and `why` names the exclude. Whole-message intents and the rules for what Stapje
/// does not answer (`oos.*`) are not topics: they keep their evidence, so the out-of-scope rule can take the question.
struct SharedExcludeTests {
    static func matcher(
        shared: [String], types: [String: [String]] = [:], scanAnswers: [String] = [], photosExclude: [String] = []
    ) -> Matcher {
        var bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "phone.photos", .en, keywords: ["photo": 4, "camera": 2], exclude: photosExclude,
                    examples: ["where are my photos", "how do I take a photo"]),
                {
                    var scan = Fixture.rules(
                        "docs.scan", .en, keywords: ["scan": 4, "scanner": 3],
                        examples: ["how do I scan a letter", "scan my passport with my phone"])
                    scan.answers = scanAnswers.map { Located($0, Fixture.location) }
                    return scan
                }(),
                Fixture.rules(
                    "oos.legal", .en, keywords: ["legal": 4, "allowed": 3], patterns: ["+is +it (legal | allowed)"],
                    examples: ["is it legal to film the police"]),
                Fixture.rules(
                    "chat.thanks", .en, keywords: ["thanks": 4], patterns: ["thanks"], examples: ["thanks"],
                    whole: true),
            ])
        bundle.sharedExcludes[.en] = shared.map { Located($0, Fixture.location) }
        bundle.questionTypes[.en] = types.keys.sorted().map { name in
            QuestionType(
                name: name, lines: types[name]!.map { Located($0, Fixture.location) }, location: Fixture.location)
        }
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

    /// A question type's lines are shared excludes for the topics that do not answer the type, and no exclude for
    /// those that do: "how much does it cost" is no question about photos, but the scanner's topic answers prices.
    @Test func aQuestionTypeSparesTheTopicsThatAnswerIt() {
        let typed = Self.matcher(shared: [], types: ["prices": ["+how +much +does", "price"]], scanAnswers: ["prices"])
        #expect(typed.diagnostics.isEmpty)
        let photo = "how much does a photo print cost"
        #expect(Self.evidence(typed, photo, "phone.photos")?.excludedBy == "+how +much +does (question type prices)")
        #expect(Self.evidence(typed, "how much does a scan cost", "docs.scan")?.excludedBy == nil)
        #expect(typed.match("how much does a scan cost").intent == "docs.scan")
        #expect(typed.match(photo).intent != "phone.photos")
        // Without `answers:`, the type holds for that topic as for every other.
        let plain = Self.matcher(shared: [], types: ["prices": ["+how +much +does", "price"]])
        #expect(
            Self.evidence(plain, "how much does a scan cost", "docs.scan")?.excludedBy
                == "+how +much +does (question type prices)")
    }

    /// A topic that answers one type is still excluded by a line of another type, or by a line of no type, found in
    /// the same question; `why` names that line.
    @Test func anotherTypeOrAPlainSharedLineStillHolds() {
        let typed = Self.matcher(
            shared: ["artistic"], types: ["prices": ["price"], "rights": ["+is +it legal"]], scanAnswers: ["prices"])
        #expect(
            Self.evidence(typed, "is it legal to scan a price list", "docs.scan")?.excludedBy
                == "+is +it legal (question type rights)")
        #expect(Self.evidence(typed, "the price of an artistic scan", "docs.scan")?.excludedBy == "artistic")
        #expect(Self.evidence(typed, "what price for a scan", "docs.scan")?.excludedBy == nil)
    }

    /// `answers:` must name a type of the language's `_out-of-scope.yaml`, and only does something in a topic.
    @Test func answersNamesAKnownTypeInATopic() {
        let unknown = Self.matcher(shared: [], types: ["prices": ["price"]], scanAnswers: ["prizes"])
        #expect(
            unknown.diagnostics.contains {
                $0.severity == .error && $0.message.contains("'prizes' is no question type")
                    && $0.message.contains("prices")
            })
    }

    /// An exclude of `_out-of-scope.yaml` marks a kind of question the topic does not answer: the topic keeps a tenth
    /// of its evidence, where its own exclude (maybe another topic's word) leaves a quarter.
    @Test func aSharedExcludeLeavesLessEvidenceThanAnOwnOne() throws {
        let question = "how do I take artistic photos"
        let own = Self.matcher(shared: [], photosExclude: ["artistic"])
        let shared = Self.matcher(shared: ["artistic"])
        let ownEvidence = try #require(Self.evidence(own, question, "phone.photos"))
        let sharedEvidence = try #require(Self.evidence(shared, question, "phone.photos"))
        #expect(ownEvidence.excludedBy == "artistic" && sharedEvidence.excludedBy == "artistic")
        // The same words and examples: only the share kept differs, a tenth against a quarter.
        #expect(abs(sharedEvidence.total / ownEvidence.total - 0.4) < 0.01)
    }
}
