public import StapjeKnowledge
public import StapjeText
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thresholds of the decision. The defaults are the documented, measured ones (README, "Engine figures").
public struct EngineConfiguration: Sendable, Hashable, Codable {
    /// At or above this score, with enough margin over the runner-up, the engine answers.
    public var answerThreshold: Double = 0.60
    /// Below this score, the engine falls back.
    public var clarifyThreshold: Double = 0.40
    /// The most evidence the runner-up may have, as a share of the best intent's, for an answer without asking.
    public var runnerUpRatio: Double = 0.8
    /// The most intents offered in a clarifying question.
    public var maximumAlternatives: Int = 3
    /// When the best intent's rules leave it too close to others (`runnerUpRatio`), it is still answered if the
    /// question is at least this similar to one of its examples...
    public var exampleLeadSimilarity: Double = 0.5
    /// ... and this many times as similar as to any example of the intents too close to it. "how activate e-box
    /// with itsme" sets off the rules of both the eBox and itsme equally, and is a near copy of an eBox example
    /// (0.91 against 0.54): it asks about the eBox. Measured on the probe and used held-out sets with dev.tsv
    /// (13,143 lines; docs/HISTORY.md, twentieth session): at 0.5 and 1.5, 21 clarifying questions became right
    /// answers, 4 wrong ones and no out-of-scope question an answer.
    public var exampleLeadRatio: Double = 1.5
    /// For a language whose intents are defined by example sentences alone (no keywords or patterns, as in a
    /// benchmark set): answer at or above this score, fall back below it. Similarity alone is less certain than
    /// rules, so its scores run lower. Measured on CLINC150 validation (README): in-scope accuracy / out-of-scope
    /// recall are 90.8/61 at 0.26, 90.4/69 at 0.28, 89.8/74 at 0.30, 88.2/81 at 0.33; 0.28 is the middle of the
    /// range (0.26-0.29) that keeps both at or above 90% and 60%.
    public var exampleOnlyThreshold: Double = 0.28

    /// Creates a configuration with the default thresholds.
    public init() {}
}

/// What the conversation knows that can help matching.
public struct MatchContext: Sendable, Hashable {
    /// The session's language: a prior for detection, or the language to use when `explicitLanguage` is set.
    public var language: Language?
    /// True when the person or the caller chose the language: no detection.
    public var explicitLanguage: Bool
    /// The topic currently on screen, if any.
    public var previousTopic: String?
    /// That topic's follow-ups.
    public var relatedTopics: [String]
    /// The language a conversation leans to before any message settled one (the region's usual language): it only
    /// breaks a tie between languages that fit the words equally ("salut", "wifi"), and is used when no word fits
    /// any language. Unlike `language`, it adds nothing to a language's points.
    public var leaning: Language?

    /// Creates a context.
    public init(
        language: Language? = nil, explicitLanguage: Bool = false, previousTopic: String? = nil,
        relatedTopics: [String] = [], leaning: Language? = nil
    ) {
        self.language = language
        self.explicitLanguage = explicitLanguage
        self.previousTopic = previousTopic
        self.relatedTopics = relatedTopics
        self.leaning = leaning
    }
}

/// The compiled, immutable matcher: build it once from the content, share it between all sessions.
///
/// Scoring (docs/ENGINE.md): for each intent, keyword weight, pattern matches and similarity to its examples
/// are combined as independent evidence; an exclude word cuts the score; the previous topic can add a little;
/// words the content has never seen lower the score. Candidates are ordered by score and then by id, so
/// nothing depends on file order.
public struct Matcher: Sendable {
    /// The thresholds in use.
    public let configuration: EngineConfiguration
    /// Problems found while compiling rules (pattern syntax, unknown concepts), with file and line.
    public let diagnostics: [Diagnostic]
    let models: [Language: LanguageModel]
    let detector: LanguageDetector
    let tokenizer = Tokenizer()

    /// Compiles the rules of `bundle`.
    public init(bundle: ContentBundle, configuration: EngineConfiguration = EngineConfiguration()) {
        let (models, detector, diagnostics, temporaries) = Self.compile(bundle)
        self.configuration = configuration
        self.diagnostics = diagnostics
        self.models = models
        self.languages = models.keys.sorted()
        self.detector = detector
        // The temporaries of compiling (split texts, sources, parts) are freed and their pages handed back on
        // another thread: a matcher is ready as soon as its tables are, and freeing them took a few milliseconds.
        FreeMemory.release(temporaries)
    }

    private static func compile(_ bundle: ContentBundle) -> (
        models: [Language: LanguageModel], detector: LanguageDetector, diagnostics: [Diagnostic],
        temporaries: Garbage
    ) {
        // The languages are independent, and each is compiled in two rounds: its words are read and stemmed; then
        // its typo index, its rules and its example index are built as three jobs. All these steps are handed to
        // the cores in one list, a language's words first and the longest jobs first, so a core that is free takes
        // the next step, and three languages keep two cores busy to the end. The job that finishes a language's
        // last part puts its model together at once, and the language detector is the list's last step, so little
        // is left for one core when the list is done. Diagnostics are sorted and models kept by language, so
        // nothing depends on which finished first.
        let languages = bundle.intents.filter { !$0.value.isEmpty }.keys.sorted()
        let sources = Slots<LanguageModel.Source>(count: languages.count)
        let assembly = ModelAssembly(languages: languages.count, parts: LanguageModel.Job.allCases.count)
        let jobs = LanguageModel.Job.allCases.flatMap { job in languages.indices.map { CompileStep.job(job, $0) } }
        let steps = languages.indices.map { CompileStep.source($0) } + jobs + [.detector]
        @Sendable func source(_ position: Int) -> LanguageModel.Source {
            // Made by whichever step needs it first; a thread waits only for one that is making it.
            sources.value(position) {
                let language = languages[position]
                return LanguageModel.Source(
                    language: language, rules: bundle.intents[language] ?? [],
                    concepts: bundle.concepts[language] ?? [:], stems: bundle.stems[language] ?? [:],
                    sharedExcludes: bundle.sharedExcludes[language] ?? [],
                    questionTypes: bundle.questionTypes[language] ?? [],
                    conversation: Set(bundle.conversationIntents))
            }
        }
        let results = concurrentMap(steps) { step -> LanguageDetector? in
            switch step {
            case .source(let position):
                _ = source(position)
            case .job(let job, let position):
                let source = source(position)
                if let parts = assembly.add(source.build(job), language: position) {
                    var diagnostics: [Diagnostic] = []
                    let model = LanguageModel(source, parts: parts, diagnostics: &diagnostics)
                    assembly.set(model, diagnostics: diagnostics, language: position)
                }
            case .detector:
                var vocabularies: [Language: Set<String>] = [:]
                for position in languages.indices { vocabularies[languages[position]] = source(position).vocabulary }
                return LanguageDetector(vocabularies: vocabularies)
            }
            return nil
        }
        let built = assembly.models
        var models: [Language: LanguageModel] = [:]
        for model in built.models { models[model.language] = model }
        // The detector is the last step's result (the only step that returns one).
        let detector = results.last.flatMap { $0 } ?? LanguageDetector(vocabularies: [:])
        return (models, detector, built.diagnostics.sorted(), Garbage((sources, assembly)))
    }

    /// The languages that have rules, in order (kept: every match reads them).
    public let languages: [Language]

    /// The intent ids known in `language`.
    public func intentIDs(_ language: Language) -> [String] {
        models[language]?.intents.map(\.id) ?? []
    }

    /// Matches one question.
    public func match(_ text: String, context: MatchContext = MatchContext()) -> MatchResult {
        match(tokens: tokenizer.tokens(text), context: context)
    }

    /// Whether a message reads as a short follow-up of the topic on screen ("en op mijn gsm?", "what about my
    /// laptop?"): one clause of at most five words opening with a link word or pair, in any of the languages.
    public static func readsAsFollowUp(_ text: [Token]) -> Bool {
        guard (2...LanguageModel.followUpWords).contains(text.count), !text.dropFirst().contains(where: \.startsClause)
        else { return false }
        return LanguageModel.followUpOpeners.contains(text[0].folded)
            || LanguageModel.followUpOpeningPairs.contains(text[0].folded + " " + text[1].folded)
    }

