/// A compiled word-order pattern: words, alternatives, optional parts, wildcards and concepts.
///
/// Syntax (docs/CONTENT.md): `word`, `(a | b c)` one of, `[a | b]` optional, `*` any number of words,
/// `@concept` any phrase of a concept, `+word` a small word that must be there. Stop words are dropped when
/// compiling, and matching runs over the question's non-stop words, so "how do I apply" and "apply" meet in the
/// middle; a pattern with a `+word` is compiled with its small words and matched against the question's
/// (`readsSmallWords`).
final class Pattern: Sendable {
    /// The parsed form, used while compiling.
    enum Element: Sendable {
        /// One stem, by its id in the language model's stem table.
        case word(Int32)
        /// One of several sequences.
        case choice([[Element]], optional: Bool)
        /// Any number of words.
        case wildcard
        /// One of several single words (the common case of a choice or a concept), matched without recursion.
        case anyWord([Int32], optional: Bool)
    }

    /// One step of the flat program a pattern is compiled into: plain values in three arrays, so matching
    /// walks integers without touching reference counts.
    struct Step: Sendable {
        enum Kind: UInt8, Sendable { case word, anyWord, wildcard, choice }
        let kind: Kind
        let optional: Bool
        /// For `word` and `anyWord`: the range in `words`; for `choice`: the range in `branches`.
        let lower: Int32
        let upper: Int32
    }

    /// One option of a choice: its first word when that is a plain word (-1 otherwise), and the rest of its
    /// steps as a range in `steps`. Most options (a concept's phrases) start with a word the question lacks: that
    /// word is tested from here, without reading the option's steps.
    struct Branch: Sendable {
        let firstWord: Int32
        let lower: Int32
        let upper: Int32
    }

    let source: String
    private let steps: [Step]
    private let words: [Int32]
    private let branches: [Branch]
    /// The top-level sequence, as a range in `steps`.
    private let top: Range<Int32>
    /// For every top-level step that must match one word: the range in `words` of the stems that can fill it.
    /// A question lacking all stems of one such step cannot match: the rule index files the pattern under the
    /// first such step and checks the others before matching (`requiredWords`).
    private let required: [Range<Int32>]

    /// The stems of each required top-level step (see `required`).
    var requiredWords: [[Int32]] {
        required.map { Array(words[Int($0.lowerBound)..<Int($0.upperBound)]) }
    }

    /// The stems a question must contain one of for the pattern to match: those of its first required step, or
    /// all its stems (every stem the pattern mentions is in `words`) when no single step is required.
    var anchorIDs: [Int32] {
        guard let first = required.first else { return Set(words).sorted() }
        return Array(words[Int(first.lowerBound)..<Int(first.upperBound)])
    }

    init(elements: [Element], source: String) {
        var steps: [Step] = []
        var words: [Int32] = []
        var branches: [Range<Int32>] = []
        // Steps of one sequence are contiguous; the sequences of a choice's options are laid out after it.
        func emit(_ sequence: [Element]) -> Range<Int32> {
            let first = steps.count
            var pending: [(index: Int, options: [[Element]])] = []
            for element in sequence {
                switch element {
                case .word(let id):
                    words.append(id)
                    steps.append(
                        Step(kind: .word, optional: false, lower: Int32(words.count - 1), upper: Int32(words.count)))
                case .anyWord(let options, let optional):
                    let lower = Int32(words.count)
                    words += options
                    steps.append(Step(kind: .anyWord, optional: optional, lower: lower, upper: Int32(words.count)))
                case .wildcard:
                    steps.append(Step(kind: .wildcard, optional: false, lower: 0, upper: 0))
                case .choice(let options, let optional):
                    pending.append((steps.count, options))
                    steps.append(Step(kind: .choice, optional: optional, lower: 0, upper: 0))
                }
            }
            let range = Int32(first)..<Int32(steps.count)
            for (index, options) in pending {
                let lower = Int32(branches.count)
                // Appended one by one: a new array of ranges costs a generic metadata lookup each time.
                for _ in options { branches.append(0..<0) }
                for (offset, option) in options.enumerated() { branches[Int(lower) + offset] = emit(option) }
                steps[index] = Step(
                    kind: .choice, optional: steps[index].optional, lower: lower, upper: lower + Int32(options.count))
            }
            return range
        }
        let top = emit(elements)
        self.source = source
        // Patterns are kept for the life of the process: their arrays without the room left by appending.
        self.steps = steps.compacted()
        self.words = words.compacted()
        self.branches = branches.map { range in
            if let first = range.first, steps[Int(first)].kind == .word {
                return Branch(
                    firstWord: words[Int(steps[Int(first)].lower)], lower: first + 1, upper: range.upperBound)
            }
            return Branch(firstWord: -1, lower: range.lowerBound, upper: range.upperBound)
        }.compacted()
        self.top = top
        self.required = top.compactMap { index in
            let step = steps[Int(index)]
            guard !step.optional, step.kind == .word || step.kind == .anyWord else { return nil }
            return step.lower..<step.upper
        }.compacted()
    }

