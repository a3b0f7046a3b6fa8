import StapjeText

/// Guesses the language of a short question from its small words and the content's vocabulary.
///
/// Each word votes for the languages whose stop words contain it (1 point) and whose content uses it
/// (0.6, or 1 when only one language knows it). The session's language gets a head start of 0.5, so a
/// question that gives no clue stays in the session's language.
struct LanguageDetector: Sendable {
    let vocabularies: [Language: Set<String>]

    struct Detection {
        var language: Language?
        var scores: [Language: Double]
        var reason: String
    }

    func detect(_ text: String, prior: Language?) -> Detection {
        detect(Tokenizer().tokens(text), prior: prior)
    }

    func detect(_ tokens: [Token], prior: Language?) -> Detection {
        let languages = vocabularies.keys.sorted()
        var scores = Dictionary(uniqueKeysWithValues: languages.map { ($0, 0.0) })
        for token in tokens where !token.isNumber {
            let word = token.folded
            let knowing = languages.filter { vocabularies[$0]?.contains(word) == true }
            for language in languages {
                if StopWords.contains(word, language: language) { scores[language, default: 0] += 1 }
                if knowing.contains(language) { scores[language, default: 0] += knowing.count == 1 ? 1 : 0.6 }
            }
        }
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
