import Foundation
import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeEngine

/// A match keeps why it decided as data; the sentences and the scores by language are written when read.
struct ExplanationTests {
    static let matcher = Matcher(bundle: ContentLoader(root: ContentLocator.bundled).load().bundle)

    /// The sentence of every kind of decision, as `stapje why` and `ask --json` show it.
    @Test(arguments: [
        (Decision.noRules, "no rules are loaded"),
        (.noWords, "the question has no words to match"),
        (.nothingMatched, "no intent matched any word"),
        (
            .belowFallback(intent: "jobs.cv", score: 0.305, threshold: 0.4),
            "best score 0.31 (jobs.cv) is below the fallback threshold 0.40"
        ),
        (
            .outOfScope(intent: "oos.costs", score: 0.7),
            "oos.costs scored 0.70: a rule for questions Stapje does not answer"
        ),
        (
            .answered(intent: "jobs.register", score: 0.876, threshold: 0.6, runnerUp: 0.418),
            "jobs.register scored 0.88, above 0.60; the runner-up has 41% of its evidence"
        ),
        (
            .tooClose(first: "email.create", score: 0.71, second: "email.password", secondScore: 0.66),
            "email.create (0.71) and email.password (0.66) are too close to choose"
        ),
        (
            .closerExample(intent: "gov.ebox", score: 0.942, example: 0.912, second: "id.itsme", secondExample: 0.537),
            "gov.ebox scored 0.94 with id.itsme close behind, but the question is much closer to an example of gov.ebox "
                + "(0.91 against 0.54)"
        ),
        (.betweenThresholds(score: 0.5), "best score 0.50 is between the thresholds: ask which is meant"),
        (.written("as read back"), "as read back"),
    ])
    func decisionsAreWordedAsBefore(decision: Decision, text: String) {
        #expect(decision.text == text)
    }

    /// The example scores are kept in memory of the thread and set back to zero after each question
    /// (`ExampleScratch`): the same questions give the same results in any order and on several threads at once.
    @Test func resultsDoNotDependOnTheQuestionsBefore() async {
        let questions = [
            "hoe solliciteer ik online", "mot de passe oublié gmail", "train timetable ghent", "itsme nieuwe gsm",
            "scanner un document en pdf", "how do I block my bank card", "wifi bib", "weer morgen", "ebox activeren",
        ]
        func run(_ order: [String]) -> [String: String] {
            var results: [String: String] = [:]
            for question in order {
                let result = Self.matcher.match(question)
                let candidates = result.explanation.candidates.map { "\($0.id) \($0.score)" }
                results[question] = "\(result.kind) \(result.intent ?? "-") \(result.confidence) \(candidates)"
            }
            return results
        }
        let forward = run(questions)
        #expect(run(questions.reversed()) == forward)
        let concurrent = await withTaskGroup(of: [String: String].self) { group in
            for shift in 0..<4 {
                group.addTask { run(Array(questions[shift...] + questions[..<shift])) }
            }
            var all: [[String: String]] = []
            for await results in group { all.append(results) }
            return all
        }
        #expect(concurrent.allSatisfy { $0 == forward })
    }

    /// The rules of the eBox and of itsme fire equally for activating the eBox with itsme; the question is a near
    /// copy of an eBox example, so the engine answers it instead of asking which of the two is meant.
    @Test func aCloserExampleDecidesBetweenEqualRules() {
        let result = Self.matcher.match("activate ebox using itsme")
        #expect(result.kind == .answer)
        #expect(result.intent == "gov.ebox")
        #expect(result.explanation.decision.contains("much closer to an example of gov.ebox"))
        let candidates = result.explanation.candidates
        #expect(candidates.count >= 2 && candidates[1].id == "id.itsme")
        #expect(candidates.count >= 2 && candidates[1].evidence.total > 0.8 * candidates[0].evidence.total)
    }

