public import StapjeText

/// A piece of text from a content file, with the line it came from.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a located value.
    public init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A keyword or phrase with its weight.
public struct Keyword: Sendable, Hashable {
    /// The word, phrase, or `@concept`.
    public var phrase: String
    /// From 1 (a hint) to 5 (almost certain).
    public var weight: Double
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a keyword.
    public init(phrase: String, weight: Double, location: SourceLocation) {
        self.phrase = phrase
        self.weight = weight
        self.location = location
    }
}

/// A kind of question only some topics answer (`question-types:` in `_out-of-scope.yaml`): its lines are excludes for
/// every topic but those that name the type under `answers:` ("how much does it cost" is no topic's question, except
/// the train ticket's fare on board and a print's price).
public struct QuestionType: Sendable {
    /// The name topics use under `answers:`.
    public var name: String
    /// The exclude lines.
    public var lines: [Located<String>]
    /// Where the type is named.
    public var location: SourceLocation

    /// Creates a question type.
    public init(name: String, lines: [Located<String>], location: SourceLocation) {
        self.name = name
        self.lines = lines
        self.location = location
    }
}

/// How people ask for one topic or conversation intent, in one language.
public struct IntentRules: Sendable {
    /// The topic or conversation id.
    public var id: String
    /// The language of the rules.
    public var language: Language
    /// Words and phrases that point to this intent.
    public var keywords: [Keyword]
    /// Words that show the question is about something else.
    public var exclude: [Located<String>]
    /// Word-order patterns.
    public var patterns: [Located<String>]
    /// With `whole`: words or phrases that mark the intent on their own in a short message that names no topic
    /// ("super bedankt nu snap ik het eindelijk" is thanks for "bedankt"); see docs/CONTENT.md.
    public var signals: [Located<String>] = []
    /// Example questions.
    public var examples: [Located<String>]
    /// Questions that must land on this intent.
    public var matchTests: [Located<String>]
    /// Questions that must fall back.
    public var fallbackTests: [Located<String>]
    /// The question types of `_out-of-scope.yaml` this topic answers (`answers:`): their lines are no excludes here.
    public var answers: [Located<String>] = []
    /// When true, a pattern fires only if it covers the whole question.
    public var whole: Bool
    /// With `whole`: a pattern may also cover one or more clauses of a longer message, between `,` `.` `!` `?`
    /// ("merci, ça a marché pour le train"), which counts less than the whole message.
    public var clauses = false
    /// The file the rules were read from.
    public var location: SourceLocation

    /// Creates a rule set.
    public init(
        id: String, language: Language, keywords: [Keyword] = [], exclude: [Located<String>] = [],
        patterns: [Located<String>] = [], examples: [Located<String>] = [], matchTests: [Located<String>] = [],
        fallbackTests: [Located<String>] = [], whole: Bool = false, location: SourceLocation
    ) {
        self.id = id
        self.language = language
        self.keywords = keywords
        self.exclude = exclude
        self.patterns = patterns
        self.examples = examples
        self.matchTests = matchTests
        self.fallbackTests = fallbackTests
        self.whole = whole
        self.location = location
    }
}

/// A named group of words that mean the same thing in one language.
public struct ConceptSet: Sendable, Hashable {
    /// The name, used as `@name` in rules.
    public var name: String
    /// The language.
    public var language: Language
    /// The words and phrases.
    public var phrases: [String]
    /// Where it was defined.
    public var location: SourceLocation

    /// Creates a concept set.
    public init(name: String, language: Language, phrases: [String], location: SourceLocation) {
        self.name = name
        self.language = language
        self.phrases = phrases
        self.location = location
    }
}
