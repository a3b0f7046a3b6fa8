import StapjeTestSupport
import Testing

@testable import StapjeText

struct TokenizerTests {
    func words(_ text: String) -> [String] {
        Tokenizer().tokens(text).map(\.lower)
    }

    @Test(arguments: [
        ("quand part le prochain train ?", ["quand", "part", "le", "prochain", "train"]),
        ("l'horaire du train", ["le", "horaire", "du", "train"]),
        ("je veux m'inscrire", ["je", "veux", "me", "inscrire"]),
        ("qu'est-ce que c'est", ["que", "estce", "que", "ce", "est"]),
        ("'k wil da's goed", ["ik", "wil", "dat", "is", "goed"]),
        ("I don't know", ["i", "do", "not", "know"]),
        ("it isn't working, I couldn't log in", ["it", "is", "not", "working", "i", "could", "not", "log", "in"]),
        ("in't Frans aub", ["in", "het", "frans", "aub"]),
        ("van't werk op't scherm", ["van", "het", "werk", "op", "het", "scherm"]),
        ("da'k dat kan, kan'k hier printen", ["da", "ik", "dat", "kan", "kan", "ik", "hier", "printen"]),
        ("zo'n code", ["zo", "een", "code"]),
        ("it's my mother's phone", ["it", "my", "mother", "phone"]),
        ("mijn gsm'ke is kapot", ["mijn", "gsmke", "is", "kapot"]),
        ("e-mail en wi-fi", ["email", "en", "wifi"]),
        ("sms-code invullen", ["sms", "code", "invullen"]),
        ("l’horaire", ["le", "horaire"]),
        // French pronouns after a verb are words of their own, the "t" between them dropped; "va-t-en" keeps its
        // two-letter verb with the rest, as "e-mail" does.
        ("redites-le svp", ["redites", "le", "svp"]),
        ("allez-y", ["allez", "y"]),
        ("prends-en deux", ["prends", "en", "deux"]),
        ("donne-la-moi", ["donne", "la", "moi"]),
        ("pourra-t-il venir", ["pourra", "il", "venir"]),
        ("va-t-en", ["vaten"]),
        ("tax-on-web", ["taxonweb"]),
    ])
    func elisionsAndHyphens(text: String, expected: [String]) {
        #expect(words(text) == expected)
    }

    /// SMS and chat spellings read as the words they stand for, on the byte path (ASCII) and on the scalar path (a
    /// letter beyond ASCII in the text) alike; a word that only starts like one stays itself.
    @Test(arguments: [
        ("jai oublie mon mdp", ["je", "ai", "oublie", "mon", "mdp"]),
        ("CEST bon jsp", ["ce", "est", "bon", "je", "sais", "pas"]),
        ("pk ça marche pas", ["pourquoi", "ça", "marche", "pas"]),
        ("kheb da nie gedaan", ["ik", "heb", "da", "nie", "gedaan"]),
        ("jaimerais un rdv", ["je", "aimerais", "un", "rdv"]),
        ("jaimes jardin pkx", ["jaimes", "jardin", "pkx"]),
    ])
    func shortFormsAreTheirWords(text: String, expected: [String]) {
        #expect(words(text) == expected)
        #expect(words(text + " é").dropLast() == expected[...])
        #expect(Tokenizer().tokens(text).first?.original.lowercased() == text.split(separator: " ").first?.lowercased())
    }

    /// A word typed in two halves without its apostrophe is the one word it is, on both paths; "quelque" and a
    /// half before a clause mark stay apart.
    @Test(arguments: [
        ("ya quelqu un ici", ["ya", "quelquun", "ici"]),
        ("ya quelqu'un ici", ["ya", "quelquun", "ici"]),
        ("QUELQU UNE pour m'aider", ["quelquune", "pour", "me", "aider"]),
        ("aujourd hui et aujourd'hui", ["aujourdhui", "et", "aujourdhui"]),
        ("je cherche quelque chose quelque part", ["je", "cherche", "quelque", "chose", "quelque", "part"]),
        ("quelqu, un", ["quelqu", "un"]),
        ("un quelqu", ["un", "quelqu"]),
    ])
    func halvesAreJoined(text: String, expected: [String]) {
        #expect(words(text) == expected)
        #expect(words(text + " é").dropLast() == expected[...])
    }

