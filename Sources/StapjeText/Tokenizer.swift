/// Splits text into words: letters and digits, apostrophes and elisions handled for Dutch, French and English.
///
/// The tokenizer never fails: control characters, emoji and symbols separate words and are dropped.
/// Hyphenated words are joined when a part is very short ("e-mail" → "email", "wi-fi" → "wifi") and split
/// otherwise ("sms-code" → "sms", "code"). Input longer than `maximumScalars` is cut, so a 100 KB line costs
/// no more than a long question.
public struct Tokenizer: Sendable {
    /// The most scalars of one text that are looked at.
    public var maximumScalars: Int

    /// Creates a tokenizer.
    public init(maximumScalars: Int = 4096) {
        self.maximumScalars = maximumScalars
    }

    /// The words of `text`.
    public func tokens(_ text: String) -> [Token] {
        // Most questions are ASCII, or ASCII with French and Dutch letters (Latin-1) and typographic apostrophes:
        // their bytes are read directly, which gives the same words. Anything else is read scalar by scalar.
        if text.utf8.count <= maximumScalars,
            let words = text.utf8.withContiguousStorageIfAvailable({ bytePathTokens($0) }) ?? nil
        {
            return words
        }
        var words = WordBuilder()
        words.result.reserveCapacity(min(16, text.utf8.count / 2 + 1))
        var word = String.UnicodeScalarView()
        var seen = 0
        var previous: Unicode.Scalar = " "
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            defer { previous = scalar }
            seen += 1
            if seen > maximumScalars { break }
            if Self.isWordScalar(scalar) {
                if words.pendingHyphen { words.flushPart(&word) }
                word.append(scalar)
            } else if Self.isApostrophe(scalar) {
                if !word.isEmpty || words.parts.isEmpty { word.append("'") }
            } else if scalar == "-" || scalar == "\u{2010}" || scalar == "\u{2011}" {
                if word.isEmpty { words.flushWord(&word, tokenizer: self) } else { words.pendingHyphen = true }
            } else {
                words.flushWord(&word, tokenizer: self)
                if Self.endsClause(scalar.value, before: previous.value, after: next?.value) { words.clauseBreak() }
            }
        }
        words.flushWord(&word, tokenizer: self)
        return Self.joiningHalves(words.result)
    }

    /// The words of a text read from its UTF-8, as the scalar loop of `tokens` reads them, for texts made of ASCII,
    /// the Latin-1 letters U+00C0-U+00FF, the apostrophes U+00B4, U+2018 and U+2019 and the hyphens U+2010 and
    /// U+2011; nil at the first other byte (the caller then reads the text scalar by scalar).
    private func bytePathTokens(_ bytes: UnsafeBufferPointer<UInt8>) -> [Token]? {
        var words = WordBuilder()
        // Room for a question's usual dozen words at once, instead of growing the list word by word.
        words.result.reserveCapacity(min(16, bytes.count / 2 + 1))
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var wordIsASCII = true
        // A word of ASCII letters and digits alone (most words) is read where it stands, `bytes[run]`, instead of
        // being copied into `word` byte by byte; it is copied there when anything else joins it.
        var run = 0..<0
        func moveRunIntoWord() {
            guard !run.isEmpty else { return }
            word.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run]))
            run = 0..<0
        }
        func endWord() {
            if !run.isEmpty && words.parts.isEmpty {
                words.flushASCII(UnsafeBufferPointer(rebasing: bytes[run]))
                run = 0..<0
            } else {
                moveRunIntoWord()
                words.flushWord(&word, ascii: wordIsASCII, tokenizer: self)
            }
        }
        var index = 0
        while index < bytes.count {
            guard let (kind, length) = Self.byteClass(bytes, at: index) else { return nil }
            // What the scalar loop does with a scalar of this kind.
            switch kind {
            case .letter:
                if words.pendingHyphen {
                    moveRunIntoWord()
                    words.flushPart(&word)
                }
                if length == 1 && word.isEmpty {
                    // The letters of a word follow each other: the run grows, or starts here.
                    run = run.isEmpty ? index..<index + 1 : run.lowerBound..<index + 1
                    break
                }
                moveRunIntoWord()
                // One byte, or two for a Latin-1 letter (appended one by one: a slice costs more than the letter).
                word.append(bytes[index])
                if length > 1 {
                    word.append(bytes[index + 1])
                    wordIsASCII = false
                }
            case .apostrophe:
                moveRunIntoWord()
                if !word.isEmpty || words.parts.isEmpty { word.append(0x27) }
            case .hyphen where !word.isEmpty || !run.isEmpty:
                words.pendingHyphen = true
            case .hyphen, .separator:
                endWord()
                wordIsASCII = true
                let byte = bytes[index]
                if byte < 0x80,
                    Self.endsClause(
                        UInt32(byte), before: index > 0 ? UInt32(bytes[index - 1]) : 0x20,
                        after: index + 1 < bytes.count ? UInt32(bytes[index + 1]) : nil)
                {
                    words.clauseBreak()
                }
            }
            index += length
        }
        endWord()
        return Self.joiningHalves(words.result)
    }

    /// Words typed in two halves, the apostrophe left out, as the one word they are: French "quelqu un" and
    /// "quelqu une" (quelqu'un, quelqu'une, which read as "quelquun" and "quelquune") and "aujourd hui". Read apart,
    /// "quelqu" has the stem of "quelque": "ya quelqu un ici" and "je cherche quelque chose" would share a word. A
    /// first half is no word of its own, so nothing else is joined.
    static func joiningHalves(_ tokens: [Token]) -> [Token] {
        // A look at each word first, without hashing: most questions have no first half, and are returned as they
        // are (this runs for every message).
        guard tokens.count > 1, (0..<tokens.count - 1).contains(where: { isFirstHalf(tokens[$0].lower) }) else {
            return tokens
        }
        var joined: [Token] = []
        joined.reserveCapacity(tokens.count)
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if index + 1 < tokens.count, completes(token.lower, with: tokens[index + 1].lower),
                !tokens[index + 1].startsClause
            {
                var whole = Token(
                    original: token.original + " " + tokens[index + 1].original,
                    lower: token.lower + tokens[index + 1].lower)
                whole.startsClause = token.startsClause
                joined.append(whole)
                index += 2
            } else {
                joined.append(token)
                index += 1
            }
        }
        return joined
    }

    /// Whether a lower-case word is the first half of a word typed in two ("quelqu", "aujourd").
    static func isFirstHalf(_ word: String) -> Bool {
        switch word.utf8.count {
        case 6: word == "quelqu"
        case 7: word == "aujourd"
        default: false
        }
    }

    /// Whether `second` completes the first half `first`: "quelqu" + "un" or "une", "aujourd" + "hui".
    static func completes(_ first: String, with second: String) -> Bool {
        switch first {
        case "quelqu": second == "un" || second == "une"
        case "aujourd": second == "hui"
        default: false
        }
    }

    /// What the scalar loop of `tokens` makes of a scalar.
    private enum ScalarKind {
        case letter, apostrophe, hyphen, separator
    }

    /// The kind and UTF-8 length of the scalar at `index`, for the scalars `bytePathTokens` reads; nil for others.
    @inline(__always)
    private static func byteClass(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (ScalarKind, Int)? {
        let byte = bytes[index]
        if byte < 0x80 {
            switch byte {
            case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: return (.letter, 1)
            case 0x27, 0x60: return (.apostrophe, 1)
            case 0x2D: return (.hyphen, 1)
            default: return (.separator, 1)
            }
        }
        let second = index + 1 < bytes.count ? bytes[index + 1] : 0
        switch (byte, second) {
        // U+00C0-U+00FF: letters, but for × (U+00D7) and ÷ (U+00F7), which separate words.
        case (0xC3, 0x97), (0xC3, 0xB7): return (.separator, 2)
        case (0xC3, 0x80...0xBF): return (.letter, 2)
        case (0xC2, 0xB4): return (.apostrophe, 2)
        case (0xE2, 0x80) where index + 2 < bytes.count:
            switch bytes[index + 2] {
            case 0x90, 0x91: return (.hyphen, 3)
            case 0x98, 0x99: return (.apostrophe, 3)
            default: return nil
            }
        default: return nil
        }
    }

    /// Whether the mark `value` (a separator between words) ends a clause, given the scalars before and after it
    /// (nil at the end of the text): `,` `;` `!` `?` do, but for a comma between digits ("1,5"); `.` `:` and `…`
    /// only before a space or the end, not inside "www.vdab.be" or "10:30"; a line break does.
    static func endsClause(_ value: UInt32, before: UInt32, after: UInt32?) -> Bool {
        func isDigit(_ value: UInt32?) -> Bool { value.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        switch value {
        case 0x2C: return !(isDigit(before) && isDigit(after))
        case 0x3B, 0x21, 0x3F, 0x0A, 0x0D: return true
        case 0x2E, 0x3A, 0x2026:
            guard let after else { return true }
            return after == 0x20 || after == 0x09 || after == 0x0A || after == 0x0D || after == 0xA0
        default: return false
        }
    }

    /// The parts of the hyphenated word being read, and the tokens so far.
    private struct WordBuilder {
        var result: [Token] = []
        var parts: [String] = []
        var pendingHyphen = false
        /// A clause ended after the last token: the next one starts a new clause.
        var pendingClause = false

        /// Marks that a clause ends here (when a word came before).
        mutating func clauseBreak() {
            if !result.isEmpty { pendingClause = true }
        }

        /// Marks the first of the tokens appended from `start` on as starting a clause, when one ended before it.
        private mutating func markClause(from start: Int) {
            guard pendingClause && result.count > start else { return }
            result[start].startsClause = true
            pendingClause = false
        }

        mutating func flushPart(_ word: inout [UInt8]) {
            pendingHyphen = false
            guard !word.isEmpty else { return }
            parts.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
        }

        mutating func flushPart(_ word: inout String.UnicodeScalarView) {
            pendingHyphen = false
            guard !word.isEmpty else { return }
            parts.append(String(word))
            word = String.UnicodeScalarView()
        }

        /// `ascii`: the word's bytes are all ASCII.
        mutating func flushWord(_ word: inout [UInt8], ascii: Bool, tokenizer: Tokenizer) {
            // The usual case, one ASCII part without an apostrophe: no elision or expansion applies, so the token is
            // made straight from the bytes (what `appendWord` makes of it, in one pass).
            let start = result.count
            defer { markClause(from: start) }
            if ascii && parts.isEmpty && !word.isEmpty && !word.contains(0x27) {
                pendingHyphen = false
                word.withUnsafeBufferPointer { appendASCII($0) }
                word.removeAll(keepingCapacity: true)
                return
            }
            flushPart(&word)
            finishWord(tokenizer)
        }

        /// Ends a word of ASCII letters and digits alone, one part (as `flushWord` does with it).
        mutating func flushASCII(_ word: UnsafeBufferPointer<UInt8>) {
            let start = result.count
            defer { markClause(from: start) }
            pendingHyphen = false
            appendASCII(word)
        }

        /// Appends the token of a word of ASCII letters and digits, or the words of its short form.
        private mutating func appendASCII(_ word: UnsafeBufferPointer<UInt8>) {
            if let words = Tokenizer.shortForm(bytes: word) {
                let original = String(decoding: word, as: UTF8.self)
                for part in words { result.append(Token(original: original, lower: part)) }
            } else {
                result.append(Token(asciiWord: word))
            }
        }

        mutating func flushWord(_ word: inout String.UnicodeScalarView, tokenizer: Tokenizer) {
            let start = result.count
            defer { markClause(from: start) }
            flushPart(&word)
            finishWord(tokenizer)
        }

        private mutating func finishWord(_ tokenizer: Tokenizer) {
            guard !parts.isEmpty else { return }
            if parts.count > 1 && parts.contains(where: { $0.unicodeScalars.count <= 2 }) {
                if parts[0].unicodeScalars.count > 2
                    && (1..<parts.count).allSatisfy({ Tokenizer.isFrenchPronounPart(parts[$0], after: parts[$0 - 1]) })
                {
                    // "redites-le", "allez-y", "va-t-en": French pronouns after a verb are words of their own (the "t"
                    // is there only to be said), where other short parts make one word with the rest ("e-mail").
                    for part in parts where part.lowercased() != "t" { tokenizer.appendWord(part, to: &result) }
                } else {
                    tokenizer.appendWord(parts.joined(), to: &result)
                }
            } else {
                for part in parts { tokenizer.appendWord(part, to: &result) }
            }
            parts.removeAll(keepingCapacity: true)
        }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39)
        }
        if TextFolding.isCombiningMark(scalar) { return true }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }

    static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "'", "\u{2019}", "\u{2018}", "\u{02BC}", "`", "\u{00B4}": true
        default: false
        }
    }

    /// Whether a part after a hyphen is a word of its own or a short French pronoun after a verb ("redites-le",
    /// "donne-la", "vas-y", "prends-en"), or the "t" said between a verb and "il" or "on" ("pourra-t-il"); "il" and
    /// "on" only after that "t" ("tax-on-web" is one word).
    static func isFrenchPronounPart(_ part: String, after previous: String) -> Bool {
        if part.unicodeScalars.count > 2 { return true }
        switch part.lowercased() {
        case "le", "la", "en", "y", "t": return true
        case "il", "on": return previous.lowercased() == "t"
        default: return false
        }
    }

    /// French elided articles and pronouns, as the short word they stand for.
    static let frenchElisions: [String: String] = [
        "l": "le", "d": "de", "j": "je", "m": "me", "n": "ne", "s": "se", "t": "te", "c": "ce",
        "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque", "presqu": "presque",
    ]

    /// English verbs whose "n't" is read as "not" ("isn't", "don't", "couldn't"): any other word before "'t" is Dutch
    /// "'t" (het) written against it ("in't", "van't"), not a negation.
    static let negatedAuxiliaries: Set<String> = [
        "is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "could", "would", "should", "must",
        "need", "might", "ai", "sha", "dare", "may",
    ]

    /// Dutch and English clitics written with an apostrophe, expanded to full words.
    static let wholeWordExpansions: [String: [String]] = [
        "'k": ["ik"], "'t": ["het"], "'n": ["een"], "z'n": ["zijn"], "m'n": ["mijn"], "d'r": ["haar"],
        "da's": ["dat", "is"], "zo'n": ["zo", "een"], "'s": [], "can't": ["can", "not"], "won't": ["will", "not"],
        "i'm": ["i", "am"], "c'est": ["ce", "est"], "s'il": ["si", "il"],
    ]

    /// Words typed the short way, without apostrophe or with letters left out (SMS and chat spelling), as the
    /// words they stand for: French "jai" (j'ai), "cest" (c'est), "jsp" (je sais pas), "pk" (pourquoi), "bcp"; Dutch
    /// "kheb" ('k heb), "wrm" (waarom), "ff" (even). Only forms that are no word of another of the three languages.
    static let shortFormList: KeyValuePairs<String, [String]> = [
        "jai": ["je", "ai"], "jsuis": ["je", "suis"], "chui": ["je", "suis"], "chuis": ["je", "suis"],
        "jveux": ["je", "veux"], "jpeux": ["je", "peux"], "jsais": ["je", "sais"], "jsp": ["je", "sais", "pas"],
        "jdois": ["je", "dois"], "jme": ["je", "me"], "jvais": ["je", "vais"], "jarrive": ["je", "arrive"],
        "jaimerais": ["je", "aimerais"], "jvoudrais": ["je", "voudrais"], "jcomprends": ["je", "comprends"],
        "cest": ["ce", "est"], "cetait": ["ce", "était"], "qd": ["quand"], "pk": ["pourquoi"], "pq": ["pourquoi"],
        "pkoi": ["pourquoi"], "pourkoi": ["pourquoi"], "koi": ["quoi"], "bcp": ["beaucoup"], "tjr": ["toujours"],
        "tjrs": ["toujours"], "mtn": ["maintenant"], "dsl": ["désolé"], "bjr": ["bonjour"],
        "bsr": ["bonsoir"], "ajd": ["aujourdhui"], "auj": ["aujourdhui"],
        "kheb": ["ik", "heb"], "kweet": ["ik", "weet"], "kwil": ["ik", "wil"], "kben": ["ik", "ben"],
        "kzou": ["ik", "zou"], "wrm": ["waarom"], "hvl": ["hoeveel"], "mss": ["misschien"], "ff": ["even"],
    ]

    /// `shortFormList` by the length of each word in bytes, each word as its bytes packed into two integers (every
    /// one is ASCII, and shorter than 16 bytes): a question's word is packed once and compared with the few of its
    /// length as two integers, so no word is hashed or compared as a string.
    static let shortFormsByLength: [[(low: UInt64, high: UInt64, words: [String])]] = {
        let longest = shortFormList.map(\.key.utf8.count).max() ?? 0
        var table = Array(repeating: [(low: UInt64, high: UInt64, words: [String])](), count: longest + 1)
        for (word, words) in shortFormList {
            precondition(word.utf8.count < 16 && word.utf8.allSatisfy { $0 < 0x80 }, "short forms are short ASCII")
            var word = word
            let (low, high) = word.withUTF8 { packed($0) }
            table[word.utf8.count].append((low, high, words))
        }
        return table
    }()

    /// The first 16 bytes of `word`, eight to an integer, the first byte lowest (zero beyond its end), with A-Z
    /// lower-cased.
    private static func packed(_ word: UnsafeBufferPointer<UInt8>) -> (low: UInt64, high: UInt64) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for index in 0..<min(word.count, 16) {
            let byte = word[index]
            let lower = UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            if index < 8 {
                low |= lower << UInt64(8 * index)
            } else {
                high |= lower << UInt64(8 * (index - 8))
            }
        }
        return (low, high)
    }

    /// The words a word without apostrophe stands for, when it is one of `shortFormList`, read from its UTF-8 with
    /// A-Z lower-cased (a word with other bytes than ASCII is none of them).
    static func shortForm(bytes word: UnsafeBufferPointer<UInt8>) -> [String]? {
        let table = shortFormsByLength
        guard word.count < table.count, !table[word.count].isEmpty else { return nil }
        let (low, high) = packed(word)
        for entry in table[word.count] where entry.low == low && entry.high == high { return entry.words }
        return nil
    }

    /// The words a lower-case word without apostrophe stands for, when it is one of `shortFormList`.
    static func shortForm(_ lower: String) -> [String]? {
        var lower = lower
        return lower.withUTF8 { shortForm(bytes: $0) }
    }

    fileprivate func appendWord(_ raw: String, to result: inout [Token]) {
        // Most words have no apostrophe: no elision, clitic or expansion can apply (every expansion is spelt with
        // one), so the word is only lower-cased, or read as the words of its short form.
        guard raw.utf8.contains(0x27) else {
            let lower = Self.lowercased(raw)
            if let words = Self.shortForm(lower) {
                for word in words { result.append(Token(original: raw, lower: word)) }
                return
            }
            result.append(Token(original: raw, lower: lower))
            return
        }
        var text = raw
        while text.hasSuffix("'") { text.removeLast() }
        guard !text.isEmpty, text != "'" else { return }
        let lower = Self.lowercased(text)
        if let expansion = Self.wholeWordExpansions[lower] {
            for word in expansion { result.append(Token(original: text, lower: word)) }
            return
        }
        guard let apostrophe = lower.firstIndex(of: "'") else {
            result.append(Token(original: text, lower: lower))
            return
        }
        let head = String(lower[..<apostrophe])
        let tail = String(lower[lower.index(after: apostrophe)...])
        if head.isEmpty {
            appendWord(tail, to: &result)
            return
        }
        if let article = Self.frenchElisions[head], !tail.isEmpty {
            result.append(Token(original: head + "'", lower: article))
            appendWord(String(text[text.index(after: text.firstIndex(of: "'")!)...]), to: &result)
            return
        }
        switch tail {
        case "t" where head.hasSuffix("n") && Self.negatedAuxiliaries.contains(String(head.dropLast())):
            result.append(Token(original: text, lower: String(head.dropLast())))
            result.append(Token(original: text, lower: "not"))
        case "t":
            // Dutch "'t" (het) written against the word before it: "in't", "op't", "van't" ("in't Frans").
            result.append(Token(original: text, lower: head))
            result.append(Token(original: text, lower: "het"))
        case "k":
            // Flemish "'k" (ik) written against the word before it: "da'k", "as'k", "kan'k", "hoe moe'k da doen".
            result.append(Token(original: text, lower: head))
            result.append(Token(original: text, lower: "ik"))
        case "s", "":
            result.append(Token(original: text, lower: head))
        case "m":
            result.append(Token(original: text, lower: head))
            result.append(Token(original: text, lower: "am"))
        case "re", "ve", "ll", "d":
            result.append(Token(original: text, lower: head))
        default:
            // A diminutive or a typing habit ("gsm'ke", "aujourd'hui"): one word without the apostrophe.
            result.append(Token(original: text, lower: lower.replacingApostrophes()))
        }
    }
}

