import StapjeText

/// A text as the detectors read it: normalised scalars, where each came from, and its tokens.
///
/// Normalising first means a value hidden by a zero-width space, written with full-width digits or with a
/// non-breaking space is still found (protocol.md §4.5); the origins map every finding back to the original.
struct ScanText {
    /// One token: a word (folded), a digit run, or a mark (punctuation that matters to the phrases).
    struct Token {
        enum Kind {
            case word, digits, mark
        }
        var kind: Kind
        /// The folded word, the digits, or the mark.
        var text: String
        /// Where it starts and ends, in `scalars`.
        var range: Range<Int>
    }

    /// The normalised scalars.
    let scalars: [Unicode.Scalar]
    /// For each normalised scalar, the offset of the original scalar it came from.
    let origins: [Int]
    /// The tokens, in order.
    let tokens: [Token]

    init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []
        scalars.reserveCapacity(text.utf8.count)
        origins.reserveCapacity(text.utf8.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            guard let normal = Self.normalise(scalar) else { continue }
            scalars.append(normal)
            origins.append(offset)
        }
        self.scalars = scalars
        self.origins = origins
        self.tokens = Self.tokenize(scalars)
    }

    /// Whether the scalar at `index` is an ASCII digit (false outside the text).
    func isDigit(_ index: Int) -> Bool {
        index >= 0 && index < scalars.count && Self.isDigit(scalars[index])
    }

    /// Whether the scalar at `index` is a letter or digit (false outside the text).
    func isAlphanumeric(_ index: Int) -> Bool {
        index >= 0 && index < scalars.count && Self.isAlphanumeric(scalars[index])
    }

    /// Whether `index` is past the end or at white space.
    func isSpaceOrEnd(_ index: Int) -> Bool {
        index >= scalars.count || Self.isWhitespace(scalars[index])
    }

    /// Letters (of any script); ASCII is answered without looking up Unicode properties.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) }
        return scalar.properties.isAlphabetic
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || isLetter(scalar)
    }

    /// The scalar the detectors see instead of `scalar`, or nil to drop it.
    static func normalise(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        switch value {
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD:
            return nil  // zero-width characters and the soft hyphen
        case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            return " "
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63:
            return "-"
        case 0x2018, 0x2019, 0x02BC:
            return "'"
        case 0xFF01...0xFF5E:
            return Unicode.Scalar(value - 0xFEE0)  // full-width ASCII
        default:
            if value >= 0x80, scalar.properties.numericType == .decimal,
                let digit = scalar.properties.numericValue, let ascii = Unicode.Scalar(48 + UInt32(digit))
            {
                return ascii
            }
            return scalar
        }
    }

    /// Words, digit runs and marks. Apostrophes and hyphens only separate words ("c'est" → "c", "est";
    /// "pin-code" → "pin", "code"); a line break is a mark, because it ends a clause.
    static func tokenize(_ scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isDigit(scalar) {
                let start = index
                while index < scalars.count && isDigit(scalars[index]) { index += 1 }
                let digits = String(String.UnicodeScalarView(scalars[start..<index]))
                tokens.append(Token(kind: .digits, text: digits, range: start..<index))
            } else if isLetter(scalar) {
                let start = index
                while index < scalars.count && isLetter(scalars[index]) && !isDigit(scalars[index]) {
                    index += 1
                }
                let word = TextFolding.fold(scalars: scalars[start..<index])
                tokens.append(Token(kind: .word, text: word, range: start..<index))
            } else if scalar == "\n" || scalar == "\r" {
                tokens.append(Token(kind: .mark, text: "\n", range: index..<index + 1))
                index += 1
            } else if isWhitespace(scalar) || scalar == "'" || scalar == "-" {
                index += 1
            } else {
                tokens.append(Token(kind: .mark, text: String(scalar), range: index..<index + 1))
                index += 1
            }
        }
        return tokens
    }
}