    /// Matches one question already split into words by `Tokenizer` (a caller that reads the words itself need
    /// not split them twice). One tokenisation serves detection and every language tried.
    public func match(tokens text: [Token], context: MatchContext = MatchContext()) -> MatchResult {
        let fallbackLanguage =
            context.language ?? context.leaning.flatMap { models[$0] != nil ? $0 : nil }
            ?? languages.first ?? .nl
        if context.explicitLanguage, let language = context.language, let model = models[language] {
            return model.evaluate(
                text, context: context, configuration: configuration, detector: detector, detection: .given(.chosen))
        }
        let detection = detector.detect(text, prior: context.language, leaning: context.leaning)
        let first = detection.language ?? fallbackLanguage
        let evidence = detection.evidence
        guard let model = models[first] ?? models[fallbackLanguage] ?? models.values.first else {
            return MatchResult(
                kind: .fallback, intent: nil, confidence: 0, language: fallbackLanguage, alternatives: [],
                explanation: Explanation(
                    tokens: [], notes: AnalysisNotes(),
                    detection: evidence.chosen(.noContent),
                    coverage: 0, reason: .noRules))
        }
        var best = model.evaluate(
            text, context: context, configuration: configuration, detector: detector, detection: evidence)
        let excluded = best.explanation.hasExcluded
        guard best.kind == .fallback, !excluded else { return best }
        // A question whose words fit two languages equally ("app gsm") may be tried in the other one, and wins only
        // with a real answer or clarification. A question that is clearly in one language is never re-read.
        let topScore = evidence.score(model.language)
        for language in languages where language != model.language && evidence.score(language) >= topScore {
            guard let other = models[language] else { continue }
            let attempt = other.evaluate(
                text, context: context, configuration: configuration, detector: detector,
                detection: evidence.chosen(.retried(evidence.choice, first: model.language, tried: language)))
            if attempt.kind != .fallback && attempt.confidence > best.confidence {
                best = attempt
            }
        }
        return best
    }
}

/// One intent compiled for matching (a class: matching reads it in place instead of copying its arrays).
final class CompiledIntent: Sendable {
    struct Cue: Sendable {
        var label: String
        let phrases: [[Int32]]
        let weight: Double
        /// True for a phrase with a `+word`: compiled with its small words and looked for in the message with its
        /// small words ("+how +much").
        let message: Bool
        /// A whole-message intent's signal (`IntentRules.signals`): counted, not weighed (its weight is 0).
        var signal = false
    }

    let id: String
    let whole: Bool
    /// The whole-message patterns may also cover some clauses of a message (`IntentRules.clauses`).
    let clauses: Bool
    let keywords: [Cue]
    let exclude: [Cue]
    /// Keywords or patterns read without small words (its patterns themselves live in the rule index).
    let hasRules: Bool
    /// For a whole-message intent, the stem ids of every word its examples and keywords use: a short message made of
    /// these words alone is this kind of message (`LanguageModel.evidence`).
    let vocabulary: Set<Int32>
    /// The bits of the question types this topic answers (`IntentRules.answers`, `LanguageModel.sharedExcludeTypes`).
    let answers: UInt64

    init(
        id: String, whole: Bool, clauses: Bool = false, keywords: [Cue], exclude: [Cue], hasPatterns: Bool,
        vocabulary: Set<Int32> = [], answers: UInt64 = 0
    ) {
        self.id = id
        self.whole = whole
        self.clauses = whole && clauses
        self.keywords = keywords
        self.exclude = exclude
        self.hasRules = !keywords.isEmpty || hasPatterns
        self.vocabulary = vocabulary
        self.answers = answers
    }

    /// An intent's patterns, while compiling: `ordinary` are matched against the question's words without small
    /// words; `message` are compiled with small words kept and matched against the message minus articles and
    /// politeness: for whole-message intents all of them ("wat kan je", "dat helpt niet"; `ordinary` then holds
    /// the same with small words dropped, as for other intents), for the others those with a `+word` ("+hoeveel *
    /// terugbetaald"), which are not in `ordinary`.
    struct Patterns {
        var ordinary: [Pattern] = []
        var message: [Pattern] = []
    }
}

/// Everything needed to match questions in one language. A class: a match looks its model up in a dictionary, and a
/// struct of this many fields would be copied, every field retained and released, on each lookup.
final class LanguageModel: Sendable {
    let language: Language
    let analyzer: Analyzer
    let intents: [CompiledIntent]
    /// Each intent's kind, by position (see `IntentKind`).
    let kinds: [IntentKind]
    let index: VectorIndex
    let exampleTexts: PackedTexts
    /// The id of every stem a rule uses.
    let stemIDs: WordTable<Int32>
    /// True when no intent has keywords or patterns: decided with `exampleOnlyThreshold`.
    let exampleOnly: Bool
    /// The rules each stem can set off.
    let rules: RuleIndex
    /// The words of the short commands' examples, keywords and signals: beside a signal that topics' examples use
    /// too, a word of those examples names something unless it is one of these (`intentsWithSignals`).
    let conversationWords: Set<Int32>
    /// The excludes that hold for every topic (`exclude:` in `_out-of-scope.yaml`), then the lines of the question
    /// types (`question-types:`), which hold for the topics that do not answer their type.
    let sharedExcludes: [CompiledIntent.Cue]
    /// For each shared exclude, the bit of its question type (`IntentKind.answers`), or 0 for one that holds for every
    /// topic.
    let sharedExcludeTypes: [UInt64]

    /// Puts a language together from its source and the parts the jobs built (in any order).
    init(_ source: Source, parts: [Part], diagnostics: inout [Diagnostic]) {
        var typos: (index: TypoIndex, glued: [String: [String]])?
        var ruleSet: RuleSet?
        var examples: (index: VectorIndex, texts: PackedTexts)?
        for part in parts {
            switch part {
            case .typos(let index, let glued): typos = (index, glued)
            case .rules(let rules): ruleSet = rules
            case .examples(let index, let texts): examples = (index, texts)
            }
        }
        // Every job runs once for every language, so each part is there.
        let rules = ruleSet!
        diagnostics += rules.diagnostics
        self.language = source.language
        self.analyzer = source.analyzer.finished(
            typos: typos!.index, stemIDs: rules.stemIDs, gluedPhrases: typos!.glued)
        self.intents = rules.intents
        self.kinds = rules.intents.map {
            IntentKind(
                whole: $0.whole, hasRules: $0.hasRules, topic: source.isTopic($0.id, whole: $0.whole),
                answers: $0.answers)
        }
        self.index = examples!.index
        self.exampleTexts = examples!.texts
        self.stemIDs = rules.stemIDs
        self.exampleOnly = source.exampleOnly
        self.rules = rules.index
        self.conversationWords = rules.conversationWords
        self.sharedExcludes = rules.sharedExcludes
        self.sharedExcludeTypes = rules.sharedExcludeTypes
    }

    /// The jobs that build a language from its source, each on its own; longest first.
    enum Job: CaseIterable, Sendable {
        case rules, examples, typos
    }

    /// What one job built.
    enum Part: Sendable {
        case typos(TypoIndex, glued: [String: [String]])
        case rules(RuleSet)
        case examples(VectorIndex, texts: PackedTexts)
    }

    /// The compiled rules of a language.
    struct RuleSet: Sendable {
        let intents: [CompiledIntent]
        let stemIDs: WordTable<Int32>
        /// The words of the short commands' examples, keywords and signals (`LanguageModel.conversationWords`).
        let conversationWords: Set<Int32>
        let index: RuleIndex
        /// The excludes that hold for every topic and those of the question types, numbered as in
        /// `RuleIndex.Hits.sharedFound`.
        let sharedExcludes: [CompiledIntent.Cue]
        /// The bit of each one's question type, 0 for none (`LanguageModel.sharedExcludeTypes`).
        let sharedExcludeTypes: [UInt64]
        let diagnostics: [Diagnostic]
    }

    /// A language's content split into words, its vocabulary, and what the analyzer knows of every word: the first
    /// round of compiling, which the jobs of the second round read. Only for compiling.
    struct Source: Sendable {
        /// The most phrases one keyword, exclude or signal line may stand for before `stapje check` warns: a line
        /// that mixes concepts stands for every combination of their words (two concepts of 12 and 20 words, 240).
        static let mostPhrasesOfALine = 250

        let language: Language
        /// The rules, sorted by id.
        let rules: [IntentRules]
        let concepts: [String: ConceptSet]
        /// The folded words of the content (numbers aside).
        let vocabulary: Set<String>
        /// The pieces of every example, keyword, exclude, pattern and concept phrase, split into words.
        let words: ContentWords
        /// The analyzer without its typo index, which the `typos` job builds.
        let analyzer: Analyzer
        let exampleOnly: Bool
        /// The excludes that hold for every topic (`ContentBundle.sharedExcludes`).
        let sharedExcludes: [Located<String>]
        /// The question types only some topics answer (`ContentBundle.questionTypes`).
        let questionTypes: [QuestionType]
        /// The ids of the conversation's own intents (`ContentBundle.conversationIntents`): no topics.
        let conversation: Set<String>

