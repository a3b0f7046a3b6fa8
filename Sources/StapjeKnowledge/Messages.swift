public import StapjeText

/// A value in the conversation words file: a text, a list, or a table.
public indirect enum MessageValue: Sendable, Hashable {
    case text(String)
    case list([String])
    case table([String: MessageValue])
}

/// The assistant's own words in one language (welcome, fallback, clarifying question, headings...).
public struct Messages: Sendable {
    /// The keys every language must define; `stapje check` reports the missing ones.
    public static let requiredKeys: [String] = [
        "language_name", "welcome", "welcome_examples", "welcome_human", "fallback_first", "fallback_second",
        "fallback_topic", "fallback_topic_hint", "fallback_second_standalone", "not_working_hint", "worked",
        "out_of_scope", "emergency", "clarify", "clarify_none", "step_position", "next_hint", "last_step", "followups",
        "no_topic", "first_step", "no_such_step", "all_steps_title", "you_need", "steps", "if_not_working", "safety",
        "helper_notes", "related", "sources", "last_checked", "region_variant", "handoff_requested",
        "handoff_standalone", "handoff_cancelled", "handoff_offer_declined", "greeting", "thanks", "goodbye",
        "capabilities", "capabilities_commands", "not_helpful", "language_switched", "language_choice",
        "region_switched", "region_question", "privacy_lesson", "privacy_lesson_personal", "idle_warning", "wiped",
        "empty_input", "error_input",
        "yes_words", "no_words", "regions", "region_words", "service_words", "language_words", "categories",
        "step_words",
        "step_ordinals", "step_cardinals", "step_request_words",
    ]

    /// The language.
    public var language: Language
    /// Every key and its value.
    public var values: [String: MessageValue]
    /// Where each key was written.
    public var locations: [String: SourceLocation]

    /// Creates a message table.
    public init(language: Language, values: [String: MessageValue], locations: [String: SourceLocation] = [:]) {
        self.language = language
        self.values = values
        self.locations = locations
    }

    /// The text for `key`, with `{name}` placeholders filled in; the key itself when it is missing.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        var result: String
        switch values[key] {
        case .text(let text): result = text
        case .list(let list): result = list.joined(separator: "\n")
        case .table, nil: result = key
        }
        return arguments.isEmpty ? result : result.filling(arguments)
    }

    /// The list for `key`, or an empty list.
    public func list(_ key: String) -> [String] {
        switch values[key] {
        case .list(let list): list
        case .text(let text): [text]
        default: []
        }
    }

    /// The table for `key`, or an empty table.
    public func table(_ key: String) -> [String: MessageValue] {
        if case .table(let table) = values[key] { return table }
        return [:]
    }

    /// The text in table `key` under `entry` (a region name, a category name...).
    public func entry(_ key: String, _ entry: String) -> String {
        switch table(key)[entry] {
        case .text(let text): text
        case .list(let list): list.first ?? entry
        default: entry
        }
    }
}

extension String {
    /// The text with each `{name}` whose name is a key of `arguments` replaced by its value, in one pass over the
    /// bytes (a replaced value is not read again for placeholders); other braces are left as they are.
    func filling(_ arguments: [String: String]) -> String {
        var source = self
        return source.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: "{")) else { return self }
            var filled: [UInt8] = []
            filled.reserveCapacity(bytes.count + 16)
            var index = 0
            var replaced = false
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "{"),
                    let close = bytes[(index + 1)...].firstIndex(where: {
                        $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "{")
                    }),
                    bytes[close] == UInt8(ascii: "}"),
                    let value = arguments[
                        String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<close]), as: UTF8.self)]
                {
                    filled += value.utf8
                    index = close + 1
                    replaced = true
                } else {
                    filled.append(bytes[index])
                    index += 1
                }
            }
            return replaced ? String(decoding: filled, as: UTF8.self) : self
        }
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        // On bytes: a Foundation search per placeholder cost more than the rest of a step reply. UTF-8 is
        // self-synchronising, so a match of the placeholder's bytes is always a match of its characters.
        let pattern = Array(target.utf8)
        let source = Array(utf8)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count + replacement.utf8.count)
        var index = 0
        var replaced = false
        while index < source.count {
            if index + pattern.count <= source.count, source[index..<index + pattern.count].elementsEqual(pattern) {
                bytes += replacement.utf8
                index += pattern.count
                replaced = true
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return replaced ? String(decoding: bytes, as: UTF8.self) : self
    }
}
