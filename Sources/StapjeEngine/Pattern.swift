/// A compiled word-order pattern: words, alternatives, optional parts, wildcards and concepts.
///
/// Syntax (docs/CONTENT.md): `word`, `(a | b c)` one of, `[a | b]` optional, `*` any number of words,
/// `@concept` any phrase of a concept, `+word` a small word that must be there. Stop words are dropped when
/// compiling, and matching runs over the question's non-stop words, so "how do I apply" and "apply" meet in the
/// middle; a pattern with a `+word` is compiled with its small words and matched against the question's
/// (`readsSmallWords`).
final class Pattern: Sendable {
    /// One step of the program a pattern is compiled into.
    struct Step: Sendable {
        enum Kind: Int32, Sendable { case word, anyWord, wildcard, choice }
        let kind: Kind
        let optional: Bool
        /// For `word` and `anyWord`: the range in the words; for `choice`: the range in the branches.
        let lower: Int32
        let upper: Int32

        /// A top-level step that must match one word (`Code`'s required steps).
        var isRequired: Bool { !optional && (kind == .word || kind == .anyWord) }
    }

    let source: String
    /// The whole program in one block of integers (see `Code`): matching a pattern reads one or two cache lines,
    /// where an object with an array each for steps, words and branches cost a memory access for each. The rule
    /// index copies every pattern's block into one array, side by side.
    let code: [Int32]

    /// The layout of a pattern's block, from its start `o`:
    /// - `o + 0...4`: how many steps, branches and required steps; the top-level sequence as a range of steps;
    /// - `o + 5`: the most words the pattern can cover, or -1 when a `*` makes it any number (`longest`);
    /// - then for each required step (a top-level step that must match one word, or a top-level choice each of
    ///   whose options needs one of some words) its range of words, two each: a question lacking all stems of one
    ///   such step cannot match (`mayMatch`); a choice's stems are written after the pattern's words;
    /// - then the steps (three each: kind + 4 if optional, lower, upper), the branches (three each: first word,
    ///   lower, upper) and the words (stem ids). Ranges count steps, branches and words from their own start.
    ///   A branch is one option of a choice: its first word when that is a plain word (-1 otherwise) and the rest
    ///   of its steps; most options (a concept's phrases) start with a word the question lacks, which is tested
    ///   from the branch without reading the option's steps.
    enum Code {
        static let header = 6

        /// The most words the block at `code` can cover, or -1 when a wildcard makes it any number.
        @inline(__always)
        static func longest(_ code: UnsafePointer<Int32>) -> Int32 { code[5] }

        /// Where the steps, branches and words of the block at `code` start, from its start.
        @inline(__always)
        static func bases(_ code: UnsafePointer<Int32>) -> (steps: Int, branches: Int, words: Int) {
            let steps = header + 2 * Int(code[2])
            let branches = steps + 3 * Int(code[0])
            return (steps, branches, branches + 3 * Int(code[1]))
        }

        /// How many required steps the block at `code` has.
        @inline(__always)
        static func requiredCount(_ code: UnsafePointer<Int32>) -> Int { Int(code[2]) }

        /// The words of required step `step` of the block at `code`, as a range from the start of its words.
        @inline(__always)
        static func required(_ step: Int, _ code: UnsafePointer<Int32>) -> Range<Int> {
            Int(code[header + 2 * step])..<Int(code[header + 2 * step + 1])
        }
    }

    /// The stems of each required top-level step, in order.
    var requiredWords: [[Int32]] {
        var steps: [[Int32]] = []
        forEachRequiredStep { steps.append(Array($0)) }
        return steps
    }

    /// Calls `body` with the stems of each required top-level step, in order, read in place (no arrays made: the
    /// rule index reads every pattern's steps while it is built).
    func forEachRequiredStep(_ body: (UnsafeBufferPointer<Int32>) -> Void) {
        code.withUnsafeBufferPointer { buffer in
            let code = buffer.baseAddress!
            let words = UnsafeBufferPointer(rebasing: buffer[Code.bases(code).words...])
            for step in 0..<Code.requiredCount(code) {
                body(UnsafeBufferPointer(rebasing: words[Code.required(step, code)]))
            }
        }
    }

    /// The stems a question must contain one of for the pattern to match: those of its first required step, or
    /// all its stems (every stem the pattern mentions is in its words) when no single step is required.
    var anchorIDs: [Int32] {
        if let first = requiredWords.first { return first }
        return code.withUnsafeBufferPointer { buffer in
            Set(buffer[Code.bases(buffer.baseAddress!).words...]).sorted()
        }
    }

    init(code: [Int32], source: String) {
        self.code = code
        self.source = source
    }