        init(
            language: Language, rules: [IntentRules], concepts: [String: ConceptSet], stems: [String: String] = [:],
            sharedExcludes: [Located<String>] = [], questionTypes: [QuestionType] = [], conversation: Set<String> = []
        ) {
            let sortedRules = rules.sorted { $0.id < $1.id }
            var words = ContentWords()
            func add(_ text: String) { words.add(text) }
            for rule in sortedRules {
                rule.examples.forEach { add($0.value) }
                rule.keywords.forEach { add($0.phrase) }
                rule.signals.forEach { add($0.value) }
                rule.patterns.forEach { add($0.value) }
            }
            for concept in concepts.values { concept.phrases.forEach(add) }
            // Every text above is made of these pieces, so their words are the content's words.
            var vocabulary = Set<String>(minimumCapacity: words.pieceCount)
            var lowerWords = Set<String>(minimumCapacity: words.pieceCount)
            for token in words.allTokens where !token.isNumber {
                vocabulary.insert(token.folded)
                lowerWords.insert(token.lower)
            }
            // Words found only in exclude lists (often other languages' words: "movie", "acheter") are recognised
            // when typed, but are no target for typo correction ("mooie" is no "movie") and no clue to the language.
            var excludeOnly = Set<String>()
            for phrase in sortedRules.flatMap(\.exclude) + sharedExcludes + questionTypes.flatMap(\.lines) {
                for token in words.tokens(phrase.value) where !token.isNumber {
                    lowerWords.insert(token.lower)
                    if !vocabulary.contains(token.folded) { excludeOnly.insert(token.folded) }
                }
            }
            let exampleOnly = sortedRules.allSatisfy { $0.keywords.isEmpty && $0.patterns.isEmpty }
            self.language = language
            self.rules = sortedRules
            self.concepts = concepts
            self.vocabulary = vocabulary
            self.words = words
            self.analyzer = Analyzer(
                language: language, vocabulary: vocabulary, words: lowerWords, exactWords: excludeOnly,
                keepSmallWords: exampleOnly, buildingTypos: false, curatedStems: stems)
            self.exampleOnly = exampleOnly
            self.sharedExcludes = sharedExcludes
            self.questionTypes = questionTypes
            self.conversation = conversation
        }

        func tokens(_ text: String) -> [Token] {
            words.knownTokens(text) ?? analyzer.tokenizer.tokens(text)
        }

        /// Whether the intent is a topic, for which shared excludes and question types hold (`IntentKind.topic`).
        func isTopic(_ id: String, whole: Bool) -> Bool {
            !whole && !MatchResult.isOutOfScope(id) && !conversation.contains(id)
        }

        func build(_ job: Job) -> Part {
            switch job {
            case .typos: .typos(TypoIndex(vocabulary: analyzer.contentWords(vocabulary)), glued: gluedPhrases())
            case .rules: .rules(compileRules())
            case .examples: examples()
            }
        }

        /// The phrases a person may type without their spaces: those of the keywords, excludes (shared ones and
        /// question types' too) and concepts (`Analyzer.gluedPhrases(_:except:)`).
        func gluedPhrases() -> [String: [String]] {
            var phrases: [[String]] = []
            func add(_ text: String) {
                let bytes = text.utf8
                guard bytes.first != UInt8(ascii: "@"),
                    bytes.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") })
                else { return }
                phrases.append(tokens(text).compactMap { $0.isNumber ? nil : $0.folded })
            }
            for rule in rules {
                rule.keywords.forEach { add($0.phrase) }
                rule.exclude.forEach { add($0.value) }
            }
            sharedExcludes.forEach { add($0.value) }
            for type in questionTypes { type.lines.forEach { add($0.value) } }
            for concept in concepts.values { concept.phrases.forEach(add) }
            return Analyzer.gluedPhrases(phrases, except: vocabulary)
        }

        /// The example index: features of every example, each tagged with its intent.
        func examples() -> Part {
            var examples: [(owner: Int, features: FeatureBag)] = []
            var exampleTexts = PackedTexts()
            for (owner, rule) in rules.enumerated() {
                for example in rule.examples {
                    examples.append((owner, FeatureBag(tokens: analyzer.contentTokens(tokens(example.value)))))
                    exampleTexts.append(example.value)
                }
            }
            // Refined prototypes and a best example for the five best intents only (the five an explanation shows)
            // where examples are all there is; with rules, a rule can raise any intent, so every intent keeps its
            // best example, and plain centroids (refining them changed no figure of dev.tsv).
            let index = VectorIndex(
                examples: examples, ownerCount: rules.count, refine: exampleOnly,
                candidateCount: exampleOnly ? 5 : 0, words: vocabulary)
            return .examples(index, texts: exampleTexts.compacted())
        }

