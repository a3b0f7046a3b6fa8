import Testing

@testable import StapjeEngine

/// Word-order patterns compiled and matched on their own, with words numbered in order of first use.
struct PatternTests {
    /// Compiles `source` with each word its own stem id (by first use), and matches it against `question`.
    static func matches(_ source: String, _ question: String, whole: Bool = false) throws -> Bool {
        let id = WordNumbers().id
        let pattern = try Pattern.compile(source, stem: { [id($0)] }, concept: { _ in nil })
        let words = question.split(separator: " ").map { id(String($0)) }
        return pattern.matches(Occurrences(ids: words), whole: whole)
    }

    /// A choice inside an option of another choice belongs to that option only: "b" alone is no option of the
    /// outer choice (the first version's outer choice also tried the inner choice's options on their own).
    @Test(arguments: [
        ("(a (b c | e f) | d) x", "a b c x", false, true),
        ("(a (b c | e f) | d) x", "a e f x", false, true),
        ("(a (b c | e f) | d) x", "d x", false, true),
        ("(a (b c | e f) | d) x", "b c x", false, false),
        ("(a (b c | e f) | d) x", "e f x", false, false),
        ("(a [b c | e f] | d) x", "a x", false, true),
        ("((a b | c d) e | f) x", "a b e x", false, true),
        ("((a b | c d) e | f) x", "c d x", false, false),
        // Over the whole message: an optional part is all or nothing.
        ("[a (b c | e f)] x", "b c x", true, false),
        ("[a (b c | e f)] x", "a b c x", true, true),
        ("[a (b c | e f)] x", "x", true, true),
    ])
    func aNestedChoiceBelongsToItsOption(source: String, question: String, whole: Bool, expected: Bool) throws {
        #expect(try Self.matches(source, question, whole: whole) == expected)
    }

    /// Brackets nested deeper than a pattern needs are a syntax error, not a stack overflow (a pattern 30,000
    /// brackets deep crashed `stapje check`).
    @Test func deepBracketsAreASyntaxError() throws {
        let limit = 32
        let nested = { (depth: Int) in String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        }
        #expect(try Self.matches(nested(limit) + " x", "a x"))
        #expect(throws: Pattern.SyntaxError.self) { try Self.matches(nested(limit + 1) + " x", "a x") }
        #expect(throws: Pattern.SyntaxError.self) { try Self.matches(nested(100_000), "a") }
    }

    /// A word marked with `+` is read with its small words; the `+` itself is no word, and a `+` before nothing is
    /// a syntax error.
    @Test func aPlusMarksASmallWord() throws {
        #expect(Pattern.readsSmallWords("+how +much * refund"))
        #expect(Pattern.readsSmallWords("(refund | +hoeveel)"))
        #expect(!Pattern.readsSmallWords("refund * (how | much)"))
        #expect(!Pattern.readsSmallWords("c + + refund"))
        #expect(try Self.matches("+how +much * refund", "how much is the refund"))
        #expect(try !Self.matches("+how +much * refund", "how is the refund"))
        #expect(throws: Pattern.SyntaxError.self) { try Self.matches("refund + much", "refund much") }
        #expect(throws: Pattern.SyntaxError.self) { try Self.matches("refund +", "refund") }
    }

    /// The rule index files a pattern under the required step a question is least likely to have: not one with a
    /// small word, then the one fewest patterns need (the first of equals); without a required step, under every
    /// stem it names. Any required step would find the same matches, so only the cost of looking changes.
    @Test func aPatternIsFiledUnderItsRarestRequiredStep() throws {
        let id = WordNumbers().id
        let compile = { (source: String) in try Pattern.compile(source, stem: { [id($0)] }, concept: { _ in nil }) }
        let asking = try compile("(what | know) * password * cafe")
        var uses = [Int32](repeating: 0, count: 16)
        let small: Set<Int32> = [id("what")]
        #expect(RuleIndex.anchors(of: asking, smallWords: [], uses: uses) == [id("what"), id("know")])
        #expect(RuleIndex.anchors(of: asking, smallWords: small, uses: uses) == [id("password")])
        uses[Int(id("password"))] = 5
        uses[Int(id("cafe"))] = 2
        #expect(RuleIndex.anchors(of: asking, smallWords: small, uses: uses) == [id("cafe")])
        let optional = try compile("(q | r s) [t]")
        #expect(RuleIndex.anchors(of: optional, smallWords: small, uses: uses) == optional.anchorIDs)
    }

