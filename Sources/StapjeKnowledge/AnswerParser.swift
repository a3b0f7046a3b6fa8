import StapjeText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one answer file: a YAML header between `---` lines, then `## Part [REGION]` sections.
struct AnswerParser {
    let file: String
    let folderID: String
    let language: Language
    var diagnostics: [Diagnostic] = []

    init(file: String, folderID: String, language: Language) {
        self.file = file
        self.folderID = folderID
        self.language = language
    }

    mutating func error(_ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.error, SourceLocation(file: file, line: line), message))
    }

    mutating func parse(_ text: String) -> Answer? {
        let lines = Self.lines(text)
        guard lines.first?.trimmingSpaces() == "---",
            let end = lines.dropFirst().firstIndex(where: { $0.trimmingSpaces() == "---" })
        else {
            error(1, "an answer starts with a header between two `---` lines (see docs/CONTENT.md)")
            return nil
        }
        var answer = Answer(
            id: folderID, language: language, title: "", related: [], lastChecked: nil, sources: [], sections: [:],
            location: SourceLocation(file: file, line: 1))
        guard readHeader(lines[1..<end].joined(separator: "\n"), into: &answer) else { return nil }
        readSections(lines, from: end + 1, into: &answer)
        return answer
    }

    /// The lines of `text`. Without a carriage return a line feed is always a character of its own, so the text
    /// is cut at its bytes (`memchr` finds each line feed), which is much cheaper than walking its characters.
    static func lines(_ text: String) -> [String] {
        guard !text.hasCarriageReturn else {
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var text = text
        return text.withUTF8 { bytes in
            var lines: [String] = []
            guard let base = bytes.baseAddress else { return [""] }
            var start = 0
            while true {
                let rest = bytes.count - start
                guard let found = memchr(base + start, 10, rest) else {
                    lines.append(String(decoding: UnsafeBufferPointer(start: base + start, count: rest), as: UTF8.self))
                    return lines
                }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lines.append(
                    String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self))
                start = end + 1
            }
        }
    }

    mutating func readHeader(_ header: String, into answer: inout Answer) -> Bool {
        var yaml = YAMLReader(file: file)
        defer { diagnostics += yaml.diagnostics }
        guard let node = yaml.parse(header, lineOffset: 1) else { return false }
        var sawID = false
        var sawLanguage = false
        for (key, value) in yaml.pairs(node, what: "the header", offset: 1) {
            let line = 1 + value.line
            switch key {
            case "id":
                sawID = true
                let id = value.string ?? ""
                if id != folderID {
                    yaml.error(line: line, "the id '\(id)' does not match the folder name '\(folderID)'")
                }
            case "lang":
                sawLanguage = true
                if value.string != language.rawValue {
                    yaml.error(line: line, "lang is '\(value.string ?? "")' but the file is \(language.rawValue).md")
                }
            case "title":
                answer.title = value.string ?? ""
            case "related":
                answer.related = yaml.strings(value, what: "related", offset: 1).map(\.value)
            case "last_checked":
                answer.lastChecked = value.string
            case "sources":
                answer.sources = yaml.strings(value, what: "sources", offset: 1).map(\.value)
            default:
                yaml.error(
                    line: line, "unknown header field '\(key)': use id, lang, title, related, last_checked, sources")
            }
        }
        if !sawID { yaml.error(line: 2, "the header needs `id: \(folderID)`") }
        if !sawLanguage { yaml.error(line: 2, "the header needs `lang: \(language.rawValue)`") }
        return true
    }

    mutating func readSections(_ lines: [String], from start: Int, into answer: inout Answer) {
        var current: (part: AnswerPart, qualifier: RegionQualifier?, line: Int)?
        var skipping = false
        var body: [(Int, String)] = []

        func finish(_ parser: inout AnswerParser) {
            guard let current else { return }
            if answer.sections[current.part]?[current.qualifier] != nil {
                let name = current.part.rawValue + (current.qualifier.map { " [\($0)]" } ?? "")
                parser.error(current.line, "the part '## \(name)' appears twice; merge them")
            }
            let section = parser.makeSection(current.part, body, headingLine: current.line)
            answer.sections[current.part, default: [:]][current.qualifier] = section
        }

        var index = start
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            if line.hasPrefix("## ") {
                finish(&self)
                body = []
                current = parseHeading(String(line.dropFirst(3)), line: number).map { ($0.0, $0.1, number) }
                skipping = current == nil
            } else if line.hasPrefix("# ") {
                error(number, "use `## ` for parts (`## Steps`); a single `#` is not a part")
            } else if current != nil {
                body.append((number, line))
            } else if skipping {
                continue
            } else if !line.trimmingSpaces().isEmpty {
                error(number, "text before the first part: start with `## Answer`")
            }
        }
        finish(&self)
    }

    mutating func parseHeading(_ heading: String, line: Int) -> (AnswerPart, RegionQualifier?)? {
        var name = heading.trimmingSpaces()
        var qualifier: RegionQualifier?
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            let code = String(name[name.index(after: open)..<name.index(before: name.endIndex)]).trimmingSpaces()
            guard let parsed = RegionQualifier(code: code) else {
                error(line, "unknown region '[\(code)]': use [VL], [BXL], [WAL], [FR] or [BE]")
                return nil
            }
            qualifier = parsed
            name = String(name[..<open]).trimmingSpaces()
        }
        guard let part = AnswerPart.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            let known = AnswerPart.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            error(line, "unknown part '\(name)': the parts are \(known)")
            return nil
        }
        return (part, qualifier)
    }

    mutating func makeSection(_ part: AnswerPart, _ body: [(Int, String)], headingLine: Int) -> AnswerSection {
        let location = SourceLocation(file: file, line: headingLine)
        guard part.isList else {
            let text = body.map { $0.1.trimmingSpaces() }.split(separator: "").map { $0.joined(separator: " ") }
                .joined(separator: "\n")
            return AnswerSection(items: [], text: text, location: location)
        }
        var items: [String] = []
        var itemLocations: [SourceLocation] = []
        var expected = 1
        for (number, raw) in body {
            let trimmed = raw.trimmingSpaces()
            if trimmed.isEmpty { continue }
            if let (value, rest) = Self.listItem(trimmed, numbered: part == .steps) {
                if let value, value != expected {
                    error(number, "this step is numbered \(value) but should be \(expected)")
                }
                expected += 1
                items.append(rest)
                itemLocations.append(SourceLocation(file: file, line: number))
            } else if raw.first == " " || raw.first == "\t", !items.isEmpty {
                items[items.count - 1] += " " + trimmed
            } else {
                let form = part == .steps ? "`1. `, `2. `" : "`- `"
                error(number, "in '## \(part.rawValue)' every line starts with \(form) (or is indented to continue)")
            }
        }
        return AnswerSection(
            items: items, text: items.joined(separator: "\n"), location: location, itemLocations: itemLocations)
    }

    /// The text of a list item (`1. text` when `numbered`, `- text` or `* text` otherwise) and its number, or nil
    /// when the line is no such item.
    static func listItem(_ line: String, numbered: Bool) -> (number: Int?, text: String)? {
        // Read from the bytes when the signs that decide are ASCII with no combining mark after them (nearly every
        // line); otherwise character by character.
        let read = line.utf8.withContiguousStorageIfAvailable { bytes -> (number: Int?, text: String)?? in
            func plain(_ position: Int) -> Bool { position >= bytes.count || bytes[position] < 0x80 }
            func rest(from start: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self).trimmingSpaces()
            }
            guard let first = bytes.first, first < 0x80 else { return .none }
            if numbered {
                var digits = 0
                while digits < bytes.count && bytes[digits] >= 0x30 && bytes[digits] <= 0x39 { digits += 1 }
                guard digits > 0 else { return plain(1) ? .some(nil) : .none }
                guard digits < bytes.count, bytes[digits] < 0x80, plain(digits + 1) else { return .none }
                guard bytes[digits] == UInt8(ascii: ".") || bytes[digits] == UInt8(ascii: ")") else {
                    return .some(nil)
                }
                let number = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[..<digits]), as: UTF8.self))
                return .some((number, rest(from: digits + 1)))
            }
            guard plain(1), plain(2) else { return .none }
            guard bytes.count >= 2, first == UInt8(ascii: "-") || first == UInt8(ascii: "*"),
                bytes[1] == UInt8(ascii: " ")
            else { return .some(nil) }
            return .some((nil, rest(from: 2)))
        }
        if let read, let decided = read { return decided }
        if numbered {
            let number = line.prefix(while: \.isNumber)
            guard !number.isEmpty else { return nil }
            let rest = line.dropFirst(number.count)
            guard let mark = rest.first, mark == "." || mark == ")" else { return nil }
            return (Int(number), String(rest.dropFirst()).trimmingSpaces())
        }
        guard line.hasPrefix("- ") || line.hasPrefix("* ") else { return nil }
        return (nil, String(line.dropFirst(2)).trimmingSpaces())
    }
}

extension String {
    /// Whether the text holds a carriage return. Searched in the text's stored bytes: walking `utf8` one code unit
    /// at a time cost as much as parsing all the YAML.
    var hasCarriageReturn: Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 13, bytes.count) != nil
        } ?? utf8.contains(13)
    }

    func trimmingSpaces() -> String {
        // Most lines have no blank at either end: then the text itself, without walking its characters. (A character
        // that starts or ends with a byte other than a blank is no blank.)
        if let first = utf8.first, let last = utf8.last, !Self.isBlank(first), !Self.isBlank(last) { return self }
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