        /// Keywords, excludes and patterns, with every stem they use numbered.
        func compileRules() -> RuleSet {
            var diagnostics: [Diagnostic] = []
            let language = language
            let analyzer = analyzer
            let concepts = concepts
            // Pattern words are split here for the first time: kept for the patterns that repeat them.
            var newTexts: [String: [Token]] = [:]
            func tokens(_ text: String) -> [Token] {
                if let known = words.knownTokens(text) ?? newTexts[text] { return known }
                let split = analyzer.tokenizer.tokens(text)
                newTexts[text] = split
                return split
            }
            // Every stem a rule uses gets a small id, so matching compares integers and indexes arrays.
            let table = StemTable()
            // Patterns and concepts repeat the same words many times: each text is analysed once.
            var phrases = WordTable<[Int32]>()
            var wholePhrases = WordTable<[Int32]>()
            // The ids of small words that message patterns and cues keep ("+what", "+wat"): most questions have them.
            var smallWords = Set<Int32>()
            func phrase(_ text: String) -> [Int32] {
                if let known = phrases[text] { return known }
                // The stems of `analyzer.contentTokens`, without making the whole analysed tokens.
                var ids: [Int32] = []
                for token in tokens(text) {
                    if let stem = analyzer.stemUnlessStop(token) { ids.append(table.id(stem)) }
                }
                phrases[text] = ids
                return ids
            }
            /// `phrase` of one word of a pattern, by its UTF-8: most are known, and are found without making a
            /// string.
            func phrase(bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
                phrases[bytes: bytes] ?? phrase(String(decoding: bytes, as: UTF8.self))
            }
            func wholePhrase(bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
                wholePhrases[bytes: bytes] ?? wholePhrase(String(decoding: bytes, as: UTF8.self))
            }
            func wholePhrase(_ text: String) -> [Int32] {
                if let known = wholePhrases[text] { return known }
                var ids: [Int32] = []
                for token in tokens(text) {
                    if let stem = analyzer.stemUnlessFiller(token) {
                        let id = table.id(stem)
                        ids.append(id)
                        if analyzer.stemUnlessStop(token) == nil { smallWords.insert(id) }
                    }
                }
                wholePhrases[text] = ids
                return ids
            }
            var conceptPhrases: [String: [[Int32]]] = [:]
            for (name, concept) in concepts {
                conceptPhrases[name] = concept.phrases.map(phrase).filter { !$0.isEmpty }
                // A concept's phrases are read without small words: a `+word` would be silently dropped.
                for marked in concept.phrases where Pattern.readsSmallWords(marked) {
                    diagnostics.append(
                        Diagnostic(
                            .error, concept.location,
                            "the concept '\(name)' has '\(marked)': a concept's phrases are read without small words, "
                                + "so its + is lost; put the phrase in the intent's keywords, excludes or patterns"))
                }
            }
            // Only whole-message patterns use concepts with small words kept: those are made when first asked for.
            var wholeConceptPhrases: [String: [[Int32]]] = [:]
            func wholeConcept(_ name: String) -> [[Int32]]? {
                if let known = wholeConceptPhrases[name] { return known }
                guard let concept = concepts[name] else { return nil }
                let phrases = concept.phrases.map(wholePhrase).filter { !$0.isEmpty }
                wholeConceptPhrases[name] = phrases
                return phrases
            }
            func unknownConcept(_ name: String, at location: SourceLocation) {
                diagnostics.append(
                    Diagnostic(
                        .error, location,
                        "unknown concept '@\(name)'; define it in intents/\(language.rawValue)/_concepts-*.yaml"))
            }
            /// A keyword or exclude of words and concepts ("add @mail-file", "+how +much @health-fund"): one phrase
            /// for each way of reading its concepts, the words between them in place. (The words alone were read
            /// before, so "add @mail-file" fired on "add numbers".)
            func mixedCue(_ label: String, weight: Double, location: SourceLocation, message: Bool)
                -> CompiledIntent.Cue?
            {
                var readings: [[Int32]] = [[]]
                var words: [Substring] = []
                func addWords() {
                    guard !words.isEmpty else { return }
                    let text = words.joined(separator: " ")
                    let stems = message ? wholePhrase(text) : phrase(text)
                    readings = readings.map { $0 + stems }
                    words = []
                }
                for part in label.split(separator: " ") {
                    guard part.hasPrefix("@") else {
                        words.append(part)
                        continue
                    }
                    addWords()
                    let name = String(part.dropFirst())
                    guard let phrases = message ? wholeConcept(name) : conceptPhrases[name] else {
                        unknownConcept(name, at: location)
                        return nil
                    }
                    readings = readings.flatMap { reading in phrases.map { reading + $0 } }
                }
                addWords()
                readings.removeAll { $0.isEmpty }
                guard !readings.isEmpty else {
                    diagnostics.append(Diagnostic(.error, location, "'\(label)' has no word a question could match"))
                    return nil
                }
                if readings.count > Self.mostPhrasesOfALine {
                    let warning =
                        "'\(label)' stands for \(readings.count) phrases (each concept's words times the others'), "
                        + "which makes loading and matching slower: use fewer concepts in one line, or a pattern"
                    diagnostics.append(Diagnostic(.warning, location, warning))
                }
                return CompiledIntent.Cue(label: label, phrases: readings, weight: weight, message: message)
            }

            /// `scored`: false for the keywords of whole-message intents, which their score leaves out (`evidence`).
            func cue(_ label: String, weight: Double, location: SourceLocation, scored: Bool) -> CompiledIntent.Cue? {
                if label.hasPrefix("@") && !label.utf8.contains(UInt8(ascii: " ")) {
                    let name = String(label.dropFirst())
                    guard let phrases = conceptPhrases[name] else {
                        unknownConcept(name, at: location)
                        return nil
                    }
                    return CompiledIntent.Cue(label: label, phrases: phrases, weight: weight, message: false)
                }
                // "+how +much": small words marked with `+` count, and the phrase is read in the question with its
                // small words (`Pattern.readsSmallWords`).
                let message = Pattern.readsSmallWords(label)
                if label.utf8.contains(UInt8(ascii: "@")) {
                    return mixedCue(label, weight: weight, location: location, message: message)
                }
                let stems = message ? wholePhrase(label) : phrase(label)
                // An article or polite word is dropped from the message before such a phrase is looked for, so a
                // `+the` is never there: "+the +letters" stands for "letters" wherever it is, more than meant.
                if message && stems.count == 1 {
                    for word in label.split(separator: " ") where word.utf8.first == UInt8(ascii: "+") {
                        let split = tokens(String(word.dropFirst()))
                        guard !split.isEmpty,
                            split.allSatisfy({ !$0.isNumber && analyzer.stemUnlessFiller($0) == nil })
                        else { continue }
                        diagnostics.append(
                            Diagnostic(
                                .warning, location,
                                "'\(word)' in '\(label)' is an article or a polite word, which is never read, even "
                                    + "marked with +: the line stands for its one other word wherever it is; mark "
                                    + "another word that must be there"))
                        break
                    }
                }
                guard !stems.isEmpty else {
                    diagnostics.append(
                        Diagnostic(
                            .error, location,
                            "'\(label)' has only small words, which are ignored; use another word, or mark the small "
                                + "words that must be there with + ('+how +much')"))
                    return nil
                }
                // "schrijf mij in" acts as "schrijf", "get back" as "back": a phrase that small words shrink to one
                // word fires wherever that word is, which is seldom what its curator meant. Not said of cues that
                // are not scored, nor of one word with an elision or a hyphen ("m'inscrire", "rendez-vous"), which
                // is one word to a curator.
                if !message && scored && stems.count == 1 && label.utf8.contains(UInt8(ascii: " ")) {
                    let split = tokens(label)
                    if split.count > 1, let kept = split.first(where: { !analyzer.isStop($0) }) {
                        diagnostics.append(
                            Diagnostic(
                                .warning, location,
                                "'\(label)' counts as '\(kept.original)' alone: its other words are small words, "
                                    + "which are ignored; write '\(kept.original)', or mark the small words that must "
                                    + "be there with + (docs/CONTENT.md)"))
                    }
                }
                return CompiledIntent.Cue(label: label, phrases: [stems], weight: weight, message: message)
            }

            /// The stems of the words of a whole-message rule's examples and keywords (and the concepts they name),
            /// small words aside: the stem ids `phrase` gives (and caches), so they are the rules' own ids. Not its
            /// patterns': they list many optional words ("donnez" would make "mes données" its words).
            func vocabulary(of rule: IntentRules) -> Set<Int32> {
                var ids = Set<Int32>()
                func add(_ text: String) {
                    if text.utf8.first == UInt8(ascii: "@") {
                        conceptPhrases[String(text.dropFirst())]?.forEach { ids.formUnion($0) }
                    } else {
                        ids.formUnion(phrase(text))
                    }
                }
                rule.examples.forEach { add($0.value) }
                rule.keywords.forEach { add($0.phrase) }
                return ids
            }
            var intents: [CompiledIntent] = []
            var intentPatterns: [CompiledIntent.Patterns] = []
            // The words of the short commands' examples, keywords and signals (`LanguageModel.conversationWords`).
            var conversationWords = Set<Int32>()
            var compiler = Pattern.Compiler()
            // Each question type is one bit; a topic's `answers:` sets the bits of the types whose lines spare it.
            var typeBits: [String: UInt64] = [:]
            for (position, type) in questionTypes.enumerated() {
                guard position < 64 else {
                    diagnostics.append(
                        Diagnostic(
                            .error, type.location,
                            "at most 64 question types: join '\(type.name)' with a type of the same kind"))
                    continue
                }
                typeBits[type.name] = UInt64(1) << UInt64(position)
            }
            func answers(of rule: IntentRules) -> UInt64 {
                var bits: UInt64 = 0
                let topic = isTopic(rule.id, whole: rule.whole)
                for name in rule.answers {
                    guard let bit = typeBits[name.value] else {
                        let known = questionTypes.map(\.name).joined(separator: ", ")
                        diagnostics.append(
                            Diagnostic(
                                .error, name.location,
                                "'\(name.value)' is no question type of _out-of-scope.yaml"
                                    + (known.isEmpty ? " (it has no `question-types:`)" : "; its types: \(known)")))
                        continue
                    }
                    if !topic {
                        diagnostics.append(
                            Diagnostic(
                                .warning, name.location,
                                "`answers:` does nothing in '\(rule.id)': question types hold for topics only, not for "
                                    + "whole-message, conversation or oos. intents"))
                    }
                    bits |= bit
                }
                return bits
            }
            for rule in rules {
                // Signals after the keywords, with no weight: the rule index counts them apart.
                let keywords =
                    rule.keywords.sorted { $0.phrase < $1.phrase }.compactMap {
                        cue($0.phrase, weight: $0.weight, location: $0.location, scored: !rule.whole)
                    }
                    + rule.signals.compactMap { source -> CompiledIntent.Cue? in
                        // Weighed `RuleIndex.signalWeight`, which no keyword has (1 to 5): the index counts it apart.
                        var signal = cue(
                            source.value, weight: RuleIndex.signalWeight, location: source.location, scored: false)
                        signal?.signal = true
                        return signal
                    }
                let exclude = rule.exclude.compactMap { cue($0.value, weight: 1, location: $0.location, scored: true) }
                // An exclude whose stems lie inside one of the intent's own keywords cancels the intent wherever the
                // keyword is found: French "taxi" is stemmed "tax", so it excluded "tax on web" from gov.tax.
                for (source, cue) in zip(rule.exclude, exclude) where !cue.message {
                    let clash = keywords.first { keyword in
                        !keyword.message
                            && keyword.phrases.contains { phrase in
                                cue.phrases.contains { LanguageModel.containsRun(phrase, $0) }
                            }
                    }
                    if let clash {
                        diagnostics.append(
                            Diagnostic(
                                .warning, source.location,
                                "the exclude '\(source.value)' has the same stem as a word of this intent's keyword "
                                    + "'\(clash.label)', so it cancels the intent wherever that keyword is found; "
                                    + "write a longer phrase the keyword does not contain, or another word"))
                    }
                }
                var patterns: [Pattern] = []
                var messagePatterns: [Pattern] = []
                for source in rule.patterns {
                    if Pattern.readsSmallWords(source.value) {
                        // Only the reading with small words: the one without them would drop the `+` words (also in
                        // a whole-message rule, whose other patterns match with either reading).
                        do {
                            messagePatterns.append(
                                try compiler.compile(source.value, stem: wholePhrase(bytes:), concept: wholeConcept))
                        } catch {
                            diagnostics.append(Diagnostic(.error, source.location, "pattern: \(error.message)"))
                        }
                        continue
                    }
                    let compiled = Result { () throws(Pattern.SyntaxError) in
                        try compiler.compile(source.value, stem: phrase(bytes:), concept: { conceptPhrases[$0] })
                    }
                    if case .success(let pattern) = compiled { patterns.append(pattern) }
                    if rule.whole,
                        let pattern = try? compiler.compile(
                            source.value, stem: wholePhrase(bytes:), concept: wholeConcept)
                    {
                        messagePatterns.append(pattern)
                    }
                    if case .failure(let error) = compiled, !rule.whole || messagePatterns.last?.source != source.value
                    {
                        diagnostics.append(Diagnostic(.error, source.location, "pattern: \(error.message)"))
                    }
                }
                intents.append(
                    CompiledIntent(
                        id: rule.id, whole: rule.whole, clauses: rule.clauses, keywords: keywords, exclude: exclude,
                        hasPatterns: !patterns.isEmpty, vocabulary: rule.whole ? vocabulary(of: rule) : [],
                        answers: answers(of: rule)))
                if rule.whole { conversationWords.formUnion(intents[intents.count - 1].vocabulary) }
                intentPatterns.append(CompiledIntent.Patterns(ordinary: patterns, message: messagePatterns))
            }
            // The lines that hold for every topic, then each question type's, with the bit of their type.
            var shared: [CompiledIntent.Cue] = []
            var sharedTypes: [UInt64] = []
            func addShared(_ lines: [Located<String>], type: UInt64, name: String? = nil) {
                for line in lines {
                    guard var compiled = cue(line.value, weight: 1, location: line.location, scored: true) else {
                        continue
                    }
                    // `why` names a type's line with its type: the name a topic that answers it lists.
                    if let name { compiled.label += " (question type \(name))" }
                    shared.append(compiled)
                    sharedTypes.append(type)
                }
            }
            addShared(sharedExcludes, type: 0)
            for type in questionTypes {
                if let bit = typeBits[type.name] { addShared(type.lines, type: bit, name: type.name) }
            }
            return RuleSet(
                intents: intents, stemIDs: table.ids, conversationWords: conversationWords,
                index: RuleIndex(
                    intents: intents, patterns: intentPatterns, stemCount: table.ids.count, smallWords: smallWords,
                    sharedExcludes: shared),
                sharedExcludes: shared, sharedExcludeTypes: sharedTypes, diagnostics: diagnostics)
        }
    }

