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
    /// Signals found (a whole-message intent's words that count on their own in a short message naming no topic);
    /// nil when none was.
    public var signals: [String]?
    /// Whether those signals counted here; nil when none was found.
    public var signalsCounted: Bool?
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
///
/// The sentences (`languageReason`, `decision`), the scores by language code and the candidates' evidence in
/// words (keywords, patterns, best example) are written when they are read: a match keeps the facts behind them as
/// numbers, and most matches are never explained (writing them out took a sixth of a match).
public struct Explanation: Sendable, Hashable, Codable {
    /// The words after analysis.
    public var tokens: [AnalyzedToken]
    /// Corrections, refused corrections and compounds.
    public var notes: AnalysisNotes
    /// How the language was chosen, and each language's detection score.
    let detection: LanguageEvidence
    /// Share of the question's words the content knows (0 to 1).
    public var coverage: Double
    /// The best intents, best first, as numbers; `model` names them.
    let ranked: [RankedIntent]
    /// The keyword cue and pattern numbers of the ranked intents: each intent's are ranges of this list.
    let cues: [Int32]
    /// The language model that ranked them (nil for an explanation read back from its written form).
    let model: LanguageModel?
    /// The candidates of an explanation read back from its written form.
    let written: [Candidate]
    /// Why the decision was made.
    let reason: Decision

    init(
        tokens: [AnalyzedToken], notes: AnalysisNotes, detection: LanguageEvidence, coverage: Double,
        ranked: [RankedIntent] = [], cues: [Int32] = [], model: LanguageModel? = nil, written: [Candidate] = [],
        reason: Decision
    ) {
        self.tokens = tokens
        self.notes = notes
        self.detection = detection
        self.coverage = coverage
        self.ranked = ranked
        self.cues = cues
        self.model = model
        self.written = written
        self.reason = reason
    }

    /// The best candidates, best first, with their evidence.
    public var candidates: [Candidate] {
        guard let model else { return written }
        return ranked.map { model.candidate($0, cues: cues) }
    }

    /// The id of the best candidate (without writing out any evidence).
    public var bestCandidateID: String? {
        guard let model else { return written.first?.id }
        return ranked.first.map { model.intents[Int($0.position)].id }
    }

    /// The score of candidate `id`, or nil when it is not among the candidates (without writing out any evidence).
    public func candidateScore(_ id: String) -> Double? {
        guard let model else { return written.first { $0.id == id }?.score }
        return ranked.first { model.intents[Int($0.position)].id == id }?.score
    }

    /// Whether an exclude word or concept of a candidate was found.
    var hasExcluded: Bool {
        model == nil ? written.contains { $0.evidence.excludedBy != nil } : ranked.contains { $0.exclude != -1 }
    }

    /// Equal when everything an explanation shows is equal (one read back from its written form included).
    public static func == (lhs: Explanation, rhs: Explanation) -> Bool {
        lhs.tokens == rhs.tokens && lhs.notes == rhs.notes && lhs.coverage == rhs.coverage
            && lhs.languageScores == rhs.languageScores && lhs.languageReason == rhs.languageReason
            && lhs.decision == rhs.decision && lhs.candidates == rhs.candidates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens)
        hasher.combine(coverage)
        hasher.combine(decision)
        hasher.combine(candidates)
    }

    /// The language detection score per language.
    public var languageScores: [String: Double] {
        Dictionary(
            uniqueKeysWithValues: detection.languages.indices.map {
                (detection.languages[$0].rawValue, detection.points[$0])
            })
    }

    /// The detection score of `language` (0 when it was not scored).
    public func languageScore(_ language: Language) -> Double {
        detection.score(language)
    }

    /// How the language was chosen.
    public var languageReason: String { detection.choice.text }

    /// Why the decision was made, in a sentence.
    public var decision: String { reason.text }

    private enum CodingKeys: String, CodingKey {
        case tokens, notes, languageScores, languageReason, coverage, candidates, decision
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(notes, forKey: .notes)
        try container.encode(languageScores, forKey: .languageScores)
        try container.encode(languageReason, forKey: .languageReason)
        try container.encode(coverage, forKey: .coverage)
        try container.encode(candidates, forKey: .candidates)
        try container.encode(decision, forKey: .decision)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let scores = try container.decode([String: Double].self, forKey: .languageScores).sorted { $0.key < $1.key }
        self.init(
            tokens: try container.decode([AnalyzedToken].self, forKey: .tokens),
            notes: try container.decode(AnalysisNotes.self, forKey: .notes),
            detection: LanguageEvidence(
                choice: .written(try container.decode(String.self, forKey: .languageReason)),
                languages: try scores.map {
                    guard let language = Language(rawValue: $0.key) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .languageScores, in: container, debugDescription: "unknown language '\($0.key)'")
                    }
                    return language
                },
                points: scores.indices.reduce(into: SIMD4<Double>()) { $0[$1] = scores[$1].value }),
            coverage: try container.decode(Double.self, forKey: .coverage),
            written: try container.decode([Candidate].self, forKey: .candidates),
            reason: .written(try container.decode(String.self, forKey: .decision)))
    }
}

