/// A compiled word-order pattern: words, alternatives, optional parts, wildcards and concepts.
///
/// Syntax (docs/CONTENT.md): `word`, `(a | b c)` one of, `[a | b]` optional, `*` any number of words,
/// `@concept` any phrase of a concept. Stop words are dropped when compiling, and matching runs over the
/// question's non-stop words, so "how do I apply" and "apply" meet in the middle.
struct Pattern: Sendable {
    indirect enum Element: Sendable {
        /// One stem, by its id in the language model's stem table.
        case word(Int32)
        /// One of several sequences.
        case choice([[Element]], optional: Bool)
        /// Any number of words.
        case wildcard
        /// One of several single words (the common case of a choice or a concept), matched without recursion.
        case anyWord([Int32], optional: Bool)
    }

    let elements: [Element]
    let source: String

    /// Every stem id the pattern mentions: a question with none of them cannot match.
    var stemIDs: Set<Int32> {
        var ids = Set<Int32>()
        func walk(_ elements: [Element]) {
            for element in elements {
                switch element {
                case .word(let id): ids.insert(id)
                case .anyWord(let words, _): ids.formUnion(words)
                case .choice(let options, _): options.forEach(walk)
                case .wildcard: break
                }
            }
        }
        walk(elements)
        return ids
    }

    /// A syntax error with the column where it was found.
    struct SyntaxError: Error, Sendable {
        let message: String
    }

    /// Parses `source`; `stem` turns one word into its stem or nil for a stop word; `concept` gives a concept's
    /// phrases as stem sequences.
    static func compile(
        _ source: String, stem: @escaping (String) -> [Int32], concept: @escaping (String) -> [[Int32]]?
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
        return Pattern(elements: elements.map(simplified), source: source)
    }

    /// Turns a choice between single words into `anyWord`, recursively.
    static func simplified(_ element: Element) -> Element {
        guard case .choice(let options, let optional) = element else { return element }
        var words: [Int32] = []
        for option in options {
            guard option.count == 1, case .word(let id) = option[0] else {
                return .choice(options.map { $0.map(simplified) }, optional: optional)
            }
            words.append(id)
        }
        return .anyWord(words, optional: optional)
    }

    /// True when the pattern matches a question whose words are described by `occurrences`.
    ///
    /// Matching runs on sets of positions held as bits (at most 63 words): a word moves every position where it
    /// occurs one step on, a wildcard opens every later position, a choice unites its options. Each element is
    /// visited once, so a pattern costs a few dozen bit operations, with no backtracking and no allocation.
    /// Unanchored patterns may start and end anywhere; `whole` demands they start at 0 and end at `count`.
    func matches(_ occurrences: Occurrences, whole: Bool) -> Bool {
        let start: UInt64 = whole ? 1 : occurrences.allPositions
        let ends = Self.advance(elements[...], from: start, occurrences)
        return whole ? ends & (1 << UInt64(occurrences.count)) != 0 : ends != 0
    }

    private static func advance(_ elements: ArraySlice<Element>, from positions: UInt64, _ occurrences: Occurrences)
        -> UInt64
    {
        var current = positions
        for element in elements {
            if current == 0 { return 0 }
            switch element {
            case .word(let id):
                current = (current & occurrences.positions(of: id)) << 1
            case .wildcard:
                // Every position from the first reachable one up to the end.
                let lowest = current & (~current &+ 1)
                current = ~(lowest &- 1) & occurrences.allPositions
            case .anyWord(let words, let optional):
                var found: UInt64 = 0
                for id in words { found |= occurrences.positions(of: id) }
                current = (optional ? current : 0) | ((current & found) << 1)
            case .choice(let options, let optional):
                var next: UInt64 = optional ? current : 0
                for option in options { next |= advance(option[...], from: current, occurrences) }
                current = next
            }
        }
        return current
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        let stem: (String) -> [Int32]
        let concept: (String) -> [[Int32]]?
        var index = 0

        init(scalars: [Unicode.Scalar], stem: @escaping (String) -> [Int32], concept: @escaping (String) -> [[Int32]]?)
        {
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

/// Where each known stem occurs in a question, as bits (position p is bit p), for patterns and phrases.
struct Occurrences {
    /// How many words the question has (at most 63 are looked at).
    let count: Int
    /// Bits 0...count: every position a match may start or end at.
    let allPositions: UInt64
    private let table: [UInt64]

    /// Builds the table from the stem ids of the question's words (-1 for a stem no rule uses).
    init(ids: [Int32], tableSize: Int) {
        let count = min(ids.count, 63)
        var table = [UInt64](repeating: 0, count: tableSize)
        for (position, id) in ids.prefix(count).enumerated() where id >= 0 {
            table[Int(id)] |= 1 << UInt64(position)
        }
        self.count = count
        self.allPositions = count == 63 ? UInt64.max : (1 << UInt64(count + 1)) - 1
        self.table = table
    }

    func positions(of id: Int32) -> UInt64 {
        table[Int(id)]
    }

    /// True when `phrase` (stem ids) occurs as consecutive words.
    func contains(_ phrase: [Int32]) -> Bool {
        guard let first = phrase.first else { return false }
        var positions = positions(of: first)
        for id in phrase.dropFirst() where positions != 0 {
            positions = (positions << 1) & self.positions(of: id)
        }
        return positions != 0
    }
}
