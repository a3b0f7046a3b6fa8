/// Wraps lines of text to a terminal's width, counting what the terminal shows rather than bytes or scalars.
public struct TextWrapper: Sendable, Hashable {
    /// The most columns a wrapped line may take.
    public var width: Int

    /// Creates a wrapper for `width` columns (at least 20, so a word and its indent always fit).
    public init(width: Int) {
        self.width = max(20, width)
    }

    /// Wraps one line of text; continuation lines are indented to the text after a list marker.
    ///
    /// `"  2. Open the app"` continues under `Open`, `"- item"` under `item`; a line with leading spaces
    /// continues at the same indent.
    public func wrap(_ line: String) -> [String] {
        guard Self.columns(line) > width else { return [line] }
        let indent = String(repeating: " ", count: min(Self.hangingIndent(line), width / 2))
        var lines: [String] = []
        var current = ""
        var currentColumns = 0
        let leading = line.prefix(while: { $0 == " " })
        var words = Self.words(line.dropFirst(leading.count))
        if !words.isEmpty { words[0] = String(leading) + words[0] }
        for word in words {
            let wordColumns = Self.columns(word)
            if currentColumns > 0 && currentColumns + 1 + wordColumns <= width {
                current += " " + word
                currentColumns += 1 + wordColumns
                continue
            }
            if currentColumns > 0 {
                lines.append(current)
                current = indent
                currentColumns = indent.count
            }
            var rest = Substring(word)
            while currentColumns + Self.columns(rest) > width {
                // A word wider than the line (a long web address): cut it where the line ends.
                var piece = ""
                var pieceColumns = 0
                for character in rest {
                    let columns = Self.columns(character)
                    if currentColumns + pieceColumns + columns > width { break }
                    piece.append(character)
                    pieceColumns += columns
                }
                if piece.isEmpty, let first = rest.first { piece = String(first) }
                lines.append(current + piece)
                rest = rest.dropFirst(piece.count)
                current = indent
                currentColumns = indent.count
            }
            current += rest
            currentColumns += Self.columns(rest)
        }
        if !current.trimmingSpaces().isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// The words of `text`, keeping French spaced punctuation (`ligne ?`, `« humain »`) with its word.
    static func words(_ text: Substring) -> [String] {
        var words: [String] = []
        var openQuote = false
        for word in text.split(separator: " ") {
            if let last = words.last, openQuote {
                words[words.count - 1] = last + " " + word
                openQuote = false
            } else if let last = words.last, ["?", "!", ":", ";", "»"].contains(word) {
                words[words.count - 1] = last + " " + word
            } else {
                words.append(String(word))
            }
            openQuote = word == "«"
        }
        return words
    }

    /// The columns a terminal uses to show `text`: wide characters (emoji, CJK) take two, marks none.
    public static func columns(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + columns($1) }
    }

    /// The columns a terminal uses to show one character.
    public static func columns(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        if character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) {
            return 2
        }
        return isWide(first.value) ? 2 : 1
    }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }

    /// Where continuation lines start: after leading spaces and a list marker (`- `, `12. `).
    static func hangingIndent(_ line: String) -> Int {
        let leading = line.prefix(while: { $0 == " " }).count
        let rest = line.dropFirst(leading)
        if rest.hasPrefix("- ") { return leading + 2 }
        let digits = rest.prefix(while: \.isASCIIDigit)
        if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(". ") { return leading + digits.count + 2 }
        return leading
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol where SubSequence == Substring {
    func trimmingSpaces() -> Substring {
        let start = firstIndex(where: { $0 != " " }) ?? endIndex
        let end = lastIndex(where: { $0 != " " }).map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : self[endIndex..<endIndex]
    }
}
