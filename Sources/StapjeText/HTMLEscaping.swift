/// Escaping for HTML, shared by every page Stapje writes (prompt sheets, reports).
public enum HTMLEscaping {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is safe in element content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