    /// Words that open a clause asking something, in the three languages (folded): "hoe", "comment", "how"; also
    /// after a link word ("maar hoe", "et comment", "and how").
    static let questionWords: Set<String> = [
        "hoe", "wat", "waar", "wanneer", "welke", "welk", "waarom", "wie", "hoeveel", "comment", "ou", "quand",
        "quel", "quelle", "quels", "quelles", "pourquoi", "combien", "how", "what", "where", "when", "which", "why",
        "who",
    ]

    /// Verbs a question starts with ("kan ik", "puis-je", "can I"): only as a clause's first word, since a Dutch
    /// statement puts its verb second ("nu kan ik verder").
    static let questionVerbs: Set<String> = [
        "kan", "kun", "kunt", "mag", "moet", "puis", "peux", "pouvez", "dois", "can", "could", "do", "does",
        "should", "is", "are",
    ]

    /// Words that may come before the question word of a clause.
    static let clauseLinks: Set<String> = ["maar", "en", "mais", "et", "but", "and"]

    /// Whether `needle` occurs in `haystack` as consecutive elements (plain loops: the standard library's generic
    /// `contains(_:)` for collections cost a billion instructions over the content's excludes and keywords).
    static func containsRun(_ haystack: [Int32], _ needle: [Int32]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var offset = 0
            while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }

    func evaluate(
        _ text: [Token], context: MatchContext, configuration: EngineConfiguration, detector: LanguageDetector,
        detection: LanguageEvidence
    ) -> MatchResult {
        var notes = AnalysisNotes()
        var known: [Analyzer.WordIDs?] = []
        var clauses: UInt64 = 0
        let tokens = analyzer.analyze(text, notes: &notes, ids: &known, clauses: &clauses) {
            detector.isKnown($0, otherThan: language)
        }
        // Where the message's clauses start, as positions of `messageIDs`: a whole-message pattern may match one
        // clause. Only in the reading with small words: without them a clause of a question shrinks to a word or
        // two ("hoe begin ik" to "begin"), which the patterns of short commands cover.
        var messageClauses: UInt64 = 0
        var messageClausePending = false
        // The clause starts whose clause asks something: a question word first, or after "maar", "et", "but"...
        var messageQuestions: UInt64 = 0
        // Whether a clause opens with a question word ("hoe zeg je dankjewel"), not only a verb, which also makes a
        // request ("kan het in het frans", "can you speak french"): a signal is then worth a question back.
        var asksWithQuestionWord = false
        var clauseStart = 0
        var clauseOpening = true
        var clauseFirstWord = true
        // Dutch "het" before the clause's first word, which is then the verb of a statement ("het is vervelend",
        // "het kan niet"), not of a question ("is het veilig"): "het" is a filler, so it is not that first word.
        var subjectBeforeVerb = false
        var ids: [Int32] = []
        var messageIDs: [Int32] = []
        var words = 0
        var knownWords = 0
        // Whether the question could be a whole-message intent's own words: at most five words, each of them a word
        // the rules use (an unknown word, even "mop", may be what the question is about).
        var uncoverable = false
        // A number no rule names is no word of any intent, but it is something the person said: a short command is
        // all its own words, so a message with such a number is no command's near copy ("combien fait 17 fois 23" is
        // not "tout en une fois", whose words without its small words are "fois").
        var unnamedNumbers = false
        ids.reserveCapacity(tokens.count)
        messageIDs.reserveCapacity(tokens.count)
        for (position, (token, known)) in zip(tokens, known).enumerated() {
            if position < 64 && clauses & (1 << UInt64(position)) != 0 { messageClausePending = true }
            guard !token.stem.isEmpty else { continue }
            let id = known?.stemID ?? stemIDs[token.stem] ?? -1
            if !(known?.isFiller ?? analyzer.fillers.contains(token.folded)) {
                if messageClausePending && messageIDs.count < 63 { messageClauses |= 1 << UInt64(messageIDs.count) }
                if messageClausePending || messageIDs.isEmpty {
                    clauseStart = messageIDs.count
                    clauseOpening = true
                    clauseFirstWord = true
                }
                messageClausePending = false
                if clauseOpening && messageIDs.count < 63 {
                    let questionWord = Self.questionWords.contains(token.folded)
                    if questionWord
                        || (clauseFirstWord && !subjectBeforeVerb && Self.questionVerbs.contains(token.folded))
                    {
                        messageQuestions |= 1 << UInt64(clauseStart)
                        asksWithQuestionWord = asksWithQuestionWord || questionWord
                        clauseOpening = false
                    } else if !Self.clauseLinks.contains(token.folded) {
                        clauseOpening = false
                    }
                    clauseFirstWord = false
                }
                subjectBeforeVerb = false
                messageIDs.append(id)
            } else if token.folded == "het" && (messageClausePending || messageIDs.isEmpty || clauseFirstWord) {
                subjectBeforeVerb = true
            }
            guard !token.isStop else { continue }
            if token.isNumber {
                // A number is no word of the question ("800 euro"), unless a rule names it: a helpline such as
                // 1700 or 33700 is then a known word like any other.
                guard id >= 0 else {
                    unnamedNumbers = true
                    continue
                }
                knownWords += 1
            } else if token.isKnown {
                knownWords += 1
            }
            if id < 0 { uncoverable = true }
            ids.append(id)
            words += 1
        }
        let coverable = !uncoverable && !unnamedNumbers && words > 0 && words <= 5
        let followUp = followUpPosition(text, context: context)
        let occurrences = Occurrences(ids: ids)
        let messageOccurrences = Occurrences(ids: messageIDs, clauses: messageClauses, questions: messageQuestions)
        let coverage = words == 0 ? 0 : Double(knownWords) / Double(words)
        // What every intent set off and its similarities, in memory of this call (on the stack when small).
        return withScratch { hitsSpace, similarities in
            let hits = rules.hits(occurrences, message: messageOccurrences, intents: hitsSpace)
            // The short commands whose signals count here, worked out only when one was found (seldom): a signal
            // may carry a short message that names nothing else ("super bedankt nu snap ik het eindelijk"), not one
            // that set off a topic's rule (or one for questions Stapje does not answer), nor a long one.
            var signalIntents: [Int32] = []
            if hits.signalFound && words > 0 && words <= Self.signalWords,
                !hits.setOff(where: { !kinds[$0].whole })
            {
                signalIntents = intentsWithSignals(tokens, known: known, hits: hits)
            }

            // Every intent is scored with numbers only; the evidence in words (keywords, patterns, best example) is
            // written out for the five best, which are all an explanation shows. They are kept in order as intents are
            // scored (best first; equal scores in id order, which is the intents' order), without sorting the rest.
            var scored: [(position: Int32, total: Double, score: Double, contextBoost: Double)] = []
            scored.reserveCapacity(6)
            if !messageIDs.isEmpty {
                // The example index reads the same words: those with a stem that are no small words.
                index.similarities(of: tokens, into: similarities)
                for position in intents.indices {
                    let best = Double(similarities.best[position])
                    let intentHits = hits.intents[position]
                    let keywordWeight = intentHits.keywordWeight
                    let patternCount = intentHits.patternCount
                    // The counts or'd together: one test instead of a branch for each.
                    let ruleFound =
                        keywordWeight > 0
                        || (patternCount | intentHits.clauseCount | intentHits.clauseBesideQuestionCount
                            | intentHits.signalCount) != 0
                    // With no similar example and no rule set off, an intent has no evidence at all.
                    guard best > 0 || ruleFound || position == followUp else { continue }
                    let centroid = Double(similarities.centroid[position])
                    // Once five are kept, an intent that set off no rule, whose evidence can be no more than its
                    // similarity (and a context boost), is passed over when even that could not beat the fifth: its
                    // evidence in full is worked out only for the few that could (`bound`).
                    if scored.count == 5 && !ruleFound && position != followUp
                        && Self.roundedToMillionths(
                            Self.bound(
                                kinds[position], best: best, centroid: centroid, exampleOnly: exampleOnly,
                                coverage: coverage, context: context)) <= scored[4].total
                    {
                        continue
                    }
                    let excludeFound = exclude(hits, position)
                    let found = Found(
                        best: best, centroid: centroid, keywordWeight: keywordWeight,
                        keywords: keywordWeight > 0, patterns: patternCount > 0,
                        messagePattern: intentHits.messagePatternCount > 0, clause: intentHits.clauseCount > 0,
                        clauseBesideQuestion: intentHits.clauseBesideQuestionCount > 0,
                        excluded: excludeFound != -1, excludedAsQuestionKind: excludeFound <= -2,
                        covered: coverable && kinds[position].whole && intents[position].vocabulary.isSuperset(of: ids),
                        followUp: position == followUp, unnamedNumbers: unnamedNumbers,
                        signal: intentHits.signalCount > 0 && signalIntents.contains(Int32(position)),
                        asks: asksWithQuestionWord)
                    let (total, contextBoost) = Self.evidence(
                        kinds[position], id: intents[position].id, found, exampleOnly: exampleOnly,
                        occurrenceCount: occurrences.count, coverage: coverage, context: context)
                    guard total > 0.02 else { continue }
                    // Rounded so that float noise from summation order can never reorder two equal intents.
                    let rounded = Self.roundedToMillionths(total)
                    // The score rises with the rounded total (strictly, below the highest total evidence allows), so
                    // one no higher than the fifth kept would go after it: no need to work the score out.
                    if scored.count == 5 && rounded <= scored[4].total { continue }
                    let score = Self.score(rounded)
                    // Positions rise, so an equal score never goes before one already kept.
                    var slot = scored.count
                    while slot > 0 && scored[slot - 1].score < score { slot -= 1 }
                    guard slot < 5 else { continue }
                    // Appended, then moved up to its place (`insert` went through the generic path).
                    scored.append((Int32(position), rounded, score, contextBoost))
                    for index in stride(from: scored.count - 1, to: slot, by: -1) { scored.swapAt(index, index - 1) }
                    if scored.count > 5 { scored.removeLast() }
                }
            }
            // The five best as numbers: their evidence in words is written when an explanation is read (`candidate`).
            var cues: [Int32] = []
            let top = scored.map { entry in
                let position = Int(entry.position)
                let keywords = Int32(cues.count)
                hits.appendKeywords(of: position, to: &cues)
                let patterns = Int32(cues.count)
                hits.appendPatterns(of: position, to: &cues)
                let intentHits = hits.intents[position]
                let clauseOnly =
                    intentHits.patternCount == 0 && intentHits.clauseCount + intentHits.clauseBesideQuestionCount > 0
                return RankedIntent(
                    position: entry.position, score: entry.score, total: entry.total, contextBoost: entry.contextBoost,
                    best: Double(similarities.best[position]), centroid: Double(similarities.centroid[position]),
                    keywordWeight: intentHits.keywordWeight, exclude: exclude(hits, position),
                    example: similarities.bestExample[position], keywords: keywords..<patterns,
                    patterns: patterns..<Int32(cues.count),
                    clauseBesideQuestion: clauseOnly ? intentHits.clauseCount == 0 : nil,
                    signalCounted: intentHits.signalCount > 0 && signalIntents.contains(entry.position))
            }
            var thresholds = configuration
            if exampleOnly {
                thresholds.answerThreshold = configuration.exampleOnlyThreshold
                thresholds.clarifyThreshold = configuration.exampleOnlyThreshold
                thresholds.runnerUpRatio = 1
            }
            let ranked = top.map {
                (id: intents[Int($0.position)].id, score: $0.score, total: $0.total, example: $0.best)
            }
            var (kind, alternatives, decision) = Self.decide(
                ranked, configuration: thresholds, empty: messageIDs.isEmpty)
            if kind == .clarify, top.contains(where: { $0.exclude != -1 }) {
                // An intent cut by one of its excludes is not meant (docs/CONTENT.md): it is not offered either.
                // "can I print my fingerprint" had got "Do you mean: 1. Print a document?".
                let cut = Set(top.filter { $0.exclude != -1 }.map { intents[Int($0.position)].id })
                alternatives.removeAll { cut.contains($0) }
                if alternatives.isEmpty {
                    kind = .fallback
                    decision = .excludedOnly(intents: ranked.map(\.id).filter { cut.contains($0) })
                }
            }
            return MatchResult(
                kind: kind, intent: kind == .fallback ? nil : ranked.first?.id, confidence: top.first?.score ?? 0,
                language: language, alternatives: alternatives,
                explanation: Explanation(
                    tokens: tokens, notes: notes, detection: detection, coverage: coverage, ranked: top, cues: cues,
                    model: self, reason: decision))
        }
    }

