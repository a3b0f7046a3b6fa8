/// The two reply formats a client picks at `HELLO`.
enum WireFormat: String, Sendable, Hashable, CaseIterable {
    /// SMTP-style lines: `210-...` then `210 ANSWER ...`.
    case text
    /// One JSON object per line.
    case json
}

/// Frames responses and events for the wire. Every byte of text from the content or a client passes through here
/// and comes out without line breaks or control characters, so nothing can forge a reply line.
struct WireEncoder: Sendable {
    /// The format.
    var format: WireFormat

    /// Appends `response` and then its events to `output`.
    func encode(_ response: Response, tag: String?, into output: inout String) {
        switch format {
        case .text: encodeText(response, tag: tag, into: &output)
        case .json: encodeJSON(response, tag: tag, into: &output)
        }
        for event in response.events { encode(event, into: &output) }
    }

    /// Appends one event to `output`.
    func encode(_ event: WireEvent, into output: inout String) {
        switch format {
        case .text:
            output += "* \(event.code) \(event.keyword) seq=\(event.sequence)"
            for parameter in event.parameters { Self.appendText(parameter, to: &output) }
            if let message = event.message {
                output += " "
                Self.appendClean(Substring(message), to: &output)
            }
            output += "\n"
        case .json:
            output += "{\"event\":\(event.code),\"kw\":\"\(event.keyword)\",\"seq\":\(event.sequence)"
            for parameter in event.parameters { Self.appendJSON(parameter, to: &output) }
            if let message = event.message {
                output += ",\"text\":"
                Self.appendJSONString(message, to: &output)
            }
            output += "}\n"
        }
    }

    /// The response as a string.
    func encoded(_ response: Response, tag: String?) -> String {
        var output = ""
        encode(response, tag: tag, into: &output)
        return output
    }

    // MARK: - Text

    func encodeText(_ response: Response, tag: String?, into output: inout String) {
        let prefix = tag.map { "@\($0) \(response.code)" } ?? "\(response.code)"
        for text in response.lines {
            var rest = text[...]
            while true {
                let newline = Self.firstNewline(in: rest)
                output += prefix
                output += "-"
                Self.appendClean(rest[..<(newline ?? rest.endIndex)], to: &output)
                output += "\n"
                guard let newline else { break }
                rest = rest[rest.utf8.index(after: newline)...]
            }
        }
        output += prefix
        output += " "
        output += response.keyword
        for parameter in response.parameters { Self.appendText(parameter, to: &output) }
        if let message = response.message {
            output += " "
            Self.appendClean(message[...], to: &output)
        }
        output += "\n"
    }

    static func appendText(_ parameter: Response.Parameter, to output: inout String) {
        output += " "
        output += parameter.key
        output += "="
        switch parameter.value {
        case .text(let value): output += safeValue(value)
        case .number(let value): output += String(value)
        }
    }

    /// A line's text with every control character, C1 control and Unicode line separator replaced by a space.
    /// The lines of `text`, split at LF on its bytes (splitting on Characters would walk grapheme clusters).
    static func lines(of text: String) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// Appends `line` with every line break and control character (C0, DEL, C1, U+2028, U+2029) made a space.
    static func appendClean(_ line: Substring, to output: inout String) {
        guard hasBreak(line.utf8) else {
            output += line
            return
        }
        var scalars = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            let value = scalar.value
            let isBreak =
                value < 0x20 || value == 0x7F || (value >= 0x80 && value < 0xA0) || value == 0x2028
                || value == 0x2029
            scalars.append(isBreak ? " " : scalar)
        }
        output += String(scalars)
    }

    /// Whether the UTF-8 bytes hold a character `appendClean` replaces: C0 and DEL are single bytes, C1 is
    /// C2 80-9F, U+2028 and U+2029 are E2 80 A8 and E2 80 A9. Accents and typographic quotes pass untouched.
    static func hasBreak(_ bytes: Substring.UTF8View) -> Bool {
        // A native string's bytes are contiguous: scanned as a buffer, without walking string indices.
        bytes.withContiguousStorageIfAvailable { scanForBreak($0) } ?? scanForBreak(bytes)
    }

    private static func scanForBreak(_ bytes: some Sequence<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return true }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return true }
            if beforePrevious == 0xE2 && previous == 0x80 && (byte == 0xA8 || byte == 0xA9) { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    /// Where the first LF of `text` is, if any.
    static func firstNewline(in text: Substring) -> String.Index? {
        let utf8 = text.utf8
        let offset = utf8.withContiguousStorageIfAvailable { $0.firstIndex(of: UInt8(ascii: "\n")) }
        guard let offset else { return utf8.firstIndex(of: UInt8(ascii: "\n")) }
        return offset.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }

    /// A parameter value reduced to letters, digits and `._-/:`; anything else becomes `_`, so a value is one word.
    static func safeValue(_ value: String) -> String {
        let isSafe = { (byte: UInt8) in
            (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x2F
        }
        if !value.isEmpty && value.utf8.allSatisfy(isSafe) { return value }
        return String(decoding: value.utf8.map { isSafe($0) ? $0 : 0x5F }, as: UTF8.self)
    }

    // MARK: - JSON

    func encodeJSON(_ response: Response, tag: String?, into output: inout String) {
        output += "{"
        if let tag {
            output += "\"tag\":"
            Self.appendJSONString(tag, to: &output)
            output += ","
        }
        output += "\"code\":\(response.code),\"kw\":\"\(response.keyword)\""
        for parameter in response.parameters { Self.appendJSON(parameter, to: &output) }
        if let message = response.message {
            output += ",\"text\":"
            Self.appendJSONString(message, to: &output)
        }
        if !response.lines.isEmpty {
            output += ",\"lines\":["
            var first = true
            for text in response.lines {
                for line in Self.lines(of: text) {
                    if !first { output += "," }
                    first = false
                    Self.appendJSONString(String(line), to: &output)
                }
            }
            output += "]"
        }
        if let reply = response.reply {
            output += ",\"reply\":"
            output += reply.encoded()
        }
        output += "}\n"
    }

    static func appendJSON(_ parameter: Response.Parameter, to output: inout String) {
        output += ","
        appendJSONString(parameter.key, to: &output)
        output += ":"
        switch parameter.value {
        case .text(let value): appendJSONString(value, to: &output)
        case .number(let value): output += String(value)
        }
    }

    /// A JSON string literal; control characters and the Unicode line separators are escaped.
    static func appendJSONString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (value >= 0x80 && value < 0xA0) || value == 0x2028
                    || value == 0x2029
                {
                    let hex = String(value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
