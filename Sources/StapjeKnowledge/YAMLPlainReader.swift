/// Reads the plain YAML that content files are written in, without libyaml: about five times cheaper, and the
/// largest part of loading the content was libyaml.
///
/// It reads only what it can be sure of, and gives up (nil) on anything else, which `YAMLReader` then reads with
/// libyaml as before, problems and their messages included. What it reads, line by line:
/// - `key: value`, `key:` followed by a more indented block or by `- ` items, `- value` items;
/// - keys in plain text or quotes; values as plain text, in quotes on one line (no backslash escapes), or as a
///   list in brackets on one line (`[a, "b c"]`);
/// - comments, blank lines.
/// It gives up on tabs, control characters, other line breaks, a byte-order mark, `---` or `...`, directives,
/// anchors, aliases, tags, block scalars (`|`, `>`), braces, a value left empty, a `- key: value` item, text that
/// carries on over several lines, a `: ` or ` #` it cannot place, and a key used twice. The tree it gives is the one
/// libyaml gives (text, style, line of every node), which `YAMLPlainReaderTests` checks on every content file and on
/// many altered copies.
struct YAMLPlainReader {
    /// One line that is neither blank nor a comment.
    private struct Line {
        /// Its number, from 1.
        var number: Int
        /// Spaces before its text.
        var indent: Int
        /// Where its text starts and ends (trailing spaces left out) in the bytes.
        var start: Int
        var end: Int
    }

    private struct GiveUp: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var lines: [Line] = []
    private var next = 0

    /// The document in `text`, or nil when the text is not of the plain kind this reader knows.
    static func parse(_ text: String) -> YAMLNode? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = YAMLPlainReader(bytes: bytes)
            return try? reader.document()
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func document() throws(GiveUp) -> YAMLNode {
        try split()
        guard let first = lines.first, first.indent == 0 else { throw GiveUp() }
        let root = try block(indent: 0, depth: 1)
        guard next == lines.count else { throw GiveUp() }
        return root
    }

    // MARK: - Lines

    /// Cuts the text into lines of content, refusing any byte this reader does not handle.
    private mutating func split() throws(GiveUp) {
        var number = 1
        var position = 0
        let count = bytes.count
        // A byte-order mark at the start.
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { throw GiveUp() }
        while position < count {
            var end = position
            while end < count && bytes[end] != 0x0A {
                let byte = bytes[end]
                // Printable ASCII, nearly every byte: nothing more to look at.
                if byte >= 0x20 && byte < 0x7F {
                    end += 1
                    continue
                }
                // Control characters (tab included), DEL; C1 controls and NEL; U+2028, U+2029, U+FEFF, U+FFFE/F.
                if byte < 0x20 || byte == 0x7F { throw GiveUp() }
                if byte == 0xC2 && end + 1 < count && bytes[end + 1] < 0xA0 { throw GiveUp() }
                if byte == 0xE2 && end + 2 < count && bytes[end + 1] == 0x80
                    && (bytes[end + 2] == 0xA8 || bytes[end + 2] == 0xA9)
                {
                    throw GiveUp()
                }
                if byte == 0xEF && end + 2 < count
                    && ((bytes[end + 1] == 0xBB && bytes[end + 2] == 0xBF)
                        || (bytes[end + 1] == 0xBF && bytes[end + 2] >= 0xBE))
                {
                    throw GiveUp()
                }
                end += 1
            }
            var indent = position
            while indent < end && bytes[indent] == 0x20 { indent += 1 }
            var last = end
            while last > indent && bytes[last - 1] == 0x20 { last -= 1 }
            if indent < last && bytes[indent] != UInt8(ascii: "#") {
                // Document markers and directives.
                let first = bytes[indent]
                if indent == position && (first == UInt8(ascii: "%") || startsMarker(at: indent, end: last)) {
                    throw GiveUp()
                }
                lines.append(Line(number: number, indent: indent - position, start: indent, end: last))
            }
            number += 1
            position = end + 1
        }
    }

    private func startsMarker(at start: Int, end: Int) -> Bool {
        guard end - start >= 3 else { return false }
        let first = bytes[start]
        guard
            (first == UInt8(ascii: "-") || first == UInt8(ascii: ".")) && bytes[start + 1] == first
                && bytes[start + 2] == first
        else { return false }
        return end - start == 3 || bytes[start + 3] == 0x20
    }

    // MARK: - Blocks

    /// The list or mapping whose lines start at the current line, indented `indent`.
    private mutating func block(indent: Int, depth: Int) throws(GiveUp) -> YAMLNode {
        guard depth <= YAMLComposer.maximumDepth, next < lines.count, lines[next].indent == indent else {
            throw GiveUp()
        }
        return isItem(lines[next])
            ? try sequence(indent: indent, depth: depth) : try mapping(indent: indent, depth: depth)
    }

