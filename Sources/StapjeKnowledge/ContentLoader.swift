import Dispatch
import StapjeText
import Synchronization

/// Reads a content directory (`faq/`, `intents/`) into a `ContentBundle`, collecting every problem it meets.
///
/// Loading never throws for bad content: each problem becomes a `Diagnostic` naming the file and line, and the
/// rest of the content is still read, so a curator sees every problem at once.
public struct ContentLoader: Sendable {
    /// The content directory (the one holding `faq/` and `intents/`).
    public let root: String

    /// Creates a loader for the content in `root`.
    public init(root: String) {
        self.root = root
    }

    /// The result of loading: the content and the problems found while reading it.
    public struct Result: Sendable {
        /// What could be read.
        public var bundle: ContentBundle
        /// Problems found while reading (syntax, unknown keys, wrong file names).
        public var diagnostics: [Diagnostic]
        /// False when `root` is no content directory at all (missing, or holding neither `faq/` nor `intents/`):
        /// then `diagnostics` says so in one line, and checking the empty bundle would only repeat it.
        public var isContent = true
    }

    /// Reads everything.
    ///
    /// The files are read and parsed on every core, then put together in the order of the file listing, so the
    /// bundle and its diagnostics never depend on which thread finished first.
    public func load() -> Result {
        load(concurrently: true)
    }

    /// Reads everything, on one thread when `concurrently` is false (to compare both ways in tests).
    func load(concurrently: Bool) -> Result {
        // The heaps keep room at their tops until the matcher built from this content has been compiled (or the
        // next one: `LoadingHeap`).
        LoadingHeap.begin()
        var diagnostics: [Diagnostic] = []
        var bundle = ContentBundle()
        guard FileSystem.isDirectory(root) else {
            diagnostics.append(
                Diagnostic(.error, SourceLocation(file: root, line: 0), "the content directory does not exist"))
            return Result(bundle: bundle, diagnostics: diagnostics, isContent: false)
        }
        guard FileSystem.isDirectory(root + "/faq") || FileSystem.isDirectory(root + "/intents") else {
            diagnostics.append(
                Diagnostic(
                    .error, SourceLocation(file: root, line: 0),
                    "this is no content directory: it holds neither faq/ nor intents/ (give the folder that holds both)"
                ))
            return Result(bundle: bundle, diagnostics: diagnostics, isContent: false)
        }
        let jobs = [Job.curriculum] + answerJobs() + messageJobs() + intentJobs()
        let outcomes = concurrently ? concurrentMap(jobs, perform) : jobs.map(perform)
        for (job, outcome) in zip(jobs, outcomes) {
            diagnostics += outcome.diagnostics
            if let file = job.file, outcome.readNothing,
                outcome.diagnostics.contains(where: { $0.severity == .error && $0.location.file == file })
            {
                bundle.unreadable.insert(file)
            }
            merge(outcome.piece, into: &bundle, &diagnostics)
        }
        for language in bundle.intents.keys { bundle.intents[language]?.sort { $0.id < $1.id } }
        return Result(bundle: bundle, diagnostics: diagnostics.sorted())
    }

    /// One unit of loading: a file to read, or a problem found while listing the directories.
    enum Job: Sendable {
        case curriculum
        case answer(file: String, folderID: String, language: Language)
        case messages(file: String, language: Language)
        /// A language folder of intents: its rules start empty, so a folder without files still counts.
        case intentFolder(Language)
        case intents(file: String, name: String, language: Language)
        case problem(Diagnostic)

        /// The file the job reads, relative to the content directory.
        var file: String? {
            switch self {
            case .curriculum: ContentBundle.curriculumFile
            case .answer(let file, _, _), .messages(let file, _), .intents(let file, _, _): file
            case .intentFolder, .problem: nil
            }
        }
    }

    /// What one job found, before it is added to the bundle.
    enum Piece: Sendable {
        case nothing
        case curriculum(ContentBundle)
        case answer(Answer, Language)
        case messages(Messages)
        case intentFolder(Language)
        case intent(IntentRules)
        /// Concept sets in file order, each with the problems found in its phrases (reported only when the name
        /// is not already taken).
        case concepts([(set: ConceptSet, diagnostics: [Diagnostic])])
        case outOfScope(fallback: [Located<String>], exclude: [Located<String>], types: [QuestionType], Language)
        case stems([String: String], Language)
    }

    struct Outcome: Sendable {
        var piece: Piece
        var diagnostics: [Diagnostic]

        /// Whether the job's file gave nothing at all (it could not be read or parsed).
        var readNothing: Bool {
            switch piece {
            case .nothing: true
            case .curriculum(let curriculum): curriculum.topics.isEmpty
            default: false
            }
        }
    }