    /// A syntax error with the column where it was found.
    struct SyntaxError: Error, Sendable {
        let message: String
    }

    /// True when a word of `source` is marked with `+` ("+hoeveel * terugbetaald"): the pattern is then matched
    /// against the question with its small words (only articles and "please" left out), as whole-message patterns
    /// are, so "how much" and "combien" can tell a question about an amount from one about a refund.
    static func readsSmallWords(_ source: String) -> Bool {
        var source = source
        return source.withUTF8 { bytes in
            var previous = UInt8(ascii: " ")
            for byte in bytes {
                if previous == UInt8(ascii: "+") && !Parser.isSyntax(byte) && byte != UInt8(ascii: "+") { return true }
                previous = byte
            }
            return false
        }
    }

    /// Parses `source`; `stem` turns one word into its stem or nil for a stop word; `concept` gives a concept's
    /// phrases as stem sequences.
    static func compile(
        _ source: String, stem: @escaping (String) -> [Int32], concept: @escaping (String) -> [[Int32]]?
    ) throws(SyntaxError) -> Pattern {
        var parser = Parser(source: source, stem: stem, concept: concept)
        let elements = try parser.sequence(until: nil)
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
    /// occurs one step on, a wildcard opens every later position, a choice unites its options. Each step is
    /// visited once, so a pattern costs a few dozen bit operations, with no backtracking and no allocation.
    /// Unanchored patterns may start and end anywhere; `whole` demands they start at 0 and end at `count`.
    /// Whether the pattern matches the question (anywhere in it, or over all of it when `whole`). A question
    /// lacking a required step's stems gets 0 from that step; `RuleIndex` rules such patterns out before calling.
    func matches(_ occurrences: Occurrences, whole: Bool) -> Bool {
        let start: UInt64 = whole ? 1 : occurrences.allPositions
        let ends = advance(top, from: start, occurrences)
        return whole ? ends & (1 << UInt64(occurrences.count)) != 0 : ends != 0
    }

    private func advance(_ range: Range<Int32>, from positions: UInt64, _ occurrences: Occurrences) -> UInt64 {
        var current = positions
        for index in range {
            if current == 0 { return 0 }
            let step = steps[Int(index)]
            switch step.kind {
            case .word:
                current = (current & occurrences.positions(of: words[Int(step.lower)])) << 1
            case .wildcard:
                // Every position from the first reachable one up to the end.
                let lowest = current & (~current &+ 1)
                current = ~(lowest &- 1) & occurrences.allPositions
            case .anyWord:
                var found: UInt64 = 0
                for word in step.lower..<step.upper { found |= occurrences.positions(of: words[Int(word)]) }
                current = (step.optional ? current : 0) | ((current & found) << 1)
            case .choice:
                var next: UInt64 = step.optional ? current : 0
                for index in step.lower..<step.upper {
                    let branch = branches[Int(index)]
                    var reached = current
                    // Only an option that gets past its first word is followed further.
                    if branch.firstWord >= 0 {
                        reached = (current & occurrences.positions(of: branch.firstWord)) << 1
                        if reached == 0 { continue }
                    }
                    next |=
                        branch.lower == branch.upper
                        ? reached : advance(branch.lower..<branch.upper, from: reached, occurrences)
                }
                current = next
            }
        }
        return current
    }

    private struct Parser {
        /// The pattern's UTF-8: its syntax is ASCII, and a byte of a multi-byte letter is never one of its signs.
        let bytes: [UInt8]
        let stem: (String) -> [Int32]
        let concept: (String) -> [[Int32]]?
        var index = 0
        /// How many brackets are open where the parser is.
        var depth = 0
        /// The deepest bracket nesting read: patterns need two or three levels, and a pasted `((((...` thousands
        /// deep would overflow the stack of the thread compiling it (parsing, compiling and matching recurse).
        static let maximumDepth = 32

        init(source: String, stem: @escaping (String) -> [Int32], concept: @escaping (String) -> [[Int32]]?) {
            self.bytes = Array(source.utf8)
            self.stem = stem
            self.concept = concept
        }

        mutating func sequence(until closer: UInt8?) throws(SyntaxError) -> [Element] {
            var elements: [Element] = []
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    index += 1
                case UInt8(ascii: "*"):
                    index += 1
                    elements.append(.wildcard)
                case UInt8(ascii: "("), UInt8(ascii: "["):
                    index += 1
                    depth += 1
                    guard depth <= Self.maximumDepth else {
                        throw SyntaxError(message: "brackets nested more than \(Self.maximumDepth) deep")
                    }
                    let close = byte == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                    let options = try alternatives(until: close)
                    depth -= 1
                    if byte == UInt8(ascii: "(") && options.contains(where: \.isEmpty) {
                        throw SyntaxError(
                            message: "a choice in ( ) has an option made only of small words, which are ignored; "
                                + "use [ ] if it is optional, or another word")
                    }
                    elements.append(.choice(options, optional: byte == UInt8(ascii: "[")))
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "|"):
                    if byte == closer || (byte == UInt8(ascii: "|") && closer != nil) { return elements }
                    throw SyntaxError(message: "unexpected '\(Self.shown(byte))'; check that brackets are paired")
                case UInt8(ascii: "+"):
                    // `+word`: the word counts even when it is a small word (see `readsSmallWords`).
                    index += 1
                    guard index < bytes.count, !Self.isSyntax(bytes[index]), bytes[index] != UInt8(ascii: "+") else {
                        throw SyntaxError(message: "write '+' right before a small word that must be there: +hoeveel")
                    }
                case UInt8(ascii: "@"):
                    index += 1
                    let name = word()
                    guard let phrases = concept(name) else {
                        throw SyntaxError(message: "unknown concept '@\(name)'")
                    }
                    // Most concepts are single words: one step matching any of them, which is what `simplified`
                    // makes of their choice, without building the choice first.
                    if phrases.allSatisfy({ $0.count <= 1 }) {
                        elements.append(.anyWord(phrases.flatMap { $0 }, optional: false))
                    } else {
                        let options = phrases.filter { !$0.isEmpty }.map { $0.map(Element.word) }
                        elements.append(.choice(options, optional: false))
                    }
                default:
                    let text = word()
                    guard !text.isEmpty else {
                        index += 1
                        continue
                    }
                    elements += stem(text).map(Element.word)
                }
            }
            if let closer { throw SyntaxError(message: "missing '\(Self.shown(closer))'") }
            return elements
        }

        mutating func alternatives(until close: UInt8) throws(SyntaxError) -> [[Element]] {
            var options: [[Element]] = []
            while true {
                let option = try sequence(until: close)
                options.append(option)
                guard index < bytes.count else { throw SyntaxError(message: "missing '\(Self.shown(close))'") }
                let separator = bytes[index]
                index += 1
                if separator == close { return options }
                if separator != UInt8(ascii: "|") {
                    throw SyntaxError(message: "expected '|' or '\(Self.shown(close))'")
                }
            }
        }

        /// The word from here to the next sign or blank.
        mutating func word() -> String {
            let start = index
            while index < bytes.count && !Self.isSyntax(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// An ASCII sign as text, for a message.
        static func shown(_ byte: UInt8) -> Character { Character(Unicode.Scalar(byte)) }

        /// True for the bytes that end a word: blanks and the pattern syntax ` \t*()[]|@`.
        static func isSyntax(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "|"), UInt8(ascii: "@"):
                true
            default: false
            }
        }
    }
}