    @Test(arguments: [
        (LanguageChoice.chosen, "chosen by the person or the caller"),
        (.noContent, "no content loaded"),
        (.noClue, "no clue in the words: kept the session's language"),
        (.fits(.fr, session: true), "the words fit fr, the session's language"),
        (.fits(.en, session: false), "the words fit en best"),
        (
            .retried(.fits(.nl, session: false), first: .nl, tried: .en),
            "the words fit nl best; no match in nl, tried en"
        ),
    ])
    func languageChoicesAreWordedAsBefore(choice: LanguageChoice, text: String) {
        #expect(choice.text == text)
    }

    /// The scores by language code are the detector's points, language by language.
    @Test func scoresByLanguageAreTheDetectorsPoints() {
        let result = Self.matcher.match("mot de passe oublié gmail")
        let scores = result.explanation.languageScores
        #expect(Set(scores.keys) == Set(Self.matcher.languages.map(\.rawValue)))
        for language in Self.matcher.languages {
            #expect(scores[language.rawValue] == result.explanation.languageScore(language))
        }
        #expect(result.explanation.languageScore(.fr) > result.explanation.languageScore(.nl))
        #expect(result.explanation.languageReason == "the words fit fr best")
    }

    /// An explanation written as JSON reads back into one that writes the same JSON.
    @Test(arguments: ["hoe solliciteer ik online", "quand part le prochain train", "xyzzy", "", "app gsm"])
    func theWrittenFormReadsBack(question: String) throws {
        let explanation = Self.matcher.match(question).explanation
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let written = try encoder.encode(explanation)
        let read = try JSONDecoder().decode(Explanation.self, from: written)
        #expect(try encoder.encode(read) == written)
        #expect(read.decision == explanation.decision)
        #expect(read.languageScores == explanation.languageScores)
        #expect(read == explanation)
        #expect(read.hashValue == explanation.hashValue)
        #expect(read.bestCandidateID == explanation.bestCandidateID)
        #expect(read.hasExcluded == explanation.hasExcluded)
        for candidate in explanation.candidates {
            #expect(read.candidateScore(candidate.id) == explanation.candidateScore(candidate.id))
        }
    }

    /// The candidates' evidence is written from the numbers a match keeps: the best candidate, excludes, keywords
    /// in content order, and the same explanation for the same question.
    @Test(arguments: [
        "hoe solliciteer ik online", "mot de passe oublié gmail", "trein gent brussel uur",
        "hoeveel verdient een treinbestuurder", "wifi", "I want to talk to a person",
    ])
    func candidatesAreWrittenFromTheNumbers(question: String) throws {
        let explanation = Self.matcher.match(question).explanation
        let candidates = explanation.candidates
        #expect(explanation.bestCandidateID == candidates.first?.id)
        for candidate in candidates { #expect(explanation.candidateScore(candidate.id) == candidate.score) }
        #expect(explanation.candidateScore("no.such-intent") == nil)
        #expect(explanation.hasExcluded == candidates.contains { $0.evidence.excludedBy != nil })
        #expect(candidates.map(\.score) == candidates.map(\.score).sorted(by: >))
        #expect(Self.matcher.match(question).explanation == explanation)
        for candidate in candidates {
            #expect(candidate.evidence.keywordWeight > 0 || candidate.evidence.keywords.isEmpty)
            #expect(Set(candidate.evidence.patterns).count == candidate.evidence.patterns.count)
        }
    }

    /// A written explanation with a language code the engine does not know is refused, not misread.
    @Test func anUnknownLanguageIsRefused() throws {
        let explanation = Self.matcher.match("hoe solliciteer ik online").explanation
        let written = try String(decoding: JSONEncoder().encode(explanation), as: UTF8.self)
        let altered = written.replacingOccurrences(of: "\"nl\":", with: "\"xx\":")
        #expect(altered != written)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Explanation.self, from: Data(altered.utf8))
        }
    }
}