    func perform(_ job: Job) -> Outcome {
        var diagnostics: [Diagnostic] = []
        let piece: Piece
        switch job {
        case .curriculum:
            var bundle = ContentBundle()
            loadCurriculum(into: &bundle, &diagnostics)
            piece = .curriculum(bundle)
        case .answer(let file, let folderID, let language):
            piece = loadAnswer(file, folderID: folderID, language: language, &diagnostics)
        case .messages(let file, let language):
            piece = loadMessages(file, language: language, &diagnostics)
        case .intentFolder(let language):
            piece = .intentFolder(language)
        case .intents(let file, let name, let language):
            piece = loadIntents(file, name: name, language: language, &diagnostics)
        case .problem(let diagnostic):
            diagnostics.append(diagnostic)
            piece = .nothing
        }
        return Outcome(piece: piece, diagnostics: diagnostics)
    }

    func merge(_ piece: Piece, into bundle: inout ContentBundle, _ diagnostics: inout [Diagnostic]) {
        switch piece {
        case .nothing:
            break
        case .curriculum(let curriculum):
            bundle.languages = curriculum.languages
            bundle.topics = curriculum.topics
            bundle.conversationIntents = curriculum.conversationIntents
        case .answer(let answer, let language):
            bundle.answers[answer.id, default: [:]][language] = answer
        case .messages(let messages):
            bundle.messages[messages.language] = messages
        case .intentFolder(let language):
            bundle.intents[language] = []
        case .intent(let rules):
            bundle.intents[rules.language, default: []].append(rules)
        case .concepts(let sets):
            for (set, problems) in sets {
                if let existing = bundle.concepts[set.language]?[set.name] {
                    diagnostics.append(
                        Diagnostic(
                            .error, set.location,
                            "the concept '\(set.name)' is already defined at \(existing.location); use that one or rename this one"
                        ))
                    continue
                }
                diagnostics += problems
                bundle.concepts[set.language, default: [:]][set.name] = set
            }
        case .outOfScope(let fallback, let exclude, let types, let language):
            bundle.outOfScope[language, default: []] += fallback
            bundle.sharedExcludes[language, default: []] += exclude
            bundle.questionTypes[language, default: []] += types
        case .stems(let stems, let language):
            bundle.stems[language] = stems
        }
    }

    // MARK: - Files