    /// A syntax error with the column where it was found.
    struct SyntaxError: Error, Sendable {
        let message: String
    }

    /// True for the bytes that end a word of a pattern: blanks and the pattern syntax ` \t*()[]|@` (also where a
    /// concept's name `@name` ends, for `ContentWords`).
    static func isSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "|"), UInt8(ascii: "@"):
            true
        default: false
        }
    }

    /// True when a word of `source` is marked with `+` ("+hoeveel * terugbetaald"): the pattern is then matched
    /// against the question with its small words (only articles and "please" left out), as whole-message patterns
    /// are, so "how much" and "combien" can tell a question about an amount from one about a refund.
    static func readsSmallWords(_ source: String) -> Bool {
        var source = source
        return source.withUTF8 { bytes in
            var previous = UInt8(ascii: " ")
            for byte in bytes {
                if previous == UInt8(ascii: "+") && !Pattern.isSyntax(byte) && byte != UInt8(ascii: "+") { return true }
                previous = byte
            }
            return false
        }
    }

    /// Parses and compiles `source`; `stem` turns one word into its stems (none for a small word), `concept` gives a
    /// concept's phrases as stem sequences. One pattern at a time; a compiler (`Compiler`) keeps its working lists
    /// for the next.
    static func compile(
        _ source: String, stem: (String) -> [Int32], concept: (String) -> [[Int32]]?
    ) throws(SyntaxError) -> Pattern {
        var compiler = Compiler()
        return try compiler.compile(
            source, stem: { stem(String(decoding: $0, as: UTF8.self)) }, concept: concept)
    }

    /// True when the pattern matches a question whose words are described by `occurrences`.
    ///
    /// Matching runs on sets of positions held as bits (at most 63 words): a word moves every position where it
    /// occurs one step on, a wildcard opens every later position, a choice unites its options. Each step is
    /// visited once, so a pattern costs a few dozen bit operations, with no backtracking and no allocation.
    /// Unanchored patterns may start and end anywhere; `whole` demands they start at 0 and end at `count`. A question
    /// lacking a required step's stems gets 0 from that step; `RuleIndex` rules such patterns out before calling.
    func matches(_ occurrences: Occurrences, whole: Bool) -> Bool {
        code.withUnsafeBufferPointer { Self.matches($0.baseAddress!, occurrences, whole: whole) }
    }

    /// The same for the block at `code` (a pattern's `code`, or its copy in the rule index).
    static func matches(_ code: UnsafePointer<Int32>, _ occurrences: Occurrences, whole: Bool) -> Bool {
        let start: UInt64 = whole ? 1 : occurrences.allPositions
        let ends = advance(code, Code.bases(code), code[3]..<code[4], from: start, occurrences)
        return whole ? ends & (1 << UInt64(occurrences.count)) != 0 : ends != 0
    }

    /// True when the block at `code` matches one or more clauses of a message exactly, from the start of a clause
    /// to the end of one ("merci" in "merci, ça marche"); the whole message is such a run of clauses too.
    static func matchesClause(_ code: UnsafePointer<Int32>, _ occurrences: Occurrences) -> Bool {
        let ends = advance(code, Code.bases(code), code[3]..<code[4], from: occurrences.clauseStarts, occurrences)
        return ends & occurrences.clauseEnds != 0
    }

    /// For a block that `matchesClause`: true when every run of clauses it covers leaves out a clause that asks
    /// something ("merci" in "merci, mais comment je l'imprime ?"): the message is then a question with a word of
    /// thanks, not thanks.
    static func leavesAQuestion(_ code: UnsafePointer<Int32>, _ occurrences: Occurrences) -> Bool {
        guard occurrences.questionStarts != 0 else { return false }
        var starts = occurrences.clauseStarts
        while starts != 0 {
            let start = starts.trailingZeroBitCount
            starts &= starts &- 1
            let ends =
                advance(code, Code.bases(code), code[3]..<code[4], from: 1 << UInt64(start), occurrences)
                & occurrences.clauseEnds
            guard ends != 0 else { continue }
            // The clauses from `start` up to the last end reached: a question outside them is left out.
            let end = 63 - ends.leadingZeroBitCount
            let covered = (end >= 63 ? UInt64.max : (1 << UInt64(end)) - 1) & ~((1 << UInt64(start)) - 1)
            if occurrences.questionStarts & ~covered == 0 { return false }
        }
        return true
    }

    /// False when the question lacks every stem of one of the required steps of the block at `code`.
    static func mayMatch(_ code: UnsafePointer<Int32>, _ occurrences: Occurrences) -> Bool {
        let words = code + Code.bases(code).words
        for step in 0..<Code.requiredCount(code) {
            var present = false
            for index in Code.required(step, code) where occurrences.has(words[index]) {
                present = true
                break
            }
            if !present { return false }
        }
        return true
    }

    private static func advance(
        _ code: UnsafePointer<Int32>, _ bases: (steps: Int, branches: Int, words: Int), _ range: Range<Int32>,
        from positions: UInt64, _ occurrences: Occurrences
    ) -> UInt64 {
        let steps = code + bases.steps
        let branches = code + bases.branches
        let words = code + bases.words
        var current = positions
        for index in range {
            if current == 0 { return 0 }
            let step = steps + 3 * Int(index)
            let kind = step[0] & 3
            let optional = step[0] & 4 != 0
            let lower = step[1]
            let upper = step[2]
            switch kind {
            case Step.Kind.word.rawValue:
                current = (current & occurrences.positions(of: words[Int(lower)])) << 1
            case Step.Kind.wildcard.rawValue:
                // Every position from the first reachable one up to the end.
                let lowest = current & (~current &+ 1)
                current = ~(lowest &- 1) & occurrences.allPositions
            case Step.Kind.anyWord.rawValue:
                var found: UInt64 = 0
                for word in lower..<upper { found |= occurrences.positions(of: words[Int(word)]) }
                current = (optional ? current : 0) | ((current & found) << 1)
            default:
                var next: UInt64 = optional ? current : 0
                for index in lower..<upper {
                    let branch = branches + 3 * Int(index)
                    var reached = current
                    // Only an option that gets past its first word is followed further.
                    if branch[0] >= 0 {
                        reached = (current & occurrences.positions(of: branch[0])) << 1
                        if reached == 0 { continue }
                    }
                    next |=
                        branch[1] == branch[2]
                        ? reached : advance(code, bases, branch[1]..<branch[2], from: reached, occurrences)
                }
                current = next
            }
        }
        return current
    }
}

