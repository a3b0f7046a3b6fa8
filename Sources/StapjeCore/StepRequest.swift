import StapjeKnowledge
import StapjeText

/// A message that asks for one step of the answer on screen by its number: "stap 3", "ga naar stap 5", "de derde
/// stap", "la dernière étape", "show me step 2 again", "3e stap".
///
/// The words come from the conversation words of each language (`faq/conversation/<lang>.yaml`): `step_words` (the
/// word for a step), `step_ordinals` (a number word before it, "derde", "troisième", "third", or `last`) and
/// `step_cardinals` (a number word after it, "stap drie", "step three"), and `step_request_words` (the verbs and
/// fillers such a request is said with: "ga naar", "revenir à", "show me ... again"). Digits count after the step word
/// ("step 4") and, with an ordinal ending, before it ("3e stap", "2ème étape", "2nd step").
///
/// Read narrowly, so that a question that only mentions a step keeps its reading: every other word of the message
/// must be a small word or a request word of the same language ("stap 3 lukt niet" asks something else), and "one
/// step back" or "een stap terug" name no step (a cardinal counts only after the step word).
struct StepRequests: Sendable {
    /// Which step was asked for.
    enum Step: Equatable, Sendable {
        /// The step with this number, counting from 1.
        case number(Int)
        /// The last step.
        case last
    }

    /// The words of one language, folded.
    struct Words: Sendable {
        var language: Language
        var steps: Set<String> = []
        var ordinals: [String: Step] = [:]
        var cardinals: [String: Step] = [:]
        var requests: Set<String> = []
    }

    let languages: [Words]
    /// The step words of every language: most messages have none, and are passed over with one look per word.
    let stepWords: Set<String>

    /// The longest message read as a step request, in words.
    static let longest = 10

    init(content: ContentBundle) {
        var languages: [Words] = []
        for messages in content.messages.values.sorted(by: { $0.language < $1.language }) {
            var words = Words(language: messages.language)
            words.steps = Set(messages.list("step_words").map(TextFolding.fold))
            words.requests = Set(messages.list("step_request_words").map(TextFolding.fold))
            words.ordinals = Self.numbers(messages.table("step_ordinals"))
            words.cardinals = Self.numbers(messages.table("step_cardinals"))
            if !words.steps.isEmpty { languages.append(words) }
        }
        self.languages = languages
        self.stepWords = languages.reduce(into: []) { $0.formUnion($1.steps) }
    }

    /// A table of `"3": [derde]` and `last: [laatste]` as each folded word with its step.
    private static func numbers(_ table: [String: MessageValue]) -> [String: Step] {
        var numbers: [String: Step] = [:]
        for (key, value) in table {
            guard case .list(let words) = value else { continue }
            let step: Step
            if key == "last" {
                step = .last
            } else if let number = Int(key), number >= 1 {
                step = .number(number)
            } else {
                continue
            }
            for word in words { numbers[TextFolding.fold(word)] = step }
        }
        return numbers
    }

    /// The step `tokens` ask for, or nil when the message is not a request for a numbered step.
    func step(in tokens: [Token]) -> Step? {
        guard tokens.count <= Self.longest, tokens.contains(where: { stepWords.contains($0.folded) }) else {
            return nil
        }
        for words in languages {
            guard let at = tokens.firstIndex(where: { words.steps.contains($0.folded) }) else { continue }
            var step: Step?
            var numberAt = at
            if at + 1 < tokens.count {
                let next = tokens[at + 1]
                if next.isNumber, let number = Int(next.lower), number >= 1, number < 1000 {
                    step = .number(number)
                } else {
                    step = words.cardinals[next.folded]
                }
                if step != nil { numberAt = at + 1 }
            }
            if step == nil && at > 0 {
                let previous = tokens[at - 1]
                step = words.ordinals[previous.folded] ?? Self.digitOrdinal(previous.folded)
                if step != nil { numberAt = at - 1 }
            }
            guard let step else { continue }
            let others = tokens.indices.lazy.filter { $0 != at && $0 != numberAt }
            let plain = others.allSatisfy { index in
                let word = tokens[index].folded
                return StopWords.contains(word, language: words.language) || words.requests.contains(word)
            }
            if plain { return step }
        }
        return nil
    }

    /// "3e", "3de", "3ste", "3eme", "3rd", "1st", "1er", "1re": a number written with an ordinal ending.
    static func digitOrdinal(_ word: String) -> Step? {
        let digits = word.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits), number >= 1, number < 1000 else { return nil }
        switch word.dropFirst(digits.count) {
        case "e", "de", "ste", "eme", "er", "ere", "re", "st", "nd", "rd", "th": return .number(number)
        default: return nil
        }
    }
}
