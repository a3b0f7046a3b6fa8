/// Characters that show nothing themselves but can change how the text around them shows: the bidirectional
/// controls (embeddings, overrides, isolates and marks: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the
/// zero-width space and word joiner (U+200B, U+2060-U+2064), the byte order mark (U+FEFF), the Mongolian vowel
/// separator (U+180E) and the soft hyphen (U+00AD).
///
/// A person's words are relayed to a helper and kept in a transcript: an override there could make a line read
/// backwards or pass for the desk's own text, and a zero-width space inside a word splits it for the engine
/// ("wacht\u{200B}woord"). They are removed from free text as it comes in. The zero-width joiner and non-joiner stay:
/// scripts and emoji need them.
public enum InvisibleCharacters {
    /// Whether `scalar` is one of them.
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// `text` without them; the same string, uncopied, when it holds none (one look at its bytes for their first
    /// bytes in UTF-8: C2, D8, E1, E2 or EF).
    public static func removed(from text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xEF }),
            text.unicodeScalars.contains(where: contains)
        else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !contains(scalar) { scalars.append(scalar) }
        return String(scalars)
    }
}
