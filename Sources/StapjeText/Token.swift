/// One word of a question, in the forms the matcher needs.
public struct Token: Sendable, Hashable {
    /// The word as the person typed it (after splitting elisions: "l'horaire" gives "l'" and "horaire").
    public var original: String
    /// Lower-cased, accents kept: what the Snowball stemmers expect.
    public var lower: String
    /// Lower-cased without accents: what comparisons use.
    public var folded: String
    /// True when the word is only digits.
    public var isNumber: Bool
    /// True when a mark that ends a clause (`,` `;` `!` `?`, or `.` `:` `…` before a space or the end) comes
    /// between this word and an earlier one: "merci, ça marche" has two clauses, "www.vdab.be" and "1,5" one.
    public var startsClause = false

    /// Creates a token from the text the person typed.
    public init(original: String, lower: String) {
        self.original = original
        self.lower = lower
        self.folded = TextFolding.fold(lower)
        self.isNumber = !lower.isEmpty && lower.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The token of a word of ASCII letters and digits (no apostrophe): as `init(original:lower:)` with
    /// `Tokenizer.lowercased`, in one pass over the bytes (lower-case ASCII needs no folding).
    init(asciiWord bytes: UnsafeBufferPointer<UInt8>) {
        var hasCapital = false
        var onlyDigits = true
        for byte in bytes {
            if byte >= 0x41 && byte <= 0x5A { hasCapital = true }
            if byte < 0x30 || byte > 0x39 { onlyDigits = false }
        }
        original = String(decoding: bytes, as: UTF8.self)
        lower = hasCapital ? TextFolding.asciiLowercased(bytes) : original
        folded = lower
        isNumber = onlyDigits && !bytes.isEmpty
    }
}