/// Where each known stem occurs in a question, as bits (position p is bit p), for patterns and phrases.
///
/// A question has a handful of distinct stems, so they are kept in a short list searched from the front, behind a
/// 256-bit filter of the ids present: most lookups are for stems the question lacks, and one test answers them.
/// Cheaper than a table as large as the content's stems, which would be allocated and cleared for every question.
struct Occurrences {
    /// How many words the question has (at most 63 are looked at).
    let count: Int
    /// Bits 0...count: every position a match may start or end at.
    let allPositions: UInt64
    private var ids: [Int32] = []
    private var bits: [UInt64] = []
    /// Bit `id & 255` is set for every id present.
    private var filter = SIMD4<UInt64>()

    /// Builds the table from the stem ids of the question's words (-1 for a stem no rule uses).
    init(ids source: [Int32]) {
        let count = min(source.count, 63)
        self.count = count
        self.allPositions = count == 63 ? UInt64.max : (1 << UInt64(count + 1)) - 1
        ids.reserveCapacity(count)
        bits.reserveCapacity(count)
        for (position, id) in source.prefix(count).enumerated() where id >= 0 {
            let bit: UInt64 = 1 << UInt64(position)
            filter[Int(id >> 6) & 3] |= 1 << UInt64(id & 63)
            if let slot = ids.firstIndex(of: id) {
                bits[slot] |= bit
            } else {
                ids.append(id)
                bits.append(bit)
            }
        }
    }

    /// The stem ids present, each once.
    var presentIDs: [Int32] { ids }

    /// Whether the question has a word with stem `id`.
    func has(_ id: Int32) -> Bool {
        positions(of: id) != 0
    }

    func positions(of id: Int32) -> UInt64 {
        guard id >= 0, filter[Int(id >> 6) & 3] & (1 << UInt64(id & 63)) != 0 else { return 0 }
        for slot in ids.indices where ids[slot] == id { return bits[slot] }
        return 0
    }

    /// True when the stems `words[range]` occur as consecutive words.
    func contains(_ words: [Int32], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        var positions = positions(of: words[range.lowerBound])
        var index = range.lowerBound + 1
        while index < range.upperBound && positions != 0 {
            positions = (positions << 1) & self.positions(of: words[index])
            index += 1
        }
        return positions != 0
    }
}
