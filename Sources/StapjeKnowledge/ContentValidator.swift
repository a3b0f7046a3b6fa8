import StapjeText

/// The structural checks on content: everything that can be judged without running the matcher.
public enum ContentValidator {
    /// The most steps an answer may have before it should be split.
    public static let maximumSteps = 8
    /// The most words in one step (plain-language limit).
    public static let maximumWordsPerStep = 25
    /// The fewest example sentences an intent should have.
    public static let minimumExamples = 12
    /// The most related topics offered as follow-ups.
    public static let maximumRelated = 4

    /// Every structural problem in `bundle`.
    public static func validate(_ bundle: ContentBundle) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let index = SourceLocation(file: "faq/topics.yaml", line: 0)
        let topicIDs = Set(bundle.topics.map(\.id))
        let knownIDs = topicIDs.union(bundle.conversationIntents)

        for topic in bundle.topics {
            for language in bundle.languages {
                if bundle.answers[topic.id]?[language] == nil,
                    !bundle.unreadable.contains("faq/\(topic.id)/\(language.rawValue).md")
                {
                    problems.append(
                        Diagnostic(
                            .error, topic.location,
                            "topic '\(topic.id)' has no answer in \(language.rawValue): write faq/\(topic.id)/\(language.rawValue).md"
                        ))
                }
                if !(bundle.intents[language] ?? []).contains(where: { $0.id == topic.id }),
                    !bundle.unreadable.contains("intents/\(language.rawValue)/\(topic.id).yaml")
                {
                    problems.append(
                        Diagnostic(
                            .error, topic.location,
                            "topic '\(topic.id)' has no intents in \(language.rawValue): write intents/\(language.rawValue)/\(topic.id).yaml"
                        ))
                }
            }
        }
        for id in bundle.conversationIntents {
            for language in bundle.languages where !(bundle.intents[language] ?? []).contains(where: { $0.id == id }) {
                problems.append(
                    Diagnostic(
                        .error, index,
                        "conversation intent '\(id)' has no rules in \(language.rawValue): write intents/\(language.rawValue)/\(id).yaml"
                    ))
            }
        }
        for (id, byLanguage) in bundle.answers.sorted(by: { $0.key < $1.key }) {
            for (_, answer) in byLanguage.sorted(by: { $0.key < $1.key }) {
                if !topicIDs.contains(id) {
                    // With the curriculum unreadable every answer would be "not a topic": its own error says it.
                    if bundle.curriculumUnreadable { continue }
                    problems.append(
                        Diagnostic(
                            .error, answer.location,
                            "'\(id)' is not a topic in faq/topics.yaml: fix the folder name or add the topic there"))
                    continue
                }
                problems += check(answer, topicIDs: topicIDs)
            }
        }
        for language in bundle.languages {
            problems += checkIntents(bundle, language: language, knownIDs: knownIDs, topicIDs: topicIDs)
            problems += checkMessages(bundle, language: language)
        }
        return problems
    }

    static func check(_ answer: Answer, topicIDs: Set<String>) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let header = answer.location
        if answer.title.trimmingSpaces().isEmpty {
            problems.append(Diagnostic(.error, header, "the answer has no title: add `title:` to the header"))
        }
        if let date = answer.lastChecked {
            if !isDate(date) {
                problems.append(Diagnostic(.error, header, "last_checked '\(date)' should be a date like 2026-11-20"))
            }
        } else {
            problems.append(
                Diagnostic(.error, header, "the header needs `last_checked: YYYY-MM-DD`, the day you checked the facts")
            )
        }
        if answer.sources.isEmpty {
            problems.append(Diagnostic(.error, header, "the header needs `sources:` with at least one web page"))
        }
        for id in answer.related {
            if !topicIDs.contains(id) {
                problems.append(Diagnostic(.error, header, "related topic '\(id)' does not exist; check the id"))
            } else if id == answer.id {
                problems.append(Diagnostic(.error, header, "a topic cannot be related to itself"))
            }
        }
        if answer.related.count > maximumRelated {
            problems.append(
                Diagnostic(
                    .warning, header, "more than \(maximumRelated) related topics: keep the best \(maximumRelated)"))
        }
        for part in AnswerPart.allCases where part.isRequired && answer.sections[part]?[nil] == nil {
            problems.append(
                Diagnostic(.error, header, "the part '## \(part.rawValue)' is missing (variants need a plain version)"))
        }
        for (part, variants) in answer.sections {
            for section in variants.values {
                if part.isList && section.items.isEmpty {
                    problems.append(Diagnostic(.error, section.location, "'## \(part.rawValue)' is empty"))
                } else if !part.isList && section.text.trimmingSpaces().isEmpty {
                    problems.append(Diagnostic(.error, section.location, "'## \(part.rawValue)' is empty"))
                }
                guard part == .steps else { continue }
                if section.items.count > maximumSteps {
                    problems.append(
                        Diagnostic(
                            .error, section.location,
                            "\(section.items.count) steps: at most \(maximumSteps); split the answer into two topics or merge steps"
                        ))
                }
                for (step, location) in zip(section.items, section.itemLocations) {
                    let words = step.split(whereSeparator: { $0 == " " }).count
                    if words > maximumWordsPerStep {
                        problems.append(
                            Diagnostic(
                                .error, location,
                                "this step has \(words) words: at most \(maximumWordsPerStep); keep one action per step"
                            ))
                    }
                }
            }
        }
        return problems
    }

    static func checkIntents(
        _ bundle: ContentBundle, language: Language, knownIDs: Set<String>, topicIDs: Set<String>
    ) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        for rules in bundle.intents[language] ?? [] {
            if let first = seen[rules.id] {
                problems.append(Diagnostic(.error, rules.location, "intent '\(rules.id)' is also defined at \(first)"))
            }
            seen[rules.id] = rules.location
            if !knownIDs.contains(rules.id) && !bundle.curriculumUnreadable {
                problems.append(
                    Diagnostic(
                        .error, rules.location,
                        "'\(rules.id)' is not a topic or conversation intent in faq/topics.yaml; check the id"))
            }
            if rules.examples.count < minimumExamples {
                problems.append(
                    Diagnostic(
                        .error, rules.location,
                        "only \(rules.examples.count) examples: write at least \(minimumExamples) different ways to ask"
                    ))
            }
            if rules.keywords.isEmpty && rules.patterns.isEmpty && rules.examples.isEmpty {
                problems.append(Diagnostic(.error, rules.location, "this intent has no keywords, patterns or examples"))
            }
        }
        return problems
    }

    static func checkMessages(_ bundle: ContentBundle, language: Language) -> [Diagnostic] {
        let file = "faq/conversation/\(language.rawValue).yaml"
        guard let messages = bundle.messages[language] else {
            return [Diagnostic(.error, SourceLocation(file: file, line: 0), "the conversation words are missing")]
        }
        var problems: [Diagnostic] = []
        for key in Messages.requiredKeys where messages.values[key] == nil {
            problems.append(
                Diagnostic(
                    .error, SourceLocation(file: file, line: 0),
                    "the key '\(key)' is missing; copy it from \(Self.otherFile(language)) and translate it"))
        }
        for key in messages.values.keys.sorted() where !Messages.requiredKeys.contains(key) {
            problems.append(
                Diagnostic(
                    .warning, messages.locations[key] ?? SourceLocation(file: file, line: 0), "unknown key '\(key)'"))
        }
        return problems
    }

    /// Another language's conversation file, to copy a missing key from.
    static func otherFile(_ language: Language) -> String {
        language == .nl ? "en.yaml" : "nl.yaml"
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        guard let year = Int(parts[0]), (1...12).contains(month) else { return false }
        // The days of the month: 2026-02-30 is no date.
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