extension Tokenizer {
    /// `word.lowercased()`, with plain ASCII done on bytes (and a word without capitals returned as it is).
    public static func lowercased(_ word: String) -> String {
        var hasCapital = false
        for byte in word.utf8 {
            if byte >= 0x80 { return lowercasedBeyondASCII(word) }
            if byte >= 0x41 && byte <= 0x5A { hasCapital = true }
        }
        return hasCapital ? TextFolding.asciiLowercased(word.utf8) : word
    }
}

extension Tokenizer {
    /// `word.lowercased()` for a word with a scalar beyond ASCII: within Latin-1 (French and Dutch letters), each
    /// scalar from a table of the standard library's own answers; beyond it, the standard library.
    static func lowercasedBeyondASCII(_ word: String) -> String {
        if let lower = TextFolding.mappedWithinLatin1(word, latin1Lower) { return lower }
        let lower = word.lowercased()
        return lower.unicodeScalars.contains(where: TextFolding.isCombiningMark) ? composed(lower) : lower
    }

    /// `word` with every letter typed as a base and combining accents ("e" + U+0301) written as the one scalar the
    /// content's files use ("é"), where Latin-1 or Latin Extended-A has it: the engine compares words by their
    /// bytes, and these two spellings are the same word.
    static func composed(_ word: String) -> String {
        String(word.map { $0.unicodeScalars.count > 1 ? precomposed[$0] ?? $0 : $0 })
    }

    /// The precomposed letters of Latin-1 and Latin Extended-A, each found by any canonically equal character (a
    /// `Character` compares and hashes by canonical equivalence).
    static let precomposed: [Character: Character] = Dictionary(
        (0xC0...0x17F).compactMap(Unicode.Scalar.init).map { (Character($0), Character($0)) },
        uniquingKeysWith: { first, _ in first })

    /// The lower-cased UTF-8 of every Latin-1 scalar, as `String.lowercased()` gives it.
    static let latin1Lower: [[UInt8]] = (0..<256).map { value in
        Array(String(Unicode.Scalar(UInt8(value))).lowercased().utf8)
    }
}

extension String {
    fileprivate func replacingApostrophes() -> String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "'" }))
    }
}