    private func isItem(_ line: Line) -> Bool {
        bytes[line.start] == UInt8(ascii: "-") && (line.end - line.start == 1 || bytes[line.start + 1] == 0x20)
    }

    private mutating func sequence(indent: Int, depth: Int) throws(GiveUp) -> YAMLNode {
        let startLine = lines[next].number
        var items: [YAMLNode] = []
        while next < lines.count && lines[next].indent == indent && isItem(lines[next]) {
            let line = lines[next]
            var start = line.start + 1
            while start < line.end && bytes[start] == 0x20 { start += 1 }
            // An empty item or one holding a block (`- key: value`, `- - x`) is left to libyaml.
            guard start < line.end else { throw GiveUp() }
            let item = try value(from: start, to: line.end, line: line.number, depth: depth + 1)
            if case .scalar(_, .plain) = item.content, containsMappingIndicator(start, line.end) { throw GiveUp() }
            items.append(item)
            next += 1
        }
        try endOfBlock(indent: indent)
        return YAMLNode(content: .sequence(items), line: startLine)
    }

    private mutating func mapping(indent: Int, depth: Int) throws(GiveUp) -> YAMLNode {
        let startLine = lines[next].number
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        while next < lines.count && lines[next].indent == indent && !isItem(lines[next]) {
            let line = lines[next]
            let (key, colon) = try self.key(line)
            var start = colon + 1
            while start < line.end && bytes[start] == 0x20 { start += 1 }
            let value: YAMLNode
            if start < line.end {
                value = try self.value(from: start, to: line.end, line: line.number, depth: depth + 1)
                if case .scalar(_, .plain) = value.content, containsMappingIndicator(start, line.end) {
                    throw GiveUp()
                }
                next += 1
            } else {
                next += 1
                // The value is the block below: more indented, or `- ` items at the key's own indent.
                guard next < lines.count,
                    lines[next].indent > indent || (lines[next].indent == indent && isItem(lines[next]))
                else { throw GiveUp() }
                value = try block(indent: lines[next].indent, depth: depth + 1)
            }
            pairs.append((key, value))
        }
        try endOfBlock(indent: indent)
        // A key used twice is a problem libyaml's reader reports, with its line.
        do {
            try YAMLComposer.refuseDuplicates(pairs)
        } catch {
            throw GiveUp()
        }
        return YAMLNode(content: .mapping(pairs), line: startLine)
    }

    /// After a block, the next line must belong to a block further out.
    private func endOfBlock(indent: Int) throws(GiveUp) {
        if next < lines.count && lines[next].indent > indent { throw GiveUp() }
    }

    /// The key of a `key: value` line and where its colon is.
    private func key(_ line: Line) throws(GiveUp) -> (YAMLNode, Int) {
        let first = bytes[line.start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            let (text, after) = try quoted(from: line.start, to: line.end)
            guard after < line.end, bytes[after] == UInt8(ascii: ":"),
                after + 1 == line.end || bytes[after + 1] == 0x20
            else { throw GiveUp() }
            let style: YAMLNode.Style = first == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted
            return (YAMLNode(content: .scalar(text, style), line: line.number), after)
        }
        guard startsPlain(at: line.start, end: line.end) else { throw GiveUp() }
        var colon = line.start
        while colon < line.end {
            let byte = bytes[colon]
            if byte == UInt8(ascii: ":") && (colon + 1 == line.end || bytes[colon + 1] == 0x20) { break }
            if byte == UInt8(ascii: "#") && colon > line.start && bytes[colon - 1] == 0x20 { throw GiveUp() }
            colon += 1
        }
        guard colon < line.end else { throw GiveUp() }
        var last = colon
        while last > line.start && bytes[last - 1] == 0x20 { last -= 1 }
        return (YAMLNode(content: .scalar(text(line.start, last), .plain), line: line.number), colon)
    }

    // MARK: - Values

    /// A value on one line: plain text, quoted text or a bracketed list; anything after it must be a comment.
    private func value(from start: Int, to end: Int, line: Int, depth: Int) throws(GiveUp) -> YAMLNode {
        let first = bytes[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            let (text, after) = try quoted(from: start, to: end)
            try onlyComment(from: after, to: end)
            let style: YAMLNode.Style = first == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted
            return YAMLNode(content: .scalar(text, style), line: line)
        }
        if first == UInt8(ascii: "[") {
            guard depth <= YAMLComposer.maximumDepth else { throw GiveUp() }
            return try flowList(from: start, to: end, line: line, depth: depth)
        }
        guard startsPlain(at: start, end: end) else { throw GiveUp() }
        // Plain text runs to a comment (` #`) or the end of the line.
        var last = start
        while last < end {
            if bytes[last] == UInt8(ascii: "#") && bytes[last - 1] == 0x20 { break }
            last += 1
        }
        while last > start && bytes[last - 1] == 0x20 { last -= 1 }
        return YAMLNode(content: .scalar(text(start, last), .plain), line: line)
    }

