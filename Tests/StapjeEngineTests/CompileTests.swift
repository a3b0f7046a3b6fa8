import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeEngine

/// Compiling splits content once per distinct piece and builds each language in parallel jobs: the same words,
/// tables and answers as doing it all in one go.
struct CompileTests {
    @Test(arguments: [
        "hoe solliciteer ik online", "  twee  spaties ", "e-mail sms-code wi-fi", "l'adresse aujourd'hui c'est",
        "don't 'k da's z'n", "'t is gsm'ke", "Café ÉCOLE naïve œuvre", "x -y- -- ' '' `a`", "tab\there nbsp\u{A0}ok",
        "een \u{301}accent na een spatie", "e- mail", "e -mail", "123 456-789 4de", "@jobs-apply * (online | site)",
        "[opnieuw | nog eens] (wachtwoord | paswoord)", "emoji 👍 hier", "",
        "Hoe GSM 4G itsme2 ABC123 MijnBurgerProfiel 0032", "(online site) vdab? ja, nee. 3/4 a+b #tag @x_y",
    ])
    func piecesGiveTheTokenizersWords(text: String) {
        var words = ContentWords()
        // Twice: the second time every piece is already known. A concept's name is no word (`@jobs-apply`). Content
        // is read piece by piece, without clause marks (only a question's clauses matter).
        let expected = Tokenizer().tokens(Self.withoutConceptNames(text)).map { token in
            var token = token
            token.startsClause = false
            return token
        }
        #expect(words.tokens(text) == expected)
        #expect(words.tokens(text) == expected)
    }

    @Test func aConceptsNameGivesNoWordsButAnAddressDoes() {
        var words = ContentWords()
        #expect(words.tokens("@jobs-apply * (@phone | site) [@x_y]").map(\.folded) == ["site"])
        #expect(
            words.tokens("mail info@vdab.be").map(\.folded) == Tokenizer().tokens("mail info@vdab.be").map(\.folded))
    }

    /// The text with `@` and the name after it made blanks where the `@` starts a word (as rules refer to concepts):
    /// at the start or after a sign of the pattern syntax, up to the next such sign.
    static func withoutConceptNames(_ text: String) -> String {
        let signs: Set<Character> = [" ", "\t", "*", "(", ")", "[", "]", "|", "@"]
        var result: [Character] = []
        var inName = false
        for character in text {
            if inName, !signs.contains(character) {
                result.append(" ")
                continue
            }
            inName = false
            if character == "@", result.last.map({ signs.contains($0) }) ?? true {
                inName = true
                result.append(" ")
                continue
            }
            result.append(character)
        }
        return String(result)
    }

    @Test func knownPiecesGiveTheWordsOfANewText() {
        var words = ContentWords()
        _ = words.tokens("hoe solliciteer ik (online | via de site)")
        _ = words.tokens("l'adresse e-mail")
        for text in ["solliciteer (online", "(online  hoe", "e-mail l'adresse ik", ""] {
            #expect(words.knownTokens(text) == Tokenizer().tokens(text))
        }
        #expect(words.knownTokens("solliciteer online") == nil)
        #expect(words.knownTokens(String(repeating: "hoe ", count: 2000)) == nil)
    }

    @Test func aTextTooLongForThePiecesIsSplitWhole() {
        let text = String(repeating: "woord ", count: 1000)
        var words = ContentWords()
        #expect(words.tokens(text) == Tokenizer().tokens(text))
        #expect(words.allTokens.contains { $0.folded == "woord" })
    }

    @Test(arguments: [0, 1, 2])
    func theRadixSortHandlesShortLists(count: Int) {
        var hashes = (0..<count).map { UInt64(count - $0) << 56 }
        var owners = (0..<count).map { Int32($0) }
        TypoIndex.sortByHash(&hashes, &owners)
        #expect(hashes == hashes.sorted())
        #expect(owners == Array((0..<Int32(count)).reversed()))
    }

    @Test func featuresAreNumberedInTheOrderFirstSeen() {
        var numbering = FeatureNumbering()
        // Keys with equal low bits collide in the table; 5000 of them make it grow several times.
        let keys = (0..<5000).map { UInt64($0) << 40 }
        for (number, key) in keys.enumerated() { #expect(numbering.id(key) == Int32(number)) }
        for (number, key) in keys.enumerated().reversed() { #expect(numbering.id(key) == Int32(number)) }
        #expect(numbering.keys == keys)
        let table = FeatureTable(keys: keys)
        #expect(keys.indices.allSatisfy { table[keys[$0]] == Int32($0) })
        #expect(table[12345] == nil)
    }

    @Test func compactedArraysKeepTheirElements() {
        var grown: [Int32] = []
        for value in 0..<1000 { grown.append(Int32(value)) }
        let compact = grown.compacted()
        #expect(compact == grown)
        #expect(compact.capacity < grown.capacity)
    }

    /// Two matchers of the same content give the same diagnostics and the same explanations.
    @Test func compilingTwiceGivesTheSameMatcher() {
        let rules = IntentRules(
            id: "jobs.apply", language: .nl,
            keywords: [Keyword(phrase: "solliciteren", weight: 4, location: SourceLocation(file: "a.yaml", line: 2))],
            patterns: [
                Located("(online | internet) * solliciteren", SourceLocation(file: "a.yaml", line: 3)),
                Located("@onbekend", SourceLocation(file: "a.yaml", line: 4)),
            ],
            examples: [Located("hoe solliciteer ik online", SourceLocation(file: "a.yaml", line: 5))],
            location: SourceLocation(file: "a.yaml", line: 1))
        let bundle = ContentBundle(intents: [.nl: [rules]])
        let first = Matcher(bundle: bundle)
        let second = Matcher(bundle: bundle)
        #expect(first.diagnostics == second.diagnostics)
        #expect(first.diagnostics.count == 1)
        for question in ["online solliciteren", "sollisiteren via internet", "fiets"] {
            #expect(first.match(question) == second.match(question))
        }
    }
}