    func read(_ relative: String, _ diagnostics: inout [Diagnostic]) -> String? {
        let path = root + "/" + relative
        guard let bytes = try? FileSystem.contents(path) else {
            diagnostics.append(Diagnostic(.error, SourceLocation(file: relative, line: 0), "cannot read this file"))
            return nil
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.append(
                Diagnostic(
                    .error, SourceLocation(file: relative, line: 0),
                    "this file is not UTF-8 text; save it as UTF-8 in your editor"))
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Looking for the byte first: most files have no carriage return, and the search for "\r\n" costs more.
        return text.hasCarriageReturn ? text.replacingAll("\r\n", with: "\n") : text
    }

    func list(_ relative: String) -> [String] {
        let entries = (try? FileSystem.entries(root + "/" + relative)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }

    func isDirectory(_ relative: String) -> Bool {
        FileSystem.isDirectory(root + "/" + relative)
    }

    // MARK: - Curriculum

    func loadCurriculum(into bundle: inout ContentBundle, _ diagnostics: inout [Diagnostic]) {
        let file = "faq/topics.yaml"
        guard let text = read(file, &diagnostics) else { return }
        var yaml = YAMLReader(file: file)
        defer { diagnostics += yaml.diagnostics }
        guard let node = yaml.parse(text) else { return }
        for (key, value) in yaml.pairs(node, what: "topics.yaml") {
            switch key {
            case "languages":
                bundle.languages = yaml.strings(value, what: "languages").compactMap { item in
                    guard let language = Language(rawValue: item.value) else {
                        yaml.error(line: item.location.line, "unknown language '\(item.value)': use nl, fr or en")
                        return nil
                    }
                    return language
                }
            case "regions":
                _ = yaml.strings(value, what: "regions")
            case "topics":
                for item in value.sequence ?? [] {
                    let line = item.line
                    guard item.mapping != nil, let id = item["id"]?.string else {
                        yaml.error(line: line, "each topic needs an id: `- { id: jobs.cv, regions: all }`")
                        continue
                    }
                    let regions = parseRegions(item["regions"], line: line, yaml: &yaml)
                    if bundle.topics.contains(where: { $0.id == id }) {
                        yaml.error(line: line, "the topic id '\(id)' is listed twice; remove one")
                    } else if !Self.isValidID(id) {
                        yaml.error(
                            line: line, "'\(id)' is not a valid id: use lower-case words like `jobs.apply-online`")
                    } else {
                        bundle.topics.append(TopicInfo(id: id, regions: regions, location: yaml.location(item)))
                    }
                }
            case "conversation":
                bundle.conversationIntents = yaml.strings(value, what: "conversation").map(\.value)
            default:
                yaml.error(line: value.line, "unknown key '\(key)' in topics.yaml")
            }
        }
    }

    func parseRegions(_ node: YAMLNode?, line: Int, yaml: inout YAMLReader) -> [Region] {
        guard let node else { return Region.allCases }
        if node.string == "all" { return Region.allCases }
        var regions: [Region] = []
        for item in yaml.strings(node, what: "regions") {
            guard let qualifier = RegionQualifier(code: item.value) else {
                yaml.error(line: item.location.line, "unknown region '\(item.value)': use VL, BXL, WAL, FR, BE or all")
                continue
            }
            for region in qualifier.regions where !regions.contains(region) { regions.append(region) }
        }
        return regions.sorted()
    }

    static func isValidID(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty
                && part.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
        }
    }

    // MARK: - Answers

    func answerJobs() -> [Job] {
        var jobs: [Job] = []
        for entry in list("faq") where isDirectory("faq/" + entry) && entry != "conversation" {
            for file in list("faq/" + entry) {
                let relative = "faq/\(entry)/\(file)"
                guard file.hasSuffix(".md"), let language = Language(rawValue: String(file.dropLast(3))) else {
                    jobs.append(
                        .problem(
                            Diagnostic(
                                .error, SourceLocation(file: relative, line: 0),
                                "unexpected file: answers are named nl.md, fr.md or en.md")))
                    continue
                }
                jobs.append(.answer(file: relative, folderID: entry, language: language))
            }
        }
        return jobs
    }

    func loadAnswer(_ relative: String, folderID: String, language: Language, _ diagnostics: inout [Diagnostic])
        -> Piece
    {
        guard let text = read(relative, &diagnostics) else { return .nothing }
        var parser = AnswerParser(file: relative, folderID: folderID, language: language)
        defer { diagnostics += parser.diagnostics }
        guard let answer = parser.parse(text) else { return .nothing }
        return .answer(answer, language)
    }

    // MARK: - Conversation words

    func messageJobs() -> [Job] {
        list("faq/conversation").map { file in
            let relative = "faq/conversation/\(file)"
            guard file.hasSuffix(".yaml"), let language = Language(rawValue: String(file.dropLast(5))) else {
                return .problem(
                    Diagnostic(
                        .error, SourceLocation(file: relative, line: 0),
                        "unexpected file: the conversation words are nl.yaml, fr.yaml and en.yaml"))
            }
            return .messages(file: relative, language: language)
        }
    }

    func loadMessages(_ relative: String, language: Language, _ diagnostics: inout [Diagnostic]) -> Piece {
        guard let text = read(relative, &diagnostics) else { return .nothing }
        var yaml = YAMLReader(file: relative)
        defer { diagnostics += yaml.diagnostics }
        guard let node = yaml.parse(text) else { return .nothing }
        var messages = Messages(language: language, values: [:])
        for (key, value) in yaml.pairs(node, what: "the conversation words") {
            messages.values[key] = messageValue(value)
            messages.locations[key] = yaml.location(value)
        }
        return .messages(messages)
    }

    func messageValue(_ node: YAMLNode) -> MessageValue {
        if let sequence = node.sequence {
            return .list(sequence.compactMap { $0.string })
        }
        if let mapping = node.mapping {
            var table: [String: MessageValue] = [:]
            for (key, value) in mapping { table[key.string ?? ""] = messageValue(value) }
            return .table(table)
        }
        return .text(node.string ?? "")
    }

    // MARK: - Intents

    func intentJobs() -> [Job] {
        var jobs: [Job] = []
        for folder in list("intents") {
            guard let language = Language(rawValue: folder), isDirectory("intents/" + folder) else {
                jobs.append(
                    .problem(
                        Diagnostic(
                            .error, SourceLocation(file: "intents/\(folder)", line: 0),
                            "unexpected entry: intents/ holds one folder per language (nl, fr, en)")))
                continue
            }
            jobs.append(.intentFolder(language))
            for file in list("intents/" + folder) {
                let relative = "intents/\(folder)/\(file)"
                guard file.hasSuffix(".yaml") else {
                    jobs.append(
                        .problem(
                            Diagnostic(
                                .error, SourceLocation(file: relative, line: 0), "unexpected file: use .yaml files")))
                    continue
                }
                jobs.append(.intents(file: relative, name: file, language: language))
            }
        }
        return jobs
    }

    func loadIntents(_ relative: String, name file: String, language: Language, _ diagnostics: inout [Diagnostic])
        -> Piece
    {
        guard let text = read(relative, &diagnostics) else { return .nothing }
        var yaml = YAMLReader(file: relative)
        defer { diagnostics += yaml.diagnostics }
        guard let node = yaml.parse(text) else { return .nothing }
        if file.hasPrefix("_concepts") {
            return .concepts(readConcepts(node, language: language, yaml: &yaml))
        } else if file == "_out-of-scope.yaml" {
            var fallback: [Located<String>]?
            var exclude: [Located<String>] = []
            var types: [QuestionType] = []
            for (key, value) in yaml.pairs(node, what: "the out-of-scope file") {
                switch key {
                case "fallback": fallback = (fallback ?? []) + yaml.strings(value, what: "fallback")
                case "exclude": exclude += yaml.strings(value, what: "exclude")
                case "question-types": types += readQuestionTypes(value, yaml: &yaml)
                default:
                    yaml.error(
                        line: value.line, "unknown key '\(key)': use `fallback:`, `exclude:` or `question-types:`")
                }
            }
            guard fallback != nil || !exclude.isEmpty || !types.isEmpty else { return .nothing }
            return .outOfScope(fallback: fallback ?? [], exclude: exclude, types: types, language)
        } else if file == "_stems.yaml" {
            return .stems(readStems(node, yaml: &yaml), language)
        } else if let intent = readIntent(node, file: file, language: language, yaml: &yaml) {
            return .intent(intent)
        }
        return .nothing
    }

    /// `question-types:` of `_out-of-scope.yaml`: each name (lower-case words joined by `-`) with its exclude lines.
    func readQuestionTypes(_ node: YAMLNode, yaml: inout YAMLReader) -> [QuestionType] {
        var types: [QuestionType] = []
        for (name, list) in yaml.pairs(node, what: "question-types") {
            let location = yaml.location(list)
            let valid = !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || $0 == 0x2d }
            guard valid else {
                yaml.error(
                    line: location.line,
                    "'\(name)' is no valid question type name: use lower-case words like `who-pays`")
                continue
            }
            let lines = yaml.strings(list, what: "question-types.\(name)")
            if lines.isEmpty {
                yaml.error(line: location.line, "the question type '\(name)' has no lines: list its excludes under it")
                continue
            }
            types.append(QuestionType(name: name, lines: lines, location: location))
        }
        return types
    }