    /// Whether plain text starting here starts the way libyaml reads as plain text: not with a sign that means
    /// something else (`- `, `? `, `: ` and `[]{},#&*!|>'"%@` and the backquote; in brackets, `?` always starts a
    /// key).
    private func startsPlain(at start: Int, end: Int, inBrackets: Bool = false) -> Bool {
        switch bytes[start] {
        case UInt8(ascii: "?") where inBrackets:
            return false
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            return start + 1 < end && bytes[start + 1] != 0x20
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","),
            UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
            UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
            UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    /// Whether plain text holds a `: ` or ends in `:` (before any comment): a mapping libyaml would read, or refuse.
    private func containsMappingIndicator(_ start: Int, _ end: Int) -> Bool {
        var position = start
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "#") && position > start && bytes[position - 1] == 0x20 { return false }
            if byte == UInt8(ascii: ":") && (position + 1 == end || bytes[position + 1] == 0x20) { return true }
            position += 1
        }
        return false
    }

    /// Text in quotes starting at `start`, and the position after the closing quote. Double quotes may hold no
    /// backslash (its escapes are left to libyaml); in single quotes `''` is a quote.
    private func quoted(from start: Int, to end: Int) throws(GiveUp) -> (String, Int) {
        let quote = bytes[start]
        var position = start + 1
        var pieces: [(Int, Int)] = []
        var pieceStart = position
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { throw GiveUp() }
            if byte == quote {
                if quote == UInt8(ascii: "'") && position + 1 < end && bytes[position + 1] == quote {
                    pieces.append((pieceStart, position + 1))
                    position += 2
                    pieceStart = position
                    continue
                }
                pieces.append((pieceStart, position))
                let text =
                    pieces.count == 1
                    ? self.text(pieces[0].0, pieces[0].1) : pieces.map { self.text($0.0, $0.1) }.joined()
                return (text, position + 1)
            }
            position += 1
        }
        throw GiveUp()
    }

    /// A list in brackets on one line: plain or quoted items, each plain one without `:`, `#` or brackets.
    private func flowList(from start: Int, to end: Int, line: Int, depth: Int) throws(GiveUp) -> YAMLNode {
        var items: [YAMLNode] = []
        var position = start + 1
        func skipSpaces() {
            while position < end && bytes[position] == 0x20 { position += 1 }
        }
        skipSpaces()
        if position < end && bytes[position] == UInt8(ascii: "]") {
            try onlyComment(from: position + 1, to: end)
            return YAMLNode(content: .sequence([]), line: line)
        }
        while true {
            skipSpaces()
            guard position < end else { throw GiveUp() }
            let first = bytes[position]
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                let (text, after) = try quoted(from: position, to: end)
                let style: YAMLNode.Style = first == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted
                items.append(YAMLNode(content: .scalar(text, style), line: line))
                position = after
            } else {
                guard startsPlain(at: position, end: end, inBrackets: true) else { throw GiveUp() }
                let itemStart = position
                while position < end && bytes[position] != UInt8(ascii: ",") && bytes[position] != UInt8(ascii: "]") {
                    switch bytes[position] {
                    case UInt8(ascii: ":"), UInt8(ascii: "#"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "}"):
                        throw GiveUp()
                    default:
                        position += 1
                    }
                }
                var last = position
                while last > itemStart && bytes[last - 1] == 0x20 { last -= 1 }
                guard last > itemStart else { throw GiveUp() }
                items.append(YAMLNode(content: .scalar(text(itemStart, last), .plain), line: line))
            }
            skipSpaces()
            guard position < end else { throw GiveUp() }
            if bytes[position] == UInt8(ascii: "]") {
                try onlyComment(from: position + 1, to: end)
                return YAMLNode(content: .sequence(items), line: line)
            }
            guard bytes[position] == UInt8(ascii: ",") else { throw GiveUp() }
            position += 1
        }
    }

    /// Nothing but spaces and a comment (` #...`) from `start` to the end of the line.
    private func onlyComment(from start: Int, to end: Int) throws(GiveUp) {
        var position = start
        while position < end && bytes[position] == 0x20 { position += 1 }
        guard position == end || (position > start && bytes[position] == UInt8(ascii: "#")) else { throw GiveUp() }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