    /// Runs `body` with room for what each intent set off and for its similarities: one block of this call's
    /// memory (on the stack for the bundled content), instead of five arrays whose allocation looks their storage
    /// type up in the runtime every time.
    private func withScratch<Result>(
        _ body: (UnsafeMutableBufferPointer<RuleIndex.Hits.IntentHits>, VectorIndex.Similarities) -> Result
    ) -> Result {
        let count = intents.count
        let hitsBytes = MemoryLayout<RuleIndex.Hits.IntentHits>.stride * count
        let floatBytes = MemoryLayout<Float>.stride * count
        return withUnsafeTemporaryAllocation(
            byteCount: hitsBytes + 3 * floatBytes, alignment: MemoryLayout<RuleIndex.Hits.IntentHits>.alignment
        ) { raw in
            func part<T>(_ type: T.Type, at offset: Int) -> UnsafeMutableBufferPointer<T> {
                UnsafeMutableRawBufferPointer(rebasing: raw[offset..<offset + MemoryLayout<T>.stride * count])
                    .bindMemory(to: type)
            }
            return body(
                part(RuleIndex.Hits.IntentHits.self, at: 0),
                VectorIndex.Similarities(
                    best: part(Float.self, at: hitsBytes), bestExample: part(Int32.self, at: hitsBytes + floatBytes),
                    centroid: part(Float.self, at: hitsBytes + 2 * floatBytes)))
        }
    }

    /// Combines the evidence for one intent into an evidence total (0 and up) and a score from 0 to 1.
    ///
    /// Evidence adds up: similarity to the examples (up to 3), keyword weight (0.25 a point, up to 2.5) and a
    /// pattern (1.2). The similarity is `3 · (0.6 · best example + 0.4 · centroid)` where there are rules; where
    /// examples are all there is, `3 · (0.2 · best example + 0.8 · prototype)`, the prototype being the centroid
    /// refined by a perceptron (VectorIndex). On CLINC150 the prototype alone puts the right intent first for
    /// 91.0% of val; of the best-example shares 0, 0.1, 0.2, 0.3 and 0.4, 0.2 ranks best (91.7%). An intent with
    /// rules of its own but none of them found keeps only 60% of its similarity, so a question that merely
    /// resembles an example is not answered on that alone. The score is `1 - exp(-evidence / 1.6)`.
    ///
    /// `id` is read only when the context names topics: scoring an intent otherwise touches no intent object.
    static func evidence(
        _ intent: IntentKind, id: @autoclosure () -> String, _ found: Found, exampleOnly: Bool,
        occurrenceCount: Int, coverage: Double, context: MatchContext
    ) -> (total: Double, contextBoost: Double) {
        let best = found.best
        let centroid = found.centroid
        // With rules, the closest example counts most; with examples alone (often 100 an intent), the intent's
        // refined prototype is the steadier signal.
        let similarity =
            intent.hasRules || !exampleOnly ? 3 * (0.6 * best + 0.4 * centroid) : 3 * (0.2 * best + 0.8 * centroid)
        var total: Double
        if intent.whole {
            // Short conversation commands: only a pattern over the whole question, a near-copy of an example in at
            // most two words, all of them known and no number beside them ("who will win the next election" is no
            // "next", "I lost my dog in the park" no "I'm lost", "17 fois 23" no "en une fois"), or at most five
            // words that are all the intent's own ("ta réponse sert à rien": every word is one its examples or
            // keywords use; "vertel eens een mop" is not, "mop" is no word of nav.repeat's).
            let nearCopy = best >= 0.9 && coverage >= 1 && occurrenceCount <= 2 && !found.unnamedNumbers
            // A pattern that covers the message with its small words says more than one that covers it only
            // without them ("da was alles voor vandaag" is a goodbye's, "alles" the steps at once): 4.5 against 3.4,
            // which is still an answer on its own (0.88) but trails the first by more than the runner-up may.
            total =
                found.patterns
                ? (found.messagePattern ? 4.5 : Self.patternWithoutSmallWords)
                : (nearCopy || found.covered ? 3 * best : 0)
            // A pattern over some clauses of a longer message ("thanks a lot, the wifi works now"): less than
            // the whole message, so a topic the rest of it names strongly still wins ("merci, et comment je
            // scanne ?").
            if found.clause { total = max(total, 2.5) }
            // One of its signals in a short message that names no topic ("super bedankt nu snap ik het eindelijk"):
            // 2 (a score of 0.71), or 1.2 (0.53: asked about, never answered) when a clause opens with a question
            // word ("hoe zeg je dankjewel in het engels"; "kan het in het frans" is a request).
            if found.signal { total = max(total, found.asks ? Self.signalAskingEvidence : Self.signalEvidence) }
            // Beside a clause that asks something ("merci, mais comment je l'imprime ?"), the question wins.
            if found.clauseBesideQuestion { total = max(total, 1.0) }
        } else if !intent.hasRules {
            total = similarity
        } else if !found.keywords && !found.patterns {
            total = 0.6 * similarity
        } else {
            total = similarity + 0.25 * min(found.keywordWeight, 10) + (found.patterns ? 1.2 : 0)
        }
        // An exclude of the intent's own keeps a quarter of its evidence: the words may be another topic's, which the
        // person can be asked to choose. One of `_out-of-scope.yaml` says the question is of a kind this topic does
        // not answer, so it keeps a tenth and is seldom offered back as a choice (on 19,137 lines of the used sets, 54
        // clarifying questions on near misses became fallbacks, and 2 on questions whose topic had been offered
        // among the choices; a twentieth changed nothing more).
        if found.excluded { total *= found.excludedAsQuestionKind ? 0.1 : 0.25 }
        var contextBoost = 0.0
        if total > 0.5 && (context.previousTopic != nil || !context.relatedTopics.isEmpty) {
            let id = id()
            if id == context.previousTopic && occurrenceCount <= 3 {
                contextBoost = 0.4
            } else if context.relatedTopics.contains(id) {
                contextBoost = 0.2
            }
            total += contextBoost
        }
        total *= 0.5 + 0.5 * coverage
        // A short follow-up of the topic on screen ("en op mijn gsm?") may say too little to name any topic; the
        // topic on screen is then worth asking about, never answered on that alone. An exclude still rules it out.
        if found.followUp && !found.excluded && total < followUpEvidence {
            contextBoost += followUpEvidence - total
            total = followUpEvidence
        }
        return (total, contextBoost)
    }

