import Foundation
import StapjeText
import Yams

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
    }

    /// Reads everything.
    public func load() -> Result {
        var diagnostics: [Diagnostic] = []
        var bundle = ContentBundle()
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(
                Diagnostic(.error, SourceLocation(file: root, line: 0), "the content directory does not exist"))
            return Result(bundle: bundle, diagnostics: diagnostics)
        }
        loadCurriculum(into: &bundle, &diagnostics)
        loadAnswers(into: &bundle, &diagnostics)
        loadMessages(into: &bundle, &diagnostics)
        loadIntents(into: &bundle, &diagnostics)
        return Result(bundle: bundle, diagnostics: diagnostics.sorted())
    }

    // MARK: - Files

    func read(_ relative: String, _ diagnostics: inout [Diagnostic]) -> String? {
        let path = root + "/" + relative
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(Diagnostic(.error, SourceLocation(file: relative, line: 0), "cannot read this file"))
            return nil
        }
        guard var text = String(validatingUTF8Data: data) else {
            diagnostics.append(
                Diagnostic(
                    .error, SourceLocation(file: relative, line: 0),
                    "this file is not UTF-8 text; save it as UTF-8 in your editor"))
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.replacingAll("\r\n", with: "\n")
    }

    func list(_ relative: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }

    func isDirectory(_ relative: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &flag) && flag.boolValue
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
                    let line = item.mark?.line ?? 0
                    guard let mapping = item.mapping, let id = mapping["id"]?.string else {
                        yaml.error(line: line, "each topic needs an id: `- { id: jobs.cv, regions: all }`")
                        continue
                    }
                    let regions = parseRegions(mapping["regions"], line: line, yaml: &yaml)
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
                yaml.error(line: value.mark?.line ?? 0, "unknown key '\(key)' in topics.yaml")
            }
        }
    }

    func parseRegions(_ node: Node?, line: Int, yaml: inout YAMLReader) -> [Region] {
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

    func loadAnswers(into bundle: inout ContentBundle, _ diagnostics: inout [Diagnostic]) {
        for entry in list("faq") where isDirectory("faq/" + entry) && entry != "conversation" {
            for file in list("faq/" + entry) {
                let relative = "faq/\(entry)/\(file)"
                guard file.hasSuffix(".md"), let language = Language(rawValue: String(file.dropLast(3))) else {
                    diagnostics.append(
                        Diagnostic(
                            .error, SourceLocation(file: relative, line: 0),
                            "unexpected file: answers are named nl.md, fr.md or en.md"))
                    continue
                }
                guard let text = read(relative, &diagnostics) else { continue }
                var parser = AnswerParser(file: relative, folderID: entry, language: language)
                if let answer = parser.parse(text) {
                    bundle.answers[answer.id, default: [:]][language] = answer
                }
                diagnostics += parser.diagnostics
            }
        }
    }

    // MARK: - Conversation words

    func loadMessages(into bundle: inout ContentBundle, _ diagnostics: inout [Diagnostic]) {
        for file in list("faq/conversation") {
            let relative = "faq/conversation/\(file)"
            guard file.hasSuffix(".yaml"), let language = Language(rawValue: String(file.dropLast(5))) else {
                diagnostics.append(
                    Diagnostic(
                        .error, SourceLocation(file: relative, line: 0),
                        "unexpected file: the conversation words are nl.yaml, fr.yaml and en.yaml"))
                continue
            }
            guard let text = read(relative, &diagnostics) else { continue }
            var yaml = YAMLReader(file: relative)
            if let node = yaml.parse(text) {
                var messages = Messages(language: language, values: [:])
                for (key, value) in yaml.pairs(node, what: "the conversation words") {
                    messages.values[key] = messageValue(value)
                    messages.locations[key] = yaml.location(value)
                }
                bundle.messages[language] = messages
            }
            diagnostics += yaml.diagnostics
        }
    }

    func messageValue(_ node: Node) -> MessageValue {
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

    func loadIntents(into bundle: inout ContentBundle, _ diagnostics: inout [Diagnostic]) {
        for folder in list("intents") {
            guard let language = Language(rawValue: folder), isDirectory("intents/" + folder) else {
                diagnostics.append(
                    Diagnostic(
                        .error, SourceLocation(file: "intents/\(folder)", line: 0),
                        "unexpected entry: intents/ holds one folder per language (nl, fr, en)"))
                continue
            }
            var rules: [IntentRules] = []
            for file in list("intents/" + folder) {
                let relative = "intents/\(folder)/\(file)"
                guard file.hasSuffix(".yaml") else {
                    diagnostics.append(
                        Diagnostic(.error, SourceLocation(file: relative, line: 0), "unexpected file: use .yaml files"))
                    continue
                }
                guard let text = read(relative, &diagnostics) else { continue }
                var yaml = YAMLReader(file: relative)
                defer { diagnostics += yaml.diagnostics }
                guard let node = yaml.parse(text) else { continue }
                if file.hasPrefix("_concepts") {
                    readConcepts(node, language: language, yaml: &yaml, into: &bundle)
                } else if file == "_out-of-scope.yaml" {
                    for (key, value) in yaml.pairs(node, what: "the out-of-scope file") {
                        if key == "fallback" {
                            bundle.outOfScope[language, default: []] += yaml.strings(value, what: "fallback")
                        } else {
                            yaml.error(line: value.mark?.line ?? 0, "unknown key '\(key)': use `fallback:`")
                        }
                    }
                } else if let intent = readIntent(node, file: file, language: language, yaml: &yaml) {
                    rules.append(intent)
                }
            }
            bundle.intents[language] = rules.sorted { $0.id < $1.id }
        }
    }

    func readConcepts(_ node: Node, language: Language, yaml: inout YAMLReader, into bundle: inout ContentBundle) {
        for (key, value) in yaml.pairs(node, what: "a concept file") {
            guard key == "concepts" else {
                yaml.error(line: value.mark?.line ?? 0, "unknown key '\(key)': a concept file has only `concepts:`")
                continue
            }
            for (name, words) in yaml.pairs(value, what: "concepts") {
                let location = yaml.location(words)
                if let existing = bundle.concepts[language]?[name] {
                    yaml.error(
                        line: location.line,
                        "the concept '\(name)' is already defined at \(existing.location); use that one or rename this one"
                    )
                    continue
                }
                let phrases = yaml.strings(words, what: "concept '\(name)'").map(\.value)
                bundle.concepts[language, default: [:]][name] = ConceptSet(
                    name: name, language: language, phrases: phrases, location: location)
            }
        }
    }

    func readIntent(_ node: Node, file: String, language: Language, yaml: inout YAMLReader) -> IntentRules? {
        let pairs = yaml.pairs(node, what: "an intent file")
        guard let idNode = pairs.first(where: { $0.0 == "intent" })?.1, let id = idNode.string else {
            yaml.error(line: 1, "an intent file starts with `intent: <topic id>`")
            return nil
        }
        if file != id + ".yaml" {
            yaml.error(line: idNode.mark?.line ?? 1, "the file name should be \(id).yaml for intent '\(id)'")
        }
        var rules = IntentRules(id: id, language: language, location: yaml.location(idNode))
        for (key, value) in pairs {
            switch key {
            case "intent":
                break
            case "whole":
                rules.whole = value.bool ?? false
            case "keywords":
                for (phrase, weightNode) in yaml.pairs(value, what: "keywords") {
                    let location = yaml.location(weightNode)
                    guard let weight = weightNode.float, weight > 0, weight <= 5 else {
                        yaml.error(line: location.line, "the weight of '\(phrase)' should be a number from 1 to 5")
                        continue
                    }
                    rules.keywords.append(Keyword(phrase: phrase, weight: weight, location: location))
                }
            case "exclude":
                rules.exclude = yaml.strings(value, what: "exclude")
            case "patterns":
                rules.patterns = yaml.strings(value, what: "patterns")
            case "examples":
                rules.examples = yaml.strings(value, what: "examples")
            case "tests":
                for (kind, list) in yaml.pairs(value, what: "tests") {
                    switch kind {
                    case "match": rules.matchTests = yaml.strings(list, what: "tests.match")
                    case "fallback": rules.fallbackTests = yaml.strings(list, what: "tests.fallback")
                    default:
                        yaml.error(
                            line: list.mark?.line ?? 0, "unknown test kind '\(kind)': use `match:` or `fallback:`")
                    }
                }
            default:
                yaml.error(
                    line: value.mark?.line ?? 0,
                    "unknown key '\(key)': use intent, keywords, exclude, patterns, examples, tests or whole")
            }
        }
        return rules
    }
}

extension String {
    /// Decodes UTF-8 bytes, or nil when they are not valid UTF-8.
    init?(validatingUTF8Data data: Data) {
        guard let text = String(bytes: data, encoding: .utf8) else { return nil }
        self = text
    }
}