    /// The stems a curator sets (`_stems.yaml`): `stems:` maps a word, as typed in lower case, to the stem it gets.
    /// Words given the same stem count as one word; a word given a stem of its own no longer counts as the words the
    /// stemmer would have merged it with ("gemeente" and "mening" both stem to "meen" in Dutch).
    func readStems(_ node: YAMLNode, yaml: inout YAMLReader) -> [String: String] {
        var stems: [String: String] = [:]
        for (key, value) in yaml.pairs(node, what: "the stems file") {
            guard key == "stems" else {
                yaml.error(line: value.line, "unknown key '\(key)': the stems file has only `stems:`")
                continue
            }
            for (word, stemNode) in yaml.pairs(value, what: "stems") {
                guard Self.isOneLowerCaseWord(word) else {
                    yaml.error(
                        line: stemNode.line,
                        "'\(word)' is not one word in lower case: write the word as typed, e.g. gemeente")
                    continue
                }
                guard let stem = stemNode.string, Self.isOneLowerCaseWord(stem) else {
                    yaml.error(
                        line: stemNode.line, "the stem of '\(word)' must be one word in lower case, e.g. \(word)")
                    continue
                }
                if stems[word] != nil {
                    yaml.error(line: stemNode.line, "'\(word)' is given a stem twice in this file; keep one")
                }
                stems[word] = stem
            }
        }
        return stems
    }

