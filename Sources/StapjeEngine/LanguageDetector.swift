import StapjeText

/// Guesses the language of a short question from its small words and the content's vocabulary.
///
/// Each word votes for the languages whose stop words contain it (1 point) and whose content uses it
/// (0.6, or 1 when only one language knows it). The session's language gets a head start of 0.5, so a
/// question that gives no clue stays in the session's language.
struct LanguageDetector: Sendable {
    /// For every word any language knows: which languages have it as a stop word and which use it in content, as
    /// bits by position in `languages`. One lookup a word instead of two for every language.
    private let clues: WordTable<(stop: UInt8, content: UInt8)>
    private let languages: [Language]

    /// - Parameter vocabularies: the folded words of each language's content (read here, not kept).
    init(vocabularies: [Language: Set<String>]) {
        let languages = vocabularies.keys.sorted()
        var clues = WordTable<(stop: UInt8, content: UInt8)>()
        for (index, language) in languages.enumerated() {
            let bit = UInt8(1) << UInt8(index)
            for word in vocabularies[language] ?? [] { clues[word, default: (0, 0)].content |= bit }
            for word in StopWords.words(for: language) { clues[word, default: (0, 0)].stop |= bit }
        }
        self.clues = clues
        self.languages = languages
    }

    /// Whether a language other than `language` has `folded` among its content words or small words.
    func isKnown(_ folded: String, otherThan language: Language) -> Bool {
        guard let clue = clues[folded], let index = languages.firstIndex(of: language) else { return false }
        let others = ~(UInt8(1) << UInt8(index))
        return (clue.content | clue.stop) & others != 0
    }

    /// The language found (nil: no clue and no prior), and how, with every language's points.
    struct Detection {
        var language: Language?
        var evidence: LanguageEvidence
    }

    /// The language whose words `tokens` are; `prior` (the conversation's language) adds half a point, `leaning` only
    /// decides between languages with equal points.
    func detect(_ tokens: [Token], prior: Language?, leaning: Language? = nil) -> Detection {
        // At most one slot a language (Language has three cases): a fixed vector, not an array allocated per question.
        var points = SIMD4<Double>()
        for token in tokens where !token.isNumber {
            guard let clue = clues[token.folded] else { continue }
            let knowing = clue.content.nonzeroBitCount
            for index in languages.indices {
                let bit = UInt8(1) << UInt8(index)
                if clue.stop & bit != 0 { points[index] += 1 }
                if clue.content & bit != 0 { points[index] += knowing == 1 ? 1 : 0.6 }
            }
        }
        if let prior, let index = languages.firstIndex(of: prior) { points[index] += 0.5 }
        // The most points; equal points go to the leaning language, else to the first in `languages` (sorted).
        var best: Int?
        for index in languages.indices {
            guard let current = best else {
                best = index
                continue
            }
            if points[index] > points[current] || (points[index] == points[current] && languages[index] == leaning) {
                best = index
            }
        }
        guard let best, points[best] > 0 else {
            return Detection(
                language: prior, evidence: LanguageEvidence(choice: .noClue, languages: languages, points: points))
        }
        let language = languages[best]
        let tied = languages.indices.contains { $0 != best && points[$0] == points[best] }
        let choice: LanguageChoice =
            tied && language != prior
            ? .tied(language, leaning: language == leaning) : .fits(language, session: language == prior)
        return Detection(
            language: language, evidence: LanguageEvidence(choice: choice, languages: languages, points: points))
    }
}
