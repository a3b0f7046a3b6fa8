import StapjeText

/// Guesses the language of a short question from its small words and the content's vocabulary.
///
/// Each word votes for the languages whose stop words contain it (1 point) and whose content uses it
/// (0.6, or 1 when only one language knows it). The session's language gets a head start of 0.5, so a
/// question that gives no clue stays in the session's language.
struct LanguageDetector: Sendable {
    /// For every word any language knows: which languages have it as a stop word and which use it in content, as
    /// bits by position in `languages`. One lookup a word instead of two for every language.
    private let clues: [String: (stop: UInt8, content: UInt8)]
    private let languages: [Language]

    /// - Parameter vocabularies: the folded words of each language's content (read here, not kept).
    init(vocabularies: [Language: Set<String>]) {
        let languages = vocabularies.keys.sorted()
        var clues: [String: (stop: UInt8, content: UInt8)] = [:]
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

    struct Detection {
        var language: Language?
        var scores: [Language: Double]
        var reason: String
    }

    func detect(_ tokens: [Token], prior: Language?) -> Detection {
        var points = [Double](repeating: 0, count: languages.count)
        for token in tokens where !token.isNumber {
            guard let clue = clues[token.folded] else { continue }
            let knowing = clue.content.nonzeroBitCount
            for index in languages.indices {
                let bit = UInt8(1) << UInt8(index)
                if clue.stop & bit != 0 { points[index] += 1 }
                if clue.content & bit != 0 { points[index] += knowing == 1 ? 1 : 0.6 }
            }
        }
        var scores = Dictionary(uniqueKeysWithValues: zip(languages, points))
        if let prior, scores[prior] != nil { scores[prior, default: 0] += 0.5 }
        let ranked = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        guard let best = ranked.first, best.value > 0 else {
            return Detection(
                language: prior, scores: scores, reason: "no clue in the words: kept the session's language")
        }
        let reason =
            best.key == prior
            ? "the words fit \(best.key.rawValue), the session's language"
            : "the words fit \(best.key.rawValue) best"
        return Detection(language: best.key, scores: scores, reason: reason)
    }
}