    /// Letters (any script, lower case) and inner hyphens or apostrophes, no space.
    static func isOneLowerCaseWord(_ text: String) -> Bool {
        !text.isEmpty && text == text.lowercased()
            && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "-" || $0 == "'" }
    }

    /// The concept sets of one file; whether a name is already taken by another file is decided when merging.
    func readConcepts(_ node: YAMLNode, language: Language, yaml: inout YAMLReader) -> [(
        set: ConceptSet, diagnostics: [Diagnostic]
    )] {
        var sets: [(set: ConceptSet, diagnostics: [Diagnostic])] = []
        for (key, value) in yaml.pairs(node, what: "a concept file") {
            guard key == "concepts" else {
                yaml.error(line: value.line, "unknown key '\(key)': a concept file has only `concepts:`")
                continue
            }
            for (name, words) in yaml.pairs(value, what: "concepts") {
                var phrasesReader = YAMLReader(file: yaml.file)
                let located = phrasesReader.strings(words, what: "concept '\(name)'")
                // A concept's words are words: "@docs-scan" in a list would match nothing, without a word of warning.
                for phrase in located where phrase.value.hasPrefix("@") {
                    phrasesReader.error(
                        line: phrase.location.line,
                        "'\(phrase.value)' in concept '\(name)': a concept cannot name another concept; write its words here"
                    )
                }
                let phrases = located.map(\.value)
                let set = ConceptSet(name: name, language: language, phrases: phrases, location: yaml.location(words))
                sets.append((set, phrasesReader.diagnostics))
            }
        }
        return sets
    }

    func readIntent(_ node: YAMLNode, file: String, language: Language, yaml: inout YAMLReader) -> IntentRules? {
        let pairs = yaml.pairs(node, what: "an intent file")
        guard let idNode = pairs.first(where: { $0.0 == "intent" })?.1, let id = idNode.string else {
            yaml.error(line: 1, "an intent file starts with `intent: <topic id>`")
            return nil
        }
        if file != id + ".yaml" {
            yaml.error(line: idNode.line, "the file name should be \(id).yaml for intent '\(id)'")
        }
        var rules = IntentRules(id: id, language: language, location: yaml.location(idNode))
        for (key, value) in pairs {
            switch key {
            case "intent":
                break
            case "whole", "clauses":
                guard let flag = value.bool else {
                    yaml.error(line: value.line, "`\(key):` takes true or false")
                    continue
                }
                if key == "whole" { rules.whole = flag } else { rules.clauses = flag }
            case "keywords":
                for (phrase, weightNode) in yaml.pairs(value, what: "keywords") {
                    let location = yaml.location(weightNode)
                    guard let weight = weightNode.float, weight >= 1, weight <= 5 else {
                        yaml.error(line: location.line, "the weight of '\(phrase)' should be a number from 1 to 5")
                        continue
                    }
                    rules.keywords.append(Keyword(phrase: phrase, weight: weight, location: location))
                }
            case "exclude":
                rules.exclude = yaml.strings(value, what: "exclude")
            case "answers":
                rules.answers = yaml.strings(value, what: "answers")
            case "patterns":
                rules.patterns = yaml.strings(value, what: "patterns")
            case "signals":
                rules.signals = yaml.strings(value, what: "signals")
            case "examples":
                rules.examples = yaml.strings(value, what: "examples")
            case "tests":
                for (kind, list) in yaml.pairs(value, what: "tests") {
                    switch kind {
                    case "match": rules.matchTests = yaml.strings(list, what: "tests.match")
                    case "fallback": rules.fallbackTests = yaml.strings(list, what: "tests.fallback")
                    default:
                        yaml.error(
                            line: list.line, "unknown test kind '\(kind)': use `match:` or `fallback:`")
                    }
                }
            default:
                yaml.error(
                    line: value.line,
                    "unknown key '\(key)': use intent, keywords, exclude, answers, patterns, examples, tests, whole, "
                        + "clauses or signals")
            }
        }
        if rules.clauses && !rules.whole, let flag = pairs.first(where: { $0.0 == "clauses" })?.1 {
            yaml.error(line: flag.line, "`clauses: true` is for whole-message intents: add `whole: true` or remove it")
        }
        if !rules.signals.isEmpty && !rules.whole, let list = pairs.first(where: { $0.0 == "signals" })?.1 {
            yaml.error(
                line: list.line,
                "`signals:` are for whole-message intents: add `whole: true`, or make them keywords (with a weight)")
        }
        return rules
    }
}

/// Runs `body` on every item, spread over all cores, and returns the results in the order of `items` (so nothing
/// depends on which finished first). Used to load content files and to compile languages.
package func concurrentMap<Item: Sendable, Value: Sendable>(_ items: [Item], _ body: @Sendable (Item) -> Value)
    -> [Value]
{
    let results = OrderedResults<Value>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        results.set(index, body(items[index]))
    }
    return results.values
}

/// Results written by concurrent workers, one slot each, read once they are all done.
private final class OrderedResults<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Value) {
        slots.withLock { $0[index] = value }
    }

    var values: [Value] {
        slots.withLock { $0.map { $0! } }
    }
}