/// Where each known stem occurs in a question, as bits (position p is bit p), for patterns and phrases.
///
/// A question has a handful of distinct stems, so they are kept in a short list searched from the front, behind a
/// filter of the ids present (two 64-bit words, one by the id's low six bits, one by the next six, both of which an
/// id must pass): most lookups are for stems the question lacks, and two tests answer them.
/// Cheaper than a table as large as the content's stems, which would be allocated and cleared for every question.
struct Occurrences {
    /// How many words the question has (at most 63 are looked at).
    let count: Int
    /// Bits 0...count: every position a match may start or end at.
    let allPositions: UInt64
    private var ids: [Int32] = []
    private var bits: [UInt64] = []
    /// Bit `id & 63` of `lowFilter` and bit `(id >> 6) & 63` of `highFilter` are set for every id present.
    private var lowFilter: UInt64 = 0
    private var highFilter: UInt64 = 0

    /// Bit 0 and the position of every word that starts a clause after the first ("merci, ça marche": bits 0
    /// and 1): where a whole-message pattern may match one part of a message.
    let clauseStarts: UInt64
    /// The clause starts of `clauseStarts` whose clause asks something ("merci, mais comment je l'imprime ?").
    let questionStarts: UInt64

    /// Where a clause ends: where the next one starts, and after the last word.
    var clauseEnds: UInt64 { (clauseStarts & ~1) | (1 << UInt64(count)) }

    /// The fewest words of a clause: a whole-message pattern that may cover clauses covers at least one whole clause.
    var shortestClause: Int {
        var shortest = count
        var starts = clauseStarts
        while starts != 0 {
            let start = starts.trailingZeroBitCount
            starts &= starts - 1
            let end = starts == 0 ? count : starts.trailingZeroBitCount
            shortest = min(shortest, end - start)
        }
        return shortest
    }

    /// Builds the table from the stem ids of the question's words (-1 for a stem no rule uses); `clauses` marks
    /// the words that start a clause, `questions` those of them whose clause asks something.
    init(ids source: [Int32], clauses: UInt64 = 0, questions: UInt64 = 0) {
        let count = min(source.count, 63)
        self.count = count
        self.allPositions = count == 63 ? UInt64.max : (1 << UInt64(count + 1)) - 1
        self.clauseStarts = (clauses | 1) & allPositions & ~(1 << UInt64(count))
        self.questionStarts = questions & clauseStarts
        ids.reserveCapacity(count)
        bits.reserveCapacity(count)
        for (position, id) in source.prefix(count).enumerated() where id >= 0 {
            let bit: UInt64 = 1 << UInt64(position)
            lowFilter |= 1 << UInt64(id & 63)
            highFilter |= 1 << UInt64((id >> 6) & 63)
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
        guard id >= 0, lowFilter & (1 << UInt64(id & 63)) != 0, highFilter & (1 << UInt64((id >> 6) & 63)) != 0
        else { return 0 }
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