    /// What a whole-message pattern gives when it covers the message only without its small words.
    static let patternWithoutSmallWords = 3.4

    /// The short commands (by position) whose signals found in a short message that set off no topic's rule count:
    /// those with a signal no topic's example uses (a stem of one word; a phrase is its own: "good evening", though
    /// "evening classes" and "good" are in topics' examples). A signal that topics' examples use too (a language's
    /// name: "vertaal deze zin naar het engels") counts only when every other word is known and is a short
    /// command's word or no topic example's ("recette de la carbonnade flamande" is no "en flamand", nor is
    /// "comment dit-on ordonnance en néerlandais").
    func intentsWithSignals(_ tokens: [AnalyzedToken], known: [Analyzer.WordIDs?], hits: RuleIndex.Hits) -> [Int32] {
        var signals: [(intent: Int32, stem: Int32?)] = []
        for hit in hits.keywords where kinds[Int(hit.intent)].whole {
            let cue = intents[Int(hit.intent)].keywords[Int(hit.cue)]
            guard cue.signal else { continue }
            let single = cue.phrases.count == 1 && cue.phrases[0].count == 1
            signals.append((hit.intent, single ? cue.phrases[0][0] : nil))
        }
        var sharedStems: [Int32] = []
        var otherWordNamesSomething = false
        let topics = { (owner: Int) in !self.kinds[owner].whole }
        for (token, known) in zip(tokens, known) where !token.isStop && !token.stem.isEmpty {
            let id = known?.stemID ?? stemIDs[token.stem] ?? -1
            if id >= 0 && signals.contains(where: { $0.stem == id }) {
                if index.hasStem(token.stem, inExamplesOf: topics) { sharedStems.append(id) }
            } else if token.isNumber {
                continue
            } else if id < 0 || (!conversationWords.contains(id) && index.hasStem(token.stem, inExamplesOf: topics)) {
                otherWordNamesSomething = true
            }
        }
        var counting: [Int32] = []
        for signal in signals where !counting.contains(signal.intent) {
            let shared = signal.stem.map(sharedStems.contains) ?? false
            if !shared || !otherWordNamesSomething { counting.append(signal.intent) }
        }
        return counting
    }

    /// The most words (small words aside) of a message a short command's signal alone may carry.
    static let signalWords = 8
    /// What a signal gives its intent (a score of 0.71), and in a message that asks something (0.53).
    static let signalEvidence = 2.0
    static let signalAskingEvidence = 1.2

    /// The evidence a short follow-up gives the topic on screen when its own is less: a score of 0.53, between the
    /// fallback and the answer thresholds, so the engine asks whether that topic is meant, unless another intent
    /// has evidence of its own to answer or to be offered beside it.
    static let followUpEvidence = 1.2

    /// Words that open a short follow-up of the topic on screen: a link word ("en op mijn gsm?", "et sur
    /// l'ordinateur ?", "and on my laptop?", "ook voor mijn man?") or a preposition ("op de computer?", "sur ma
    /// tablette ?", "with my phone?", "voor mijn moeder"). Folded, all three languages ("en" is also French "in":
    /// "en ligne ?" follows up too).
    static let followUpOpeners: Set<String> = [
        "en", "maar", "ook", "op", "met", "voor", "via", "zonder", "bij", "in",
        "et", "mais", "aussi", "ou", "sur", "avec", "pour", "par", "sans", "chez", "dans",
        "and", "but", "also", "or", "on", "with", "for", "without", "at",
    ]

    /// Two-word openers of a follow-up: "what about my laptop?", "wat met mijn tablet?".
    static let followUpOpeningPairs: Set<String> = ["what about", "how about", "wat met", "wat als", "quid de"]

    /// The most words a follow-up has, its opener included.
    static let followUpWords = 5

    /// The position of the topic on screen when the message reads as a short follow-up of it: one clause of at most
    /// `followUpWords` words opening with a link word or pair (`followUpOpeners`); -1 otherwise, or when this
    /// language has no such intent.
    func followUpPosition(_ text: [Token], context: MatchContext) -> Int {
        guard let topic = context.previousTopic, Matcher.readsAsFollowUp(text) else { return -1 }
        return intents.firstIndex { $0.id == topic } ?? -1
    }

    /// The most `evidence` can give an intent that set off no rule (no keyword, pattern or clause): its similarity
    /// (three times the best example for a whole-message intent), plus the largest context boost when the context
    /// names topics, times the coverage factor. Each step rounds upward or equally to `evidence`'s own (the same
    /// expressions, with terms that are no larger there), so the bound holds for the floating-point values too.
    static func bound(
        _ intent: IntentKind, best: Double, centroid: Double, exampleOnly: Bool, coverage: Double,
        context: MatchContext
    ) -> Double {
        var total: Double
        if intent.whole {
            total = 3 * best
        } else {
            total =
                intent.hasRules || !exampleOnly
                ? 3 * (0.6 * best + 0.4 * centroid) : 3 * (0.2 * best + 0.8 * centroid)
        }
        if context.previousTopic != nil || !context.relatedTopics.isEmpty { total += 0.4 }
        return total * (0.5 + 0.5 * coverage)
    }

    /// What scoring needs to know of an intent, in a flat array (`kinds`) beside the intent objects.
    struct IntentKind: Sendable {
        let whole: Bool
        let hasRules: Bool
        /// A topic: not a whole-message intent, not one of the conversation's own (`ContentBundle.conversationIntents`:
        /// a person, the steps), not a rule for what Stapje does not answer. The shared excludes hold for these.
        let topic: Bool
        /// The bits of the question types it answers (`CompiledIntent.answers`): their lines are no excludes for it.
        var answers: UInt64 = 0
    }

    /// The exclude of the intent at `position` that was found, for `RankedIntent.exclude`: its own first one, else
    /// when the intent is a topic the first shared exclude found that holds for it (one of no question type, or of
    /// a type it does not answer), as -2 - its number, else -1.
    func exclude(_ hits: RuleIndex.Hits, _ position: Int) -> Int32 {
        let own = hits.intents[position].exclude
        if own >= 0 || hits.sharedFound.isEmpty || !kinds[position].topic { return own }
        let answers = kinds[position].answers
        var first: Int32 = -1
        for cue in hits.sharedFound where sharedExcludeTypes[Int(cue)] & answers == 0 {
            if first < 0 || cue < first { first = cue }
        }
        return first < 0 ? -1 : -2 - first
    }