    /// A pattern's program is one block: its required steps and anchors read from it, and a copy of the block
    /// among others (as the rule index keeps them) matches as the pattern does.
    @Test func theProgramBlockStandsOnItsOwn() throws {
        let id = WordNumbers().id
        let sources = ["a (b | c) * d", "[x] (y z | w) v", "* p", "(q | r s) [t]", "(q | [r]) [t]"]
        let patterns = try sources.map { try Pattern.compile($0, stem: { [id($0)] }, concept: { _ in nil }) }
        #expect(patterns[0].requiredWords == [[id("a")], [id("b"), id("c")], [id("d")]])
        #expect(patterns[0].anchorIDs == [id("a")])
        // A choice whose every option needs a word requires one of those words (the first each option needs).
        #expect(patterns[1].requiredWords == [[id("y"), id("w")].sorted(), [id("v")]])
        #expect(patterns[2].requiredWords == [[id("p")]])
        #expect(patterns[3].requiredWords == [[id("q"), id("r")].sorted()])
        #expect(patterns[3].anchorIDs == [id("q"), id("r")].sorted())
        // An option that needs no word: no required step, filed under every stem it names.
        #expect(patterns[4].requiredWords.isEmpty)
        #expect(patterns[4].anchorIDs == [id("q"), id("r"), id("t")].sorted())
        let all = patterns.flatMap(\.code)
        let starts = patterns.indices.map { index in patterns[..<index].reduce(0) { $0 + $1.code.count } }
        let questions = ["a c k d", "a d", "y z v", "w v", "x w v", "p", "r s", "r t", "q t", "k", "r", "t", "z v"]
        for question in questions {
            let words = question.split(separator: " ").map { id(String($0)) }
            let occurrences = Occurrences(ids: words)
            for (index, pattern) in patterns.enumerated() {
                for whole in [false, true] {
                    let copied = all.withUnsafeBufferPointer { buffer in
                        Pattern.matches(buffer.baseAddress! + starts[index], occurrences, whole: whole)
                    }
                    #expect(copied == pattern.matches(occurrences, whole: whole), "\(sources[index]) / \(question)")
                }
                let mayMatch = all.withUnsafeBufferPointer {
                    Pattern.mayMatch($0.baseAddress! + starts[index], occurrences)
                }
                // Ruling out is safe: a pattern ruled out never matches.
                if !mayMatch { #expect(!pattern.matches(occurrences, whole: false)) }
            }
        }
        #expect(patterns[0].matches(Occurrences(ids: ["a", "c", "k", "d"].map(id)), whole: true))
        #expect(!patterns[0].matches(Occurrences(ids: ["a", "k", "d"].map(id)), whole: false))
    }

    /// The required steps only rule out: over random patterns of words, choices (nested), optional parts and
    /// wildcards, and random questions, a pattern `mayMatch` rules out never matches, whole or not.
    @Test func requiredStepsNeverRuleOutAMatch() throws {
        let id = WordNumbers().id
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let letters = ["a", "b", "c", "d", "e", "f"]
        func sequence(_ depth: Int) -> String {
            (0..<(1 + next(3))).map { _ -> String in
                switch next(depth > 1 ? 6 : 9) {
                case 0: return "*"
                case 1: return "[\(letters[next(6)])]"
                case 6, 7: return "(\(sequence(depth + 1)) | \(sequence(depth + 1)))"
                case 8: return "[\(sequence(depth + 1)) | \(sequence(depth + 1))]"
                default: return letters[next(6)]
                }
            }.joined(separator: " ")
        }
        var checked = 0
        for _ in 0..<400 {
            let source = sequence(0)
            guard let pattern = try? Pattern.compile(source, stem: { [id($0)] }, concept: { _ in nil }) else {
                continue
            }
            for _ in 0..<40 {
                let question = (0..<(1 + next(5))).map { _ in id(letters[next(6)]) }
                let occurrences = Occurrences(ids: question)
                let mayMatch = pattern.code.withUnsafeBufferPointer { Pattern.mayMatch($0.baseAddress!, occurrences) }
                if !mayMatch {
                    checked += 1
                    #expect(!pattern.matches(occurrences, whole: false), "\(source)")
                    #expect(!pattern.matches(occurrences, whole: true), "\(source)")
                }
            }
        }
        #expect(checked > 1000)
    }

    /// One compiler reads pattern after pattern (keeping its working lists): each program is what a fresh compiler
    /// makes of the same source, also after a pattern that failed half-way, and concepts (single words, or phrases
    /// of several words) are read as choices.
    @Test func aCompilerKeepsNothingFromOnePatternToTheNext() throws {
        let id = WordNumbers().id
        func stems(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int32] { [id(String(decoding: bytes, as: UTF8.self))] }
        let concepts: [String: [[String]]] = [
            "small": [["x"], ["y"]], "long": [["p", "q"], ["r"], ["s", "t", "u"]],
        ]
        func concept(_ name: String) -> [[Int32]]? { concepts[name].map { $0.map { $0.map(id) } } }
        let sources = [
            "a (b c | [d] e) * @long", "(a | b", "@small (k | l m) [@long]", "((a | b) c | d", "@missing x", "z",
            "(q | [r]) @small * (s | t u | v)",
        ]
        var shared = Pattern.Compiler()
        for source in sources {
            var fresh = Pattern.Compiler()
            let expected = Result { () throws(Pattern.SyntaxError) in
                try fresh.compile(source, stem: stems, concept: concept).code
            }
            let got = Result { () throws(Pattern.SyntaxError) in
                try shared.compile(source, stem: stems, concept: concept).code
            }
            switch (expected, got) {
            case (.success(let one), .success(let other)): #expect(one == other, "\(source)")
            case (.failure(let one), .failure(let other)): #expect(one.message == other.message, "\(source)")
            default: Issue.record("\(source): one compiler failed and the other did not")
            }
        }
        let pattern = try shared.compile("@small * @long", stem: stems, concept: concept)
        let question = { (text: String) in Occurrences(ids: text.split(separator: " ").map { id(String($0)) }) }
        #expect(pattern.matches(question("y k s t u"), whole: true))
        #expect(pattern.matches(question("x p q"), whole: false))
        #expect(!pattern.matches(question("x p"), whole: false))
        #expect(!pattern.matches(question("s t u y"), whole: false))
    }
}

/// Words numbered in order of first use, as stem ids for patterns compiled in tests.
private final class WordNumbers {
    private var ids: [String: Int32] = [:]

