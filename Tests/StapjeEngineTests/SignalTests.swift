import StapjeEngine
import StapjeKnowledge
import StapjeText
import Testing

/// A whole-message intent's signals (`IntentRules.signals`): a word that marks the intent on its own in a short
/// message that names no topic, whatever else is said around it.
struct SignalTests {
    static let english = MatchContext(language: .en, explicitLanguage: true)

    /// Thanks with a signal, a language switch whose signals a topic also uses ("english": the topic's example
    /// below), a train topic and a rule for questions Stapje does not answer.
    static func matcher(signals: Bool = true) -> Matcher {
        var thanks = Fixture.rules(
            "chat.thanks", .en, patterns: ["(thanks | thank you) [a lot]"], examples: ["thanks", "thank you"],
            whole: true)
        var language = Fixture.rules(
            "lang.switch", .en, patterns: ["in english [please]"], examples: ["in english please"], whole: true)
        if signals {
            thanks.signals = [Located("thanks", Fixture.location)]
            language.signals = [Located("english", Fixture.location), Located("french", Fixture.location)]
        }
        return Matcher(
            bundle: Fixture.bundle(
                .en,
                [
                    thanks, language,
                    Fixture.rules(
                        "trains.times", .en, keywords: ["train": 3, "timetable": 3],
                        examples: ["when does the next train leave", "train timetable to ghent"]),
                    Fixture.rules(
                        "oos.general-knowledge", .en, keywords: ["recipe": 4],
                        examples: ["a recipe for soup", "translate this sentence into english"]),
                ]))
    }

    /// The words around a signal need not be the intent's own: the message is answered, and `why` names the signal.
    @Test func aSignalCarriesAShortMessageThatNamesNoTopic() {
        // "leave" is a word of a topic's example, which sets off none of its rules.
        let text = "thanks, you can leave now"
        let with = Self.matcher().match(text, context: Self.english)
        #expect(with.intent == "chat.thanks" && with.kind == .answer, "\(with.explanation.decision)")
        #expect(with.explanation.candidates.first?.evidence.signals == ["thanks"])
        #expect(with.explanation.candidates.first?.evidence.signalsCounted == true)
        #expect(with.explanation.candidates.first?.evidence.keywords.isEmpty == true)
        // Without the signal the same message is not thanks.
        let without = Self.matcher(signals: false).match(text, context: Self.english)
        #expect(without.intent != "chat.thanks" || without.kind != .answer, "\(without.explanation.decision)")
    }

    /// A topic's rule in the message wins over a signal, and a signal in a long message counts for nothing.
    @Test(arguments: [
        "thanks, when does the train to ghent leave",
        "thanks so much my neighbour who is very kind told me about this place near the big church",
    ])
    func aSignalDoesNotCarryATopicOrALongMessage(text: String) {
        let result = Self.matcher().match(text, context: Self.english)
        #expect(result.intent != "chat.thanks" || result.kind != .answer, "\(result.explanation.decision)")
    }

    /// In a message with a question word, a signal is worth a question back, never an answer; a request that opens
    /// with a verb ("can you ...") is no such question.
    @Test func aSignalInAQuestionIsOnlyAskedAbout() {
        let result = Self.matcher().match("how do you say thanks", context: Self.english)
        #expect(result.kind != .answer, "\(result.explanation.decision)")
        let request = Self.matcher().match("can you do it in french", context: Self.english)
        #expect(request.intent == "lang.switch" && request.kind == .answer, "\(request.explanation.decision)")
    }

    /// A signal a topic also uses ("english", in an example of the out-of-scope rule) counts only where every other
    /// word is known and none is a topic's.
    @Test func aSharedSignalCountsOnlyBesideNoTopicWord() {
        let matcher = Self.matcher()
        let alone = matcher.match("english", context: Self.english)
        #expect(alone.intent == "lang.switch" && alone.kind == .answer, "\(alone.explanation.decision)")
        // "sentence" and "soup" are words of the out-of-scope rule's examples (no rule of it fires), "ghent" one of a
        // topic's: the language's name does not carry them.
        for text in ["english sentence", "english soup", "english ghent"] {
            let result = matcher.match(text, context: Self.english)
            #expect(result.intent != "lang.switch", "\(text): \(result.explanation.decision)")
            // Found, and said not to count.
            let language = result.explanation.candidates.first { $0.id == "lang.switch" }
            #expect(language == nil || language?.evidence.signalsCounted == false, "\(text)")
        }
        // "french" is no topic's word: it counts beside other words.
        let unshared = matcher.match("french please", context: Self.english)
        #expect(unshared.intent == "lang.switch" && unshared.kind == .answer, "\(unshared.explanation.decision)")
    }
}

/// Two short commands whose patterns both cover a message: the one that covers it with its small words wins over the
/// one that covers it only without them.
struct SmallWordPatternTests {
    @Test func aPatternThatReadsTheSmallWordsWinsATie() {
        let matcher = Matcher(
            bundle: Fixture.bundle(
                .nl,
                [
                    Fixture.rules(
                        "nav.all-steps", .nl, patterns: ["[toon | geef] alles [ineens]"],
                        examples: ["alles ineens", "toon alles"], whole: true),
                    Fixture.rules(
                        "chat.goodbye", .nl, patterns: ["(dat | da) was alles voor vandaag"],
                        examples: ["tot ziens", "tot morgen"], whole: true),
                ]))
        let dutch = MatchContext(language: .nl, explicitLanguage: true)
        let goodbye = matcher.match("da was alles voor vandaag", context: dutch)
        #expect(goodbye.intent == "chat.goodbye" && goodbye.kind == .answer, "\(goodbye.explanation.decision)")
        let steps = matcher.match("alles", context: dutch)
        #expect(steps.intent == "nav.all-steps" && steps.kind == .answer, "\(steps.explanation.decision)")
    }
}
