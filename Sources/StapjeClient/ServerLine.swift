/// One line from a STAPJE/1 server in text mode, taken apart (docs/PROTOCOL.md, section 4).
public enum ServerLine: Sendable, Hashable {
    /// `[@tag ]ddd-text`: a line of a reply that is not its last.
    case continuation(tag: String?, code: Int, text: String)
    /// `[@tag ]ddd KEYWORD[ key=value...][ text]`: a reply's final line (its `lines` are empty).
    case final(ServerReply)
    /// `* 6dd KEYWORD seq=n[ key=value...][ text]`.
    case event(ServerEvent)

    /// Events whose text is typed by a person, with the parameter after which that text starts: a starter's or a
    /// helper's words may themselves look like `key=value` and must not be read as parameters.
    static let typedTextAfter: [Int: String] = [602: "ticket", 615: "helper"]

    /// Parses one line (without its line ending).
    public static func parse(_ line: String) throws(ProtocolViolation) -> ServerLine {
        var rest = Substring(line)
        if rest.hasPrefix("* ") {
            rest = rest.dropFirst(2)
            let code = try Self.code(&rest, line: line)
            guard (600..<700).contains(code), rest.first == " " else {
                throw ProtocolViolation(line: line, "an event needs a 6xx code and a keyword")
            }
            rest = rest.dropFirst()
            let keyword = try Self.keyword(&rest, line: line)
            var (parameters, text) = Self.parameters(rest, textAfter: typedTextAfter[code])
            guard let first = parameters.first, first.key == "seq", let sequence = Int(first.value) else {
                throw ProtocolViolation(line: line, "an event's first parameter is seq=<n>")
            }
            parameters.removeFirst()
            return .event(
                ServerEvent(code: code, keyword: keyword, sequence: sequence, parameters: parameters, text: text))
        }
        var tag: String?
        if rest.hasPrefix("@") {
            guard let space = rest.firstIndex(of: " ") else { throw ProtocolViolation(line: line, "a tag alone") }
            tag = String(rest[rest.index(after: rest.startIndex)..<space])
            rest = rest[rest.index(after: space)...]
        }
        let code = try Self.code(&rest, line: line)
        guard (200..<600).contains(code) else { throw ProtocolViolation(line: line, "a reply code is 2xx to 5xx") }
        switch rest.first {
        case "-":
            return .continuation(tag: tag, code: code, text: String(rest.dropFirst()))
        case " ":
            rest = rest.dropFirst()
            let keyword = try Self.keyword(&rest, line: line)
            let (parameters, text) = Self.parameters(rest, textAfter: nil)
            return .final(ServerReply(tag: tag, code: code, keyword: keyword, parameters: parameters, text: text))
        default:
            throw ProtocolViolation(line: line, "a code is followed by '-' or a space and a keyword")
        }
    }

    private static func code(_ rest: inout Substring, line: String) throws(ProtocolViolation) -> Int {
        let digits = rest.prefix(3)
        guard digits.count == 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(digits) else {
            throw ProtocolViolation(line: line, "a line starts with a three-digit code")
        }
        rest = rest.dropFirst(3)
        return code
    }

    private static func keyword(_ rest: inout Substring, line: String) throws(ProtocolViolation) -> String {
        let word = rest.prefix { $0 != " " }
        let isKeyword = { (byte: UInt8) in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
        }
        guard !word.isEmpty, word.utf8.allSatisfy(isKeyword) else {
            throw ProtocolViolation(line: line, "a final line has an uppercase keyword after its code")
        }
        rest = rest.dropFirst(word.count)
        return String(word)
    }

    /// Reads `key=value` words until a word that is not one (or, with `textAfter`, until that key was read); the
    /// rest of the line is the text.
    private static func parameters(_ rest: Substring, textAfter last: String?) -> ([Parameter], String?) {
        var rest = rest
        var parameters: [Parameter] = []
        while rest.first == " " {
            let word = rest.dropFirst().prefix { $0 != " " }
            guard let parameter = Self.parameter(word) else { break }
            parameters.append(parameter)
            rest = rest.dropFirst(1 + word.count)
            if parameter.key == last { break }
        }
        guard rest.first == " " else { return (parameters, nil) }
        var text = rest.dropFirst()
        // A text that looks like parameters comes after a lone `:`, which is not part of it (section 4).
        if text.hasPrefix(": ") { text = text.dropFirst(2) }
        return (parameters, String(text))
    }

    private static func parameter(_ word: Substring) -> Parameter? {
        guard let equals = word.firstIndex(of: "=") else { return nil }
        let key = word[..<equals]
        let value = word[word.index(after: equals)...]
        let isKey = { (byte: UInt8) in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
        }
        guard !key.isEmpty, !value.isEmpty, key.utf8.allSatisfy(isKey) else { return nil }
        return Parameter(String(key), String(value))
    }
}

/// Gathers lines into replies and events: continuation lines are kept until their final line.
public struct ReplyReader: Sendable {
    /// What a line completed.
    public enum Item: Sendable, Hashable {
        /// A whole reply.
        case reply(ServerReply)
        /// An event.
        case event(ServerEvent)
    }

    private var pending: (tag: String?, code: Int, lines: [String])?

    /// Creates a reader with nothing pending.
    public init() {}

    /// True while continuation lines wait for their final line.
    public var isInsideReply: Bool { pending != nil }

    /// Reads one line; returns the reply it completes, the event it is, or nil for a continuation line.
    ///
    /// An event between the lines of a reply is passed on (the server never writes one there, but it does no harm).
    public mutating func read(_ line: String) throws(ProtocolViolation) -> Item? {
        switch try ServerLine.parse(line) {
        case .event(let event):
            return .event(event)
        case .continuation(let tag, let code, let text):
            if let pending {
                guard pending.tag == tag, pending.code == code else {
                    throw ProtocolViolation(line: line, "a reply's lines all carry the same tag and code")
                }
                self.pending?.lines.append(text)
            } else {
                pending = (tag, code, [text])
            }
            return nil
        case .final(var reply):
            if let pending {
                guard pending.tag == reply.tag, pending.code == reply.code else {
                    throw ProtocolViolation(line: line, "a reply's lines all carry the same tag and code")
                }
                reply.lines = pending.lines
                self.pending = nil
            }
            return .reply(reply)
        }
    }
}
