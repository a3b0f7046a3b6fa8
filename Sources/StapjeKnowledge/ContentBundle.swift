public import StapjeText

/// A topic of the curriculum: its public id and where it applies.
public struct TopicInfo: Sendable, Hashable {
    /// The public id, e.g. `jobs.cv`.
    public var id: String
    /// The regions the topic applies to.
    public var regions: [Region]
    /// Where it was declared.
    public var location: SourceLocation

    /// Creates a topic.
    public init(id: String, regions: [Region], location: SourceLocation) {
        self.id = id
        self.regions = regions
        self.location = location
    }

    /// The category, the part of the id before the dot.
    public var category: String { String(id.prefix(while: { $0 != "." })) }
}

/// Everything Stapje knows, as read from a content directory.
public struct ContentBundle: Sendable {
    /// The content topics, in curriculum order.
    public var topics: [TopicInfo]
    /// The conversation intent ids (answered by the core, no FAQ file).
    public var conversationIntents: [String]
    /// The languages every topic must have.
    public var languages: [Language]
    /// Answers by topic id and language.
    public var answers: [String: [Language: Answer]]
    /// Intent rules by language, sorted by id.
    public var intents: [Language: [IntentRules]]
    /// Concept sets by language and name.
    public var concepts: [Language: [String: ConceptSet]]
    /// Out-of-scope test questions by language.
    public var outOfScope: [Language: [Located<String>]]
    /// Excludes that hold for every topic, by language (`exclude:` in `_out-of-scope.yaml`): words and phrases of
    /// questions no topic answers ("is it legal", "who invented"), written once instead of in every topic's file.
    public var sharedExcludes: [Language: [Located<String>]] = [:]
    /// Question types only some topics answer, by language, in file order (`question-types:` in
    /// `_out-of-scope.yaml`): shared excludes that spare the topics naming the type under `answers:`.
    public var questionTypes: [Language: [QuestionType]] = [:]
    /// Stems set by the curator (`_stems.yaml`), by language: a word as typed (lower case) and the stem it gets
    /// instead of the stemmer's, for words the stemmer would merge with a word of another meaning.
    public var stems: [Language: [String: String]] = [:]
    /// The assistant's own words by language.
    public var messages: [Language: Messages]
    /// Files that could not be read at all (not valid YAML, not UTF-8), relative to the content directory: their
    /// own error says so, and the checks that would miss what they hold say nothing more.
    public var unreadable: Set<String> = []

    /// The curriculum's file, relative to the content directory.
    public static let curriculumFile = "faq/topics.yaml"

    /// Whether the curriculum could not be read: every topic id then looks unknown, and its own error says why.
    public var curriculumUnreadable: Bool { unreadable.contains(Self.curriculumFile) }

    /// Creates a bundle.
    public init(
        topics: [TopicInfo] = [], conversationIntents: [String] = [], languages: [Language] = Language.allCases,
        answers: [String: [Language: Answer]] = [:], intents: [Language: [IntentRules]] = [:],
        concepts: [Language: [String: ConceptSet]] = [:], outOfScope: [Language: [Located<String>]] = [:],
        messages: [Language: Messages] = [:]
    ) {
        self.topics = topics
        self.conversationIntents = conversationIntents
        self.languages = languages
        self.answers = answers
        self.intents = intents
        self.concepts = concepts
        self.outOfScope = outOfScope
        self.messages = messages
    }

    /// The answer to `topic` in `language`, falling back to another language only when it is missing.
    public func answer(_ topic: String, language: Language) -> Answer? {
        answers[topic]?[language]
    }

    /// The topic with this id.
    public func topic(_ id: String) -> TopicInfo? {
        topics.first { $0.id == id }
    }

    /// The words for `language` (an empty table when missing, so faces show keys instead of crashing).
    public func words(_ language: Language) -> Messages {
        messages[language] ?? Messages(language: language, values: [:])
    }

    /// Whether topic `id` applies in `region` (`regions:` in `faq/topics.yaml`; itsme is Belgian); true for an id
    /// the curriculum does not list.
    public func applies(_ id: String, in region: Region) -> Bool {
        topic(id).map { $0.regions.contains(region) } ?? true
    }

    /// True for a content topic id (not a conversation intent).
    public func isTopic(_ id: String) -> Bool {
        answers[id] != nil || topics.contains { $0.id == id }
    }
}
