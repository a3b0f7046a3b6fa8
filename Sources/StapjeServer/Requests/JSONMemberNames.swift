import Foundation

/// The names of a JSON object's own members, read without decoding their values, to find a name given twice.
///
/// RFC 8259 leaves an object with a repeated name to each parser ("the names within an object SHOULD be unique"):
/// one reader takes the first value, another the last. A request whose `cmd` or `text` a gateway in front of the
/// server could read one way and the server the other is refused instead.
enum JSONMemberNames {
    /// The first name that the top-level object of `line` holds twice, or nil. The line is assumed to be JSON
    /// that decodes; anything else gives nil (the decoder's own error is the one to report).
    static func repeated(in line: Substring) -> String? {
        let bytes = Array(line.utf8)
        var seen: Set<String> = []
        var depth = 0
        // At depth 1, the next string is a member's name (after `{` or `,`), not a value (after `:`).
        var nameNext = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                nameNext = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                nameNext = depth == 1
            case UInt8(ascii: ":"):
                nameNext = false
            case UInt8(ascii: "\""):
                let start = index
                var escaped = false
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 1
                    }
                    index += 1
                }
                guard index < bytes.count else { return nil }
                let raw = bytes[start..<index]
                index += 1
                guard depth == 1, nameNext else { continue }
                nameNext = false
                guard let name = escaped ? unescaped(raw) : String(decoding: raw, as: UTF8.self) else { return nil }
                if !seen.insert(name).inserted { return name }
            default:
                continue
            }
        }
        return nil
    }

    /// A name written with escapes (`"\u0063md"` is `cmd`), decoded as JSON does.
    private static func unescaped(_ raw: ArraySlice<UInt8>) -> String? {
        let quoted = Array("[\"".utf8) + raw + Array("\"]".utf8)
        return (try? JSONDecoder().decode([String].self, from: Data(quoted)))?.first
    }
}