    /// What a question set off for one intent, as numbers.
    struct Found {
        var best: Double
        var centroid: Double
        var keywordWeight: Double
        var keywords: Bool
        var patterns: Bool
        /// A whole-message pattern matched the message read with its small words (`IntentHits.messagePatternCount`).
        var messagePattern = false
        /// A whole-message pattern matched one clause of the message ("merci, ça a marché").
        var clause = false
        /// ... but left out a clause that asks something ("merci, mais comment je l'imprime ?").
        var clauseBesideQuestion = false
        var excluded: Bool
        /// The exclude found is a line of `_out-of-scope.yaml`: a plain shared one, or one of a question type this
        /// topic does not answer. It marks a kind of question, not another topic's words (`evidence`).
        var excludedAsQuestionKind = false
        /// A whole-message intent whose own words (`CompiledIntent.vocabulary`) make up the whole question.
        var covered = false
        /// The topic on screen, and the message reads as a short follow-up of it (`followUpPosition`).
        var followUp = false
        /// The message has a number no rule names (it can be no short command's near copy).
        var unnamedNumbers = false
        /// A signal of a whole-message intent was found in a short message that set off no topic's rule.
        var signal = false
        /// A clause of the message opens with a question word ("hoe", "comment", "how").
        var asks = false
    }

    /// `(value * 1e6).rounded() / 1e6` for a positive value, the halves away from zero, without the C library's
    /// `round` (a call for every intent a question reaches): truncation is one instruction, and the part it drops is
    /// exact.
    static func roundedToMillionths(_ value: Double) -> Double {
        let scaled = value * 1e6
        let whole = Double(Int64(scaled))
        return (scaled - whole >= 0.5 ? whole + 1 : whole) / 1e6
    }

    /// The score (0 to 1) for an evidence total.
    static func score(_ evidence: Double) -> Double {
        1 - exp(-evidence / 1.6)
    }

    /// The candidates' evidence in words (see `Explanation.candidates`).
    func candidate(_ entry: RankedIntent, cues: [Int32]) -> Candidate {
        let intent = intents[Int(entry.position)]
        var evidence = Evidence()
        evidence.exampleSimilarity = entry.best
        evidence.centroidSimilarity = entry.centroid
        for cue in cues[Int(entry.keywords.lowerBound)..<Int(entry.keywords.upperBound)] {
            let keyword = intent.keywords[Int(cue)]
            if keyword.signal {
                evidence.signals = (evidence.signals ?? []) + [keyword.label]
                evidence.signalsCounted = entry.signalCounted
            } else {
                evidence.keywords.append(keyword.label)
            }
        }
        evidence.keywordWeight = entry.keywordWeight
        // A whole-message pattern that covered only part of the message says so (it counts less: `evidence`).
        let scope = entry.clauseBesideQuestion.map {
            $0 ? " (one clause, beside a clause that asks something)" : " (one clause of the message)"
        }
        for pattern in cues[Int(entry.patterns.lowerBound)..<Int(entry.patterns.upperBound)] {
            let source = rules.patternSources[Int(pattern)] + (scope ?? "")
            if !evidence.patterns.contains(source) { evidence.patterns.append(source) }
        }
        if entry.exclude >= 0 { evidence.excludedBy = intent.exclude[Int(entry.exclude)].label }
        if entry.exclude <= -2 { evidence.excludedBy = sharedExcludes[Int(-2 - entry.exclude)].label }
        evidence.contextBoost = entry.contextBoost
        evidence.total = entry.total
        if entry.example >= 0 { evidence.bestExample = exampleTexts[Int(entry.example)] }
        return Candidate(id: intent.id, score: entry.score, evidence: evidence)
    }

    /// Answer, clarify or fall back, for the best intents (best first) with their scores and evidence totals.
    static func decide(
        _ candidates: [(id: String, score: Double, total: Double, example: Double)], configuration: EngineConfiguration,
        empty: Bool
    ) -> (MatchKind, [String], Decision) {
        guard let first = candidates.first else {
            return (.fallback, [], empty ? .noWords : .nothingMatched)
        }
        let ratio = candidates.count > 1 ? candidates[1].total / max(first.total, 0.001) : 0
        if first.score < configuration.clarifyThreshold {
            return (
                .fallback, [],
                .belowFallback(intent: first.id, score: first.score, threshold: configuration.clarifyThreshold)
            )
        }
        if MatchResult.isOutOfScope(first.id) {
            return (.fallback, [], .outOfScope(intent: first.id, score: first.score))
        }
        if first.score >= configuration.answerThreshold && ratio <= configuration.runnerUpRatio {
            return (
                .answer, [],
                .answered(
                    intent: first.id, score: first.score, threshold: configuration.answerThreshold, runnerUp: ratio)
            )
        }
        if first.score >= configuration.answerThreshold,
            let lead = exampleLead(candidates, configuration: configuration)
        {
            return (
                .answer, [],
                .closerExample(
                    intent: first.id, score: first.score, example: first.example, second: lead.id,
                    secondExample: lead.example)
            )
        }
        let floor = max(configuration.clarifyThreshold * 0.8, first.score - 0.25)
        let offered = candidates.filter {
            $0.score >= floor && $0.total >= first.total * 0.5 && !MatchResult.isOutOfScope($0.id)
        }.prefix(configuration.maximumAlternatives).map(\.id)
        let reason: Decision =
            first.score >= configuration.answerThreshold
            ? .tooClose(first: first.id, score: first.score, second: candidates[1].id, secondScore: candidates[1].score)
            : .betweenThresholds(score: first.score)
        return (.clarify, Array(offered), reason)
    }

    /// For a best intent whose rules leave others too close to it: the closest of those others by example, when
    /// the question is clearly more like an example of the best one (`exampleLeadSimilarity`, `exampleLeadRatio`).
    /// Nil when it is not, or when an out-of-scope rule is among those too close (an answer needs a clear lead
    /// over a rule that says Stapje does not answer this).
    static func exampleLead(
        _ candidates: [(id: String, score: Double, total: Double, example: Double)],
        configuration: EngineConfiguration
    ) -> (id: String, example: Double)? {
        guard let first = candidates.first, first.example >= configuration.exampleLeadSimilarity else { return nil }
        var closest: (id: String, example: Double)?
        for other in candidates.dropFirst() where other.total > first.total * configuration.runnerUpRatio {
            if MatchResult.isOutOfScope(other.id) || first.example < other.example * configuration.exampleLeadRatio {
                return nil
            }
            if other.example > closest?.example ?? -1 { closest = (other.id, other.example) }
        }
        return closest
    }
}

/// Values made once each, by the first thread that asks for them, and awaited by the others (while compiling).
final class Slots<Value: Sendable>: @unchecked Sendable {
    // Unchecked: every access to `states` holds `condition`'s lock.
    private enum State {
        case waiting
        case making
        case made(Value)
    }
    private let condition = ThreadCondition()
    private var states: [State]

    init(count: Int) { states = Array(repeating: .waiting, count: count) }

    /// The value of slot `index`: made here with `make` when no thread has started it, else awaited. A thread
    /// waits only for one that is running `make`, which waits for nothing, so this cannot block for ever.
    func value(_ index: Int, make: () -> Value) -> Value {
        condition.lock()
        while true {
            switch states[index] {
            case .made(let value):
                condition.unlock()
                return value
            case .making:
                condition.wait()
            case .waiting:
                states[index] = .making
                condition.unlock()
                let value = make()
                condition.lock()
                states[index] = .made(value)
                condition.broadcast()
                condition.unlock()
                return value
            }
        }
    }
}

/// Gives each stem a small id while rules are compiled (used only during compilation, on one thread).
final class StemTable {
    private(set) var ids = WordTable<Int32>()

    func id(_ stem: String) -> Int32 {
        if let id = ids[stem] { return id }
        let id = Int32(ids.count)
        ids[stem] = id
        return id
    }
}

/// One step of compiling: a language's source, one of its jobs, or the language detector.
private enum CompileStep: Sendable {
    case source(Int)
    case job(LanguageModel.Job, Int)
    case detector
}

/// The parts of each language as its jobs finish, and the models put together from them.
private final class ModelAssembly: Sendable {
    private struct State {
        var parts: [[LanguageModel.Part]]
        var models: [(model: LanguageModel, diagnostics: [Diagnostic])?]
    }

    private let partsPerLanguage: Int
    private let state: Mutex<State>

    init(languages: Int, parts: Int) {
        partsPerLanguage = parts
        state = Mutex(
            State(parts: Array(repeating: [], count: languages), models: Array(repeating: nil, count: languages)))
    }

    /// Adds a part of language `language`; returns all its parts when this was the last one.
    func add(_ part: LanguageModel.Part, language: Int) -> [LanguageModel.Part]? {
        state.withLock { state in
            state.parts[language].append(part)
            return state.parts[language].count == partsPerLanguage ? state.parts[language] : nil
        }
    }

    func set(_ model: LanguageModel, diagnostics: [Diagnostic], language: Int) {
        state.withLock { $0.models[language] = (model, diagnostics) }
    }

    /// Every model, in language order, and all their diagnostics; once every step is done.
    var models: (models: [LanguageModel], diagnostics: [Diagnostic]) {
        state.withLock { state in
            let built = state.models.map { $0! }
            return (built.map(\.model), built.flatMap(\.diagnostics))
        }
    }
}
