/// A compiled word-order pattern: words, alternatives, optional parts, wildcards and concepts.
///
/// Syntax (docs/CONTENT.md): `word`, `(a | b c)` one of, `[a | b]` optional, `*` any number of words,
/// `@concept` any phrase of a concept. Stop words are dropped when compiling, and matching runs over the
/// question's non-stop words, so "how do I apply" and "apply" meet in the middle.
struct Pattern: Sendable {
    indirect enum Element: Sendable {
        /// One stem.
        case word(String)
        /// One of several sequences.
        case choice([[Element]], optional: Bool)
        /// Any number of words.
        case wildcard
    }

    let elements: [Element]
    let source: String

    /// A syntax error with the column where it was found.
    struct SyntaxError: Error, Sendable {
        let message: String
    }

    /// Parses `source`; `stem` turns one word into its stem or nil for a stop word; `concept` gives a concept's
    /// phrases as stem sequences.
    static func compile(
        _ source: String, stem: @escaping (String) -> [String], concept: @escaping (String) -> [[String]]?
    ) throws(SyntaxError) -> Pattern {
        var parser = Parser(scalars: Array(source.unicodeScalars), stem: stem, concept: concept)
        let elements = try parser.sequence(until: Unicode.Scalar?.none)
        let meaningful = elements.contains { element in
            if case .wildcard = element { return false }
            if case .choice(_, let optional) = element, optional { return false }
            return true
        }
        guard meaningful else {
            throw SyntaxError(message: "this pattern has no required word (small words are ignored); add one")
        }
        return Pattern(elements: elements, source: source)
    }

    /// The range of `stems` the pattern covers, if it matches; `whole` demands it cover everything.
    func match(_ stems: [String], whole: Bool) -> Range<Int>? {
        let starts = whole ? 0...0 : 0...stems.count
        for start in starts {
            if let end = Self.match(elements[...], stems, start, whole: whole) {
                return start..<end
            }
        }
        return nil
    }

    /// Tries to match `elements` from `position`; returns the end position of the first match found.
    private static func match(_ elements: ArraySlice<Element>, _ stems: [String], _ position: Int, whole: Bool) -> Int? {
        guard let first = elements.first else {
            return !whole || position == stems.count ? position : nil
        }
        let rest = elements.dropFirst()
        switch first {
        case .word(let stem):
            guard position < stems.count, stems[position] == stem else { return nil }
            return match(rest, stems, position + 1, whole: whole)
        case .wildcard:
            for next in position...stems.count {
                if let end = match(rest, stems, next, whole: whole) { return end }
            }
            return nil
        case .choice(let options, let optional):
            for option in options {
                if let end = match(ArraySlice(option) + rest, stems, position, whole: whole) { return end }
            }
            return optional ? match(rest, stems, position, whole: whole) : nil
        }
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        let stem: (String) -> [String]
        let concept: (String) -> [[String]]?
        var index = 0

        init(scalars: [Unicode.Scalar], stem: @escaping (String) -> [String], concept: @escaping (String) -> [[String]]?) {
            self.scalars = scalars
            self.stem = stem
            self.concept = concept
        }

        mutating func sequence(until closer: Unicode.Scalar?) throws(SyntaxError) -> [Element] {
            var elements: [Element] = []
            while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case " ", "\t":
                    index += 1
                case "*":
                    index += 1
                    elements.append(.wildcard)
                case "(", "[":
                    index += 1
                    let close: Unicode.Scalar = scalar == "(" ? ")" : "]"
                    let options = try alternatives(until: close)
                    if scalar == "(" && options.contains(where: \.isEmpty) {
                        throw SyntaxError(
                            message: "a choice in ( ) has an option made only of small words, which are ignored; "
                                + "use [ ] if it is optional, or another word")
                    }
                    elements.append(.choice(options, optional: scalar == "["))
                case ")", "]", "|":
                    if scalar == closer || (scalar == "|" && closer != nil) { return elements }
                    throw SyntaxError(message: "unexpected '\(scalar)'; check that brackets are paired")
                case "@":
                    index += 1
                    let name = word()
                    guard let phrases = concept(name) else {
                        throw SyntaxError(message: "unknown concept '@\(name)'")
                    }
                    let options = phrases.filter { !$0.isEmpty }.map { $0.map(Element.word) }
                    elements.append(.choice(options, optional: false))
                default:
                    let text = word()
                    guard !text.isEmpty else {
                        index += 1
                        continue
                    }
                    elements += stem(text).map(Element.word)
                }
            }
            if let closer { throw SyntaxError(message: "missing '\(closer)'") }
            return elements
        }

        mutating func alternatives(until close: Unicode.Scalar) throws(SyntaxError) -> [[Element]] {
            var options: [[Element]] = []
            while true {
                let option = try sequence(until: close)
                options.append(option)
                guard index < scalars.count else { throw SyntaxError(message: "missing '\(close)'") }
                let separator = scalars[index]
                index += 1
                if separator == close { return options }
                if separator != "|" { throw SyntaxError(message: "expected '|' or '\(close)'") }
            }
        }

        mutating func word() -> String {
            var text = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                if " \t*()[]|@".unicodeScalars.contains(scalar) { break }
                text.append(scalar)
                index += 1
            }
            return String(text)
        }
    }
}