    func id(_ word: String) -> Int32 {
        if let known = ids[word] { return known }
        ids[word] = Int32(ids.count)
        return ids[word]!
    }
}

/// The most words a pattern can cover, which lets the rule index pass over a whole-message pattern for a longer
/// message; and the shortest clause of a message, the fewest words such a pattern covers when it may cover clauses.
struct PatternLengthTests {
    @Test(arguments: [
        ("a", 1), ("a b c", 3), ("a [b]", 2), ("(a | b c d) [e]", 4), ("((a b | c) d | e)", 3), ("a * b", -1),
        ("[x (y | z *)] a", -1),
    ])
    func theLongestCoverIsCountedFromTheSteps(source: String, longest: Int) throws {
        let id = WordNumbers().id
        let pattern = try Pattern.compile(source, stem: { [id($0)] }, concept: { _ in nil })
        let most = pattern.code.withUnsafeBufferPointer { Pattern.Code.longest($0.baseAddress!) }
        #expect(Int(most) == longest)
    }

    /// A pattern still matches a message exactly as long as its longest cover.
    @Test func aMessageOfTheLongestCoverStillMatches() throws {
        #expect(try PatternTests.matches("(a | b c d) [e]", "b c d e", whole: true))
        #expect(try !PatternTests.matches("(a | b c d) [e]", "b c d e f", whole: true))
    }

    @Test(arguments: [
        ([UInt64](), 5, 5), ([2], 5, 2), ([2, 3], 5, 1), ([4], 5, 1),
    ])
    func theShortestClauseIsBetweenClauseStarts(starts: [UInt64], words: Int, shortest: Int) {
        let clauses = starts.reduce(UInt64(0)) { $0 | (1 << $1) }
        let occurrences = Occurrences(ids: (0..<words).map { Int32($0) }, clauses: clauses)
        #expect(occurrences.shortestClause == shortest)
    }
}