    @Test func aJoinedWordKeepsBothHalvesAsTyped() {
        let tokens = Tokenizer().tokens("merci. Quelqu Un svp")
        #expect(tokens.map(\.original) == ["merci", "Quelqu Un", "svp"])
        #expect(tokens.map(\.startsClause) == [false, true, false])
    }

    /// `,` `;` `!` `?` end a clause, `.` `:` `…` only before a space or the end; a comma between digits, a dot in
    /// an address and a colon in a time do not. The first word never starts a clause.
    @Test(arguments: [
        ("merci, ça marche", [false, true, false]),
        ("Nee, dat is het niet. Dit helpt niet!", [false, true, false, false, false, true, false, false]),
        ("ok. next", [false, true]),
        ("hello!next", [false, true]),
        (", begin", [false]),
        ("www.vdab.be", [false, false, false]),
        ("1,5 euro", [false, false, false]),
        ("om 10:30 uur", [false, false, false, false]),
        ("wacht… nog eens", [false, true, false]),
        ("attends... encore", [false, true]),
        ("l'horaire ? svp", [false, false, true]),
    ])
    func clauseMarks(text: String, expected: [Bool]) {
        #expect(Tokenizer().tokens(text).map(\.startsClause) == expected, "\(text)")
    }

    @Test func keepsTheOriginalAndFoldsAccents() {
        let tokens = Tokenizer().tokens("Créer un COMPTE Forem, ça coûte?")
        #expect(tokens.map(\.folded) == ["creer", "un", "compte", "forem", "ca", "coute"])
        #expect(tokens[0].original == "Créer")
        #expect(tokens[0].lower == "créer")
    }

    @Test func numbersAreTokensMarkedAsNumbers() {
        let tokens = Tokenizer().tokens("bel 078 170 170 nu")
        #expect(tokens.filter(\.isNumber).map(\.lower) == ["078", "170", "170"])
    }

    @Test(arguments: ["", "   ", "🙂🙂🙂", "\u{0}\u{1}\u{7F}", "!!!???", "\u{FFFD}\u{FFFD}"])
    func oddInputGivesNoWords(text: String) {
        #expect(words(text).isEmpty)
    }

    @Test func emojiSeparateWords() {
        #expect(words("trein🚆gent") == ["trein", "gent"])
    }

    @Test func hugeInputIsCut() {
        let text = String(repeating: "trein ", count: 20_000)
        let tokens = Tokenizer(maximumScalars: 4096).tokens(text)
        #expect(tokens.count <= 4096 / 6 + 1)
        #expect(!tokens.isEmpty)
    }

    @Test(arguments: [
        ("Éénmalig", "eenmalig"), ("garçon", "garcon"), ("œuvre", "oeuvre"), ("Straße", "strasse"),
        ("naïve café", "naive cafe"), ("e\u{301}te\u{301}", "ete"),
    ])
    func folding(text: String, expected: String) {
        #expect(TextFolding.fold(text) == expected)
    }

    @Test(arguments: [
        ("solliciteren", "sollisiteren", 1), ("wachtwoord", "wachtwoort", 1), ("mail", "mial", 1),
        ("itsme", "itsmi", 1), ("forem", "forum", 1), ("abc", "abc", 0),
    ])
    func damerauLevenshtein(a: String, b: String, distance: Int) {
        #expect(EditDistance.distance(a, b, bound: 2) == distance)
    }

    @Test func distanceBeyondTheBoundIsNil() {
        #expect(EditDistance.distance("trein", "bus", bound: 2) == nil)
        #expect(EditDistance.distance("fishing", "phishing", bound: 1) == nil)
    }
}

/// Plain-ASCII text takes a byte-level fast path; it must give exactly what the general path gives.
struct TokenizerFastPathTests {
    static let alphabet = Array("abcdeklmnstzABCKLMZ0129 '`-.,?!:;@/\t\"")

