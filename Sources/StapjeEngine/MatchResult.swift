public import StapjeText

/// What the engine decided about a question.
public enum MatchKind: String, Sendable, Hashable, Codable {
    /// Confident: answer this intent.
    case answer
    /// Unsure between a few intents (or of one): ask which is meant.
    case clarify
    /// Nothing matched well enough: say so honestly.
    case fallback
}

/// Why one intent scored what it scored.
public struct Evidence: Sendable, Hashable, Codable {
    /// Keywords (or concepts) found, with their weights.
    public var keywords: [String] = []
    /// The summed weight of the keywords found.
    public var keywordWeight: Double = 0
    /// Patterns that matched.
    public var patterns: [String] = []
    /// The most similar example sentence.
    public var bestExample: String?
    /// Similarity to that example (0 to 1).
    public var exampleSimilarity: Double = 0
    /// Similarity to the intent's examples as a whole: their centroid or, where examples are all there is, the
    /// centroid refined by a perceptron (at most 1; a refined prototype can score below 0).
    public var centroidSimilarity: Double = 0
    /// An exclude word that was found.
    public var excludedBy: String?
    /// Added because of the previous topic of the conversation.
    public var contextBoost: Double = 0
    /// All evidence together (the score is `1 - exp(-total / 1.6)`).
    public var total: Double = 0
}

/// One intent with its score.
public struct Candidate: Sendable, Hashable, Codable {
    /// The topic or conversation id.
    public var id: String
    /// The score, 0 to 1.
    public var score: Double
    /// Why.
    public var evidence: Evidence
}

/// Everything the engine looked at, for `stapje why` and `ask --json`.
public struct Explanation: Sendable, Hashable, Codable {
    /// The words after analysis.
    public var tokens: [AnalyzedToken]
    /// Corrections, refused corrections and compounds.
    public var notes: AnalysisNotes
    /// The language detection score per language.
    public var languageScores: [String: Double]
    /// How the language was chosen.
    public var languageReason: String
    /// Share of the question's words the content knows (0 to 1).
    public var coverage: Double
    /// The best candidates, best first.
    public var candidates: [Candidate]
    /// Why the decision was made, in a sentence.
    public var decision: String
}

/// The engine's result for one question.
public struct MatchResult: Sendable, Hashable, Codable {
    /// Intents whose id starts with this are rules for questions Stapje does not answer ("hoeveel kost een nieuwe
    /// identiteitskaart", opening hours): when one is the best, the question falls back, and none is ever offered
    /// as a choice (docs/CONTENT.md).
    public static let outOfScopePrefix = "oos."

    /// Whether `id` names a rule for questions Stapje does not answer.
    public static func isOutOfScope(_ id: String) -> Bool {
        id.hasPrefix(outOfScopePrefix)
    }

    /// The out-of-scope rule that made this a fallback, if one did: the best candidate.
    public var outOfScopeRule: String? {
        guard kind == .fallback, let first = explanation.candidates.first, Self.isOutOfScope(first.id) else {
            return nil
        }
        return first.id
    }

    /// Answer, clarify or fallback.
    public var kind: MatchKind
    /// The chosen intent (for answer), or the best guess (for clarify), or nil.
    public var intent: String?
    /// 0 to 1.
    public var confidence: Double
    /// The language the question was read in.
    public var language: Language
    /// The intents offered when clarifying, best first.
    public var alternatives: [String]
    /// Why.
    public var explanation: Explanation
}
