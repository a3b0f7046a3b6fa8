/// Reads YAML with line numbers and turns every problem into a diagnostic instead of an error.
struct YAMLReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// Parses `text`; nil (with a diagnostic) when it is not valid YAML.
    ///
    /// Plain text is left untyped: the content reads every value as text (`YAMLNode.string`), and the few numbers
    /// and flags are read from it where they are used (`.float`, `.bool`).
    mutating func parse(_ text: String, lineOffset: Int = 0) -> YAMLNode? {
        // Plain content is read without libyaml; anything else, and every problem, by libyaml.
        if let node = YAMLPlainReader.parse(text) { return node }
        var composer = YAMLComposer(text)
        do {
            guard let node = try composer.document() else {
                error(line: lineOffset + 1, "the file is empty: write the YAML described in docs/CONTENT.md")
                return nil
            }
            for (line, item) in Self.joinedListItems(text) {
                warning(
                    line: lineOffset + line,
                    "this line starts with '- ' but is indented further than the list item on line \(lineOffset + item), "
                        + "so YAML reads it as more words of that item, not as an item of its own; move it left so "
                        + "that its '-' is under the '-' above")
            }
            return node
        } catch {
            self.error(line: lineOffset + error.line, error.message)
            return nil
        }
    }

    /// Lines that look like list items ("- Tap Settings") but are indented further than the list item above them
    /// ("- Open the app"): valid YAML, which joins them to that item as more words of one text, and almost always a
    /// slip of the space bar. Each as (its line, the item's line), counting from 1. Only read for the few files
    /// the plain reader leaves to libyaml, as this one is (the plain reader refuses a line indented further).
    static func joinedListItems(_ text: String) -> [(line: Int, item: Int)] {
        var found: [(line: Int, item: Int)] = []
        /// The list item above whose text a further indented line would continue: its indentation and line.
        var open: (indent: Int, line: Int)?
        /// The indentation of a line that opened a block scalar (`|`, `>`): the lines indented further are its text.
        var block: Int?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.utf8.last == 13 ? raw.dropLast() : raw[...]
            let content = line.drop { $0 == " " }
            let indent = line.count - content.count
            if content.isEmpty || content.hasPrefix("#") { continue }
            if let opened = block, indent > opened { continue }
            block = nil
            let isItem = content == "-" || content.hasPrefix("- ")
            if let item = open, indent > item.indent {
                // More of the item's text: a slip when it starts with '- '.
                if isItem { found.append((index + 1, item.line)) }
                continue
            }
            var text = (isItem ? content.dropFirst(1) : content).drop { $0 == " " }
            if let comment = text.indices.first(where: {
                text[$0] == "#" && $0 > text.startIndex && text[text.index(before: $0)] == " "
            }) {
                text = text[..<comment]
            }
            while text.last == " " { text = text.dropLast() }
            if let last = text.split(separator: " ").last, last.first == "|" || last.first == ">",
                last.dropFirst().allSatisfy({ $0 == "-" || $0 == "+" || $0.isNumber })
            {
                block = indent
                open = nil
            } else if isItem, !text.isEmpty, !text.hasSuffix(":"), text.first != "\"", text.first != "'" {
                // An item whose text may go on: plain words, not a key that opens something nested, nor a quote.
                open = (indent, index + 1)
            } else {
                open = nil
            }
        }
        return found
    }

    mutating func error(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.error, SourceLocation(file: file, line: line), message))
    }

    mutating func warning(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.warning, SourceLocation(file: file, line: line), message))
    }

    func location(_ node: YAMLNode?, offset: Int = 0) -> SourceLocation {
        SourceLocation(file: file, line: offset + (node?.line ?? 0))
    }

    /// The pairs of a mapping in file order, with string keys.
    mutating func pairs(_ node: YAMLNode, what: String, offset: Int = 0) -> [(String, YAMLNode)] {
        guard let mapping = node.mapping else {
            error(line: offset + node.line, "\(what) should be a list of `key: value` lines")
            return []
        }
        return mapping.map { ($0.key.string ?? "", $0.value) }
    }

    /// A list of strings (a single string counts as a list of one). A key with nothing under it, or an item with
    /// nothing after its `- `, is an error: read as one empty line, it passed as a source or failed later with a
    /// message about '' ("'' has only small words").
    mutating func strings(_ node: YAMLNode, what: String, offset: Int = 0) -> [Located<String>] {
        if let text = node.string {
            guard !Self.isEmpty(node) else {
                error(
                    line: offset + node.line,
                    "\(what): is empty; write its lines under it (each starting with `- `), or remove it")
                return []
            }
            return [Located(text, location(node, offset: offset))]
        }
        guard let sequence = node.sequence else {
            error(line: offset + node.line, "\(what) should be a list (lines starting with `- `)")
            return []
        }
        var result: [Located<String>] = []
        for item in sequence {
            if Self.isEmpty(item) {
                error(
                    line: offset + item.line, "an empty line in \(what): write the text after `- `, or remove the line")
            } else if let text = item.string {
                result.append(Located(text, location(item, offset: offset)))
            } else {
                error(
                    line: offset + item.line,
                    "each item of \(what) should be plain text; put quotes around text with a colon")
            }
        }
        return result
    }

    /// Nothing written: a plain value that is empty (`key:` alone, `- ` alone) or YAML's `~` and `null`.
    static func isEmpty(_ node: YAMLNode) -> Bool {
        guard case .scalar(let text, .plain) = node.content, text.utf8.count <= 4 else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }
}