    @Test func asciiTextGivesTheSameTokensAsTheGeneralPath() {
        var random = SeededGenerator(seed: 2026)
        let tokenizer = Tokenizer()
        for _ in 0..<3000 {
            let text = String(random.draw(0...40, from: Self.alphabet))
            // A trailing " €" is a separator (it adds no word) that sends the text down the general path.
            #expect(tokenizer.tokens(text) == tokenizer.tokens(text + " €"), "\(text)")
        }
    }

    /// French and Dutch letters (U+00C0-U+00FF, with × and ÷ among them), typographic apostrophes and hyphens
    /// also take the byte path; mixed with ASCII signs, elisions and hyphenated words, they must give what the
    /// scalar path gives.
    @Test func latin1TextGivesTheSameTokensAsTheGeneralPath() {
        var random = SeededGenerator(seed: 2027)
        let scalars =
            Array("abcdeklmnstzABCKLMZ0129 '`-.,?!:;@/\t\"".unicodeScalars)
            + (0xC0...0xFF).compactMap(Unicode.Scalar.init)
            + Array("\u{B4}\u{2018}\u{2019}\u{2010}\u{2011}\u{A0}\u{B5}\u{2013}".unicodeScalars)
        let tokenizer = Tokenizer()
        for _ in 0..<5000 {
            let text = String(String.UnicodeScalarView(random.draw(0...40, from: scalars)))
            #expect(tokenizer.tokens(text) == tokenizer.tokens(text + " €"), "\(text)")
        }
        for text in ["l’école", "aujourd’hui", "e‐mail", "sms‑code", "prix×2", "où‐est", "c´est", "ÀÉÎÕÜ"] {
            #expect(tokenizer.tokens(text) == tokenizer.tokens(text + " €"), "\(text)")
        }
        #expect(tokenizer.tokens("l’école").map(\.lower) == ["le", "école"])
    }

    @Test func lowerCasingOnBytesEqualsTheStandardLibrary() {
        var random = SeededGenerator(seed: 11)
        let letters = Array("aAzZmM09'-éÉİßΣ")
        for _ in 0..<2000 {
            let word = String(random.draw(0...10, from: letters))
            #expect(Tokenizer.lowercased(word) == word.lowercased(), "\(word)")
        }
    }

    @Test func latin1TablesGiveWhatTheGeneralPathsGive() {
        var random = SeededGenerator(seed: 29)
        // Every Latin-1 scalar, plus a few beyond it (which must leave the table paths).
        let scalars = (0x20..<0x100).compactMap(Unicode.Scalar.init) + Array("İıŒœĳ€Σ".unicodeScalars)
        for _ in 0..<3000 {
            let text = String(String.UnicodeScalarView(random.draw(1...12, from: scalars)))
            #expect(Tokenizer.lowercased(text) == text.lowercased(), "\(text)")
            #expect(TextFolding.fold(text) == TextFolding.foldScalarByScalar(text), "\(text)")
        }
    }

    /// A word without an apostrophe skips the expansion table, so no expansion may be spelt without one.
    @Test func everyExpansionHasAnApostrophe() {
        for word in Tokenizer.wholeWordExpansions.keys {
            #expect(word.contains("'"), "\(word)")
        }
    }

    /// `fold` has a `String` version for other modules' calls: it must fold as the generic one does.
    @Test func foldingAStringEqualsTheGenericFolding() {
        var random = SeededGenerator(seed: 11)
        let letters = Array("abzAZ09 -'éÉçœŒßİı€Σ🙂\u{301}".unicodeScalars)
        for _ in 0..<2000 {
            let text = String(String.UnicodeScalarView(random.draw(0...10, from: letters)))
            #expect(TextFolding.fold(text) == TextFolding.fold(text[...]), "\(text)")
        }
    }

    @Test func foldingAWordCutFromScalarsEqualsFoldingTheString() {
        var random = SeededGenerator(seed: 7)
        let letters = Array("aAzZéÉçÇœŒßøİı0-'".unicodeScalars)
        for _ in 0..<2000 {
            let scalars = random.draw(0...12, from: letters)
            let text = String(String.UnicodeScalarView(scalars))
            #expect(TextFolding.fold(scalars: scalars[...]) == TextFolding.fold(text), "\(text)")
        }
    }
}
