import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine

struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Explain how a question is matched: words, corrections, language, rules, examples, decision.")

    @OptionGroup var contentOptions: ContentOptions
    @OptionGroup var locale: LocaleOptions

    @Option(
        help: ArgumentHelp(
            "The topic on screen, as in a conversation where it was just answered (e.g. docs.scan): shows how a "
                + "follow-up such as \"en op mijn gsm?\" is read.", valueName: "topic"))
    var after: String?

    @Argument(help: "The question.")
    var text: [String]

    func run() throws {
        let conversation = try contentOptions.load()
        // Read as the conversation reads it: a fresh session of the region (leaning to its language) or in the chosen
        // language, with `after` on screen.
        var session = try locale.session()
        if let after {
            guard conversation.content.isTopic(after) else {
                throw ValidationError("--after: '\(after)' is no topic id (see `stapje topics`)")
            }
            session.topic = after
        }
        let result = conversation.matcher.match(
            text.joined(separator: " "), context: conversation.matchContext(for: session))
        var lines = Explainer.describe(result)
        if let after { lines.insert("on screen:  \(after) (its follow-ups count a little more)", at: 0) }
        print(lines.joined(separator: "\n"))
    }
}

/// Turns a match result into readable lines (shared by `why` and `search`).
enum Explainer {
    static func describe(_ result: MatchResult) -> [String] {
        let explanation = result.explanation
        var lines: [String] = []
        let words = explanation.tokens.map { token -> String in
            var word = token.isStop ? "(\(token.folded))" : token.stem
            if let from = token.correctedFrom { word += " ←\(from)" }
            if !token.isKnown && !token.isStop { word += "?" }
            return word
        }
        lines.append("words:      \(words.joined(separator: " "))   [(small word), stem?, = unknown]")
        if !explanation.notes.corrections.isEmpty {
            lines.append("typos:      \(explanation.notes.corrections.joined(separator: ", "))")
        }
        if !explanation.notes.ambiguous.isEmpty {
            lines.append("not fixed:  \(explanation.notes.ambiguous.joined(separator: ", ")) (equally close)")
        }
        if !explanation.notes.otherLanguage.isEmpty {
            lines.append(
                "not fixed:  \(explanation.notes.otherLanguage.joined(separator: ", ")) (words of another language)")
        }
        if !explanation.notes.compounds.isEmpty {
            lines.append("compounds:  \(explanation.notes.compounds.joined(separator: ", "))")
        }
        // A language chosen by the caller is not weighed: no scores to show beside the reason.
        let scores = explanation.languageScores.sorted { $0.key < $1.key }.map { "\($0.key) \(format($0.value))" }
        let detail = scores.isEmpty ? "" : "; " + scores.joined(separator: ", ")
        lines.append("language:   \(result.language.rawValue) (\(explanation.languageReason)\(detail))")
        lines.append("known:      \(Int((explanation.coverage * 100).rounded()))% of the words are in the content")
        for (rank, candidate) in explanation.candidates.enumerated() {
            let evidence = candidate.evidence
            lines.append("\(rank + 1). \(candidate.id)  score \(format(candidate.score))")
            if !evidence.keywords.isEmpty {
                lines.append(
                    "     keywords: \(evidence.keywords.joined(separator: ", ")) (weight \(format(evidence.keywordWeight)))"
                )
            }
            if let signals = evidence.signals {
                let how =
                    evidence.signalsCounted == true
                    ? "counted: a short message that names no topic"
                    : "not counted: the message sets off a topic's rule, has more than 8 words, or, for a word "
                        + "topics' examples use too, another word of a topic's or one unknown"
                lines.append("     signals:  \(signals.joined(separator: ", ")) (\(how))")
            }
            if !evidence.patterns.isEmpty {
                lines.append("     patterns: \(evidence.patterns.joined(separator: " ; "))")
            }
            if let example = evidence.bestExample {
                lines.append(
                    "     example:  \"\(example)\" (\(format(evidence.exampleSimilarity)); all examples \(format(evidence.centroidSimilarity)))"
                )
            }
            if let excluded = evidence.excludedBy { lines.append("     excluded by: \(excluded)") }
            if evidence.contextBoost > 0 { lines.append("     context: +\(format(evidence.contextBoost))") }
        }
        let chosen = result.intent.map { " → \($0)" } ?? ""
        let offered = result.alternatives.isEmpty ? "" : " (offers \(result.alternatives.joined(separator: ", ")))"
        lines.append("decision:   \(result.kind.rawValue)\(chosen)\(offered): \(explanation.decision)")
        return lines
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