/// One of the best intents of a question, as numbers (`Explanation.candidates` writes its evidence in words).
struct RankedIntent: Sendable, Hashable {
    /// The intent's position in its language model.
    let position: Int32
    let score: Double
    let total: Double
    let contextBoost: Double
    /// Similarity to the best example and to the prototype.
    let best: Double
    let centroid: Double
    let keywordWeight: Double
    /// The first exclude cue found: the intent's own (0 or more), a shared one (-2 - its number in
    /// `LanguageModel.sharedExcludes`), or none (-1).
    let exclude: Int32
    /// The best example's index in the language's example texts, or -1.
    let example: Int32
    /// The keyword cues found and the patterns matched, in content order, as ranges of `Explanation.cues`.
    let keywords: Range<Int32>
    let patterns: Range<Int32>
    /// For a whole-message intent whose patterns covered only some clauses of the message: whether beside a clause
    /// that asks something (`Pattern.leavesAQuestion`); nil otherwise.
    var clauseBesideQuestion: Bool? = nil
    /// Whether a signal found for this whole-message intent counted (`LanguageModel.intentsWithSignals`).
    var signalCounted = false
}

/// How the language of a question was chosen, and the points detection gave each language.
struct LanguageEvidence: Sendable, Hashable {
    var choice: LanguageChoice
    /// The languages scored (in order), and their points (a slot for each; Language has three cases).
    var languages: [Language]
    var points: SIMD4<Double>

    /// No detection: the language was given.
    static func given(_ choice: LanguageChoice) -> LanguageEvidence {
        LanguageEvidence(choice: choice, languages: [], points: SIMD4())
    }

    /// The points of `language` (0 for a language that was not scored).
    func score(_ language: Language) -> Double {
        languages.firstIndex(of: language).map { points[$0] } ?? 0
    }

    /// The same points, chosen as `choice` says.
    func chosen(_ choice: LanguageChoice) -> LanguageEvidence {
        LanguageEvidence(choice: choice, languages: languages, points: points)
    }
}

/// How the language of a question was chosen (`Explanation.languageReason` words it).
indirect enum LanguageChoice: Sendable, Hashable {
    /// The person or the caller chose it.
    case chosen
    /// There is no content to match in.
    case noContent
    /// No word gave a clue: the session's language was kept.
    case noClue
    /// The words fit this language best; `session` when it is the session's language.
    case fits(Language, session: Bool)
    /// The words fit this language and another as well: the conversation leans to it (`leaning`), or it comes first.
    case tied(Language, leaning: Bool)
    /// Nothing matched in the language detected (`first`), so another one that fits as well was tried.
    case retried(LanguageChoice, first: Language, tried: Language)
    /// Read back from a written explanation.
    case written(String)

    var text: String {
        switch self {
        case .chosen: "chosen by the person or the caller"
        case .noContent: "no content loaded"
        case .noClue: "no clue in the words: kept the session's language"
        case .fits(let language, true): "the words fit \(language.rawValue), the session's language"
        case .fits(let language, false): "the words fit \(language.rawValue) best"
        case .tied(let language, true):
            "the words fit several languages as well; the conversation leans to \(language.rawValue)"
        case .tied(let language, false): "the words fit several languages as well; took \(language.rawValue), the first"
        case .retried(let detected, let first, let tried):
            "\(detected.text); no match in \(first.rawValue), tried \(tried.rawValue)"
        case .written(let text): text
        }
    }
}

/// Why the engine answered, asked or fell back (`Explanation.decision` words it).
enum Decision: Sendable, Hashable {
    case noRules
    case noWords
    case nothingMatched
    case belowFallback(intent: String, score: Double, threshold: Double)
    case outOfScope(intent: String, score: Double)
    /// `runnerUp`: the runner-up's evidence as a share of the best intent's.
    case answered(intent: String, score: Double, threshold: Double, runnerUp: Double)
    case tooClose(first: String, score: Double, second: String, secondScore: Double)
    /// The rules left `second` (the closest of those too close) near `intent`, but the question is much more like an
    /// example of `intent` (`example` against `secondExample`).
    case closerExample(intent: String, score: Double, example: Double, second: String, secondExample: Double)
    case betweenThresholds(score: Double)
    /// Close enough to ask about, but each intent that could be offered was cut by one of its excludes.
    case excludedOnly(intents: [String])
    /// Read back from a written explanation.
    case written(String)

    var text: String {
        switch self {
        case .noRules: "no rules are loaded"
        case .noWords: "the question has no words to match"
        case .nothingMatched: "no intent matched any word"
        case .belowFallback(let intent, let score, let threshold):
            "best score \(Self.hundredths(score)) (\(intent)) is below the fallback threshold \(Self.hundredths(threshold))"
        case .outOfScope(let intent, let score):
            "\(intent) scored \(Self.hundredths(score)): a rule for questions Stapje does not answer"
        case .answered(let intent, let score, let threshold, let runnerUp):
            "\(intent) scored \(Self.hundredths(score)), above \(Self.hundredths(threshold)); the runner-up has "
                + "\(Int(runnerUp * 100))% of its evidence"
        case .tooClose(let first, let score, let second, let secondScore):
            "\(first) (\(Self.hundredths(score))) and \(second) (\(Self.hundredths(secondScore))) are too close to choose"
        case .closerExample(let intent, let score, let example, let second, let secondExample):
            "\(intent) scored \(Self.hundredths(score)) with \(second) close behind, but the question is much closer to "
                + "an example of \(intent) (\(Self.hundredths(example)) against \(Self.hundredths(secondExample)))"
        case .betweenThresholds(let score):
            "best score \(Self.hundredths(score)) is between the thresholds: ask which is meant"
        case .excludedOnly(let intents):
            "close enough to ask about, but \(intents.joined(separator: ", ")) "
                + "\(intents.count == 1 ? "was" : "were") cut by an exclude: not meant, so not offered"
        case .written(let text): text
        }
    }

    /// Two decimals ("0.62") without Foundation's String(format:), which the engine does without.
    static func hundredths(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
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
        guard kind == .fallback, let first = explanation.bestCandidateID, Self.isOutOfScope(first) else {
            return nil
        }
        return first
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
