/// The Snowball English ("Porter2") stemmer, as in the Snowball 3.1 `english` algorithm.
public struct EnglishStemmer: Sendable {
    /// Creates a stemmer. It keeps no state, so one instance can be shared across tasks.
    public init() {}

    /// Returns the stem of one lower-case word.
    public func stem(_ word: String) -> String {
        if let special = Self.exceptionalForm(word) {
            return special
        }
        var w = Word(word)
        // Words of one or two letters are left alone (the count is in characters, not bytes).
        guard w.s.count >= 3 else {
            return word
        }
        w.prelude()
        w.markRegions()
        w.step1a()
        w.step1b()
        w.step1c()
        w.step2()
        w.step3()
        w.step4()
        w.step5()
        return w.postlude()
    }
}

private extension EnglishStemmer {
    /// Whole words that bypass the algorithm: irregular forms and words that only look inflected.
    static func exceptionalForm(_ word: String) -> String? {
        // Every entry is at most six bytes long, so longer words skip the string comparisons.
        guard word.utf8.count <= 6 else {
            return nil
        }
        switch word {
        case "skis": return "ski"
        case "skies": return "sky"
        case "idly": return "idl"
        case "gently": return "gentl"
        case "ugly": return "ugli"
        case "early": return "earli"
        case "only": return "onli"
        case "singly": return "singl"
        case "sky", "news", "howe", "atlas", "cosmos", "bias", "andes": return word
        default: return nil
        }
    }

    /// The word being stemmed as Unicode scalars, plus the region starts R1 (`p1`) and R2 (`p2`).
    ///
    /// Every rule of the algorithm only ever changes the end of the word, so edits are truncations and appends.
    /// The regions are computed once, on the word as it is after the prelude, and are not moved when the word
    /// later shrinks or grows, exactly as in the Snowball original.
    struct Word {
        var s: [Unicode.Scalar]
        var p1 = 0
        var p2 = 0
        /// Whether the prelude turned some `y` into a consonant marker `Y` that the postlude must undo.
        var yFound = false

        init(_ word: String) {
            s = Array(word.unicodeScalars)
        }
    }
}

private extension EnglishStemmer.Word {
    // MARK: Character classes

    /// Lower-case `y` counts as a vowel; the prelude has already turned consonantal ones into `Y`.
    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "y": return true
        default: return false
        }
    }

    /// Vowels plus `w`, `x` and `Y`: letters that cannot close a short syllable.
    static func isVowelWXY(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "w", "x", "Y": return true
        default: return isVowel(c)
        }
    }

    /// Letters that may precede a removable `-li`.
    static func isValidLiEnding(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "c", "d", "e", "g", "h", "k", "m", "n", "r", "t": return true
        default: return false
        }
    }

    /// Letters whose doubling before `-ed`/`-ing` is undone (hopping → hop).
    static func isDoubleCandidate(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "b", "d", "f", "g", "m", "n", "p", "r", "t": return true
        default: return false
        }
    }

    // MARK: Matching and editing

    /// Whether the letters just before `end` spell the ASCII string `text`.
    func has(_ text: StaticString, endingAt end: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard end >= count, end <= s.count else {
            return false
        }
        return text.withUTF8Buffer { bytes in
            var i = end - count
            for byte in bytes {
                if s[i].value != UInt32(byte) {
                    return false
                }
                i += 1
            }
            return true
        }
    }

    func hasSuffix(_ text: StaticString) -> Bool {
        has(text, endingAt: s.count)
    }

    /// Whether the word before `end` is exactly `text`.
    func isExactly(_ text: StaticString, endingAt end: Int) -> Bool {
        end == text.utf8CodeUnitCount && has(text, endingAt: end)
    }

    func containsVowel(before end: Int) -> Bool {
        var i = 0
        while i < end {
            if Self.isVowel(s[i]) {
                return true
            }
            i += 1
        }
        return false
    }

    /// Replaces everything from `start` to the end of the word with the ASCII string `text`.
    mutating func replaceEnd(from start: Int, with text: StaticString) {
        s.removeSubrange(start...)
        text.withUTF8Buffer { bytes in
            for byte in bytes {
                s.append(Unicode.Scalar(byte))
            }
        }
    }

    /// Whether the word up to `end` ends in a short syllable.
    func endsInShortSyllable(_ end: Int) -> Bool {
        if end >= 3, !Self.isVowel(s[end - 3]), Self.isVowel(s[end - 2]), !Self.isVowelWXY(s[end - 1]) {
            return true
        }
        if end == 2, Self.isVowel(s[0]), !Self.isVowel(s[1]) {
            return true
        }
        // Snowball 3 treats "past" as short so that pasted/pasting get their `e` back (paste), like hoped → hope.
        return has("past", endingAt: end)
    }

    // MARK: Algorithm steps

    /// Drops a leading apostrophe and marks consonantal `y` (initial, or after a vowel) as `Y`.
    mutating func prelude() {
        if s.first == "'" {
            s.removeFirst()
        }
        if s.first == "y" {
            s[0] = "Y"
            yFound = true
        }
        var i = 1
        while i < s.count {
            if s[i] == "y", Self.isVowel(s[i - 1]) {
                s[i] = "Y"
                yFound = true
                // The new `Y` is no vowel, so it cannot license a `y` right after it ("sayyy" → "saYyY").
                i += 2
            } else {
                i += 1
            }
        }
    }

    /// Sets R1 and R2: each starts after the first non-vowel that follows a vowel in the region before it.
    mutating func markRegions() {
        let n = s.count
        p1 = n
        p2 = n
        // Stems whose R1 is fixed to avoid overstemming (general/generate, university/universe,
        // internal/international/intern, ...).
        let fixed =
            prefixLength("gener") ?? prefixLength("commun") ?? prefixLength("arsen")
            ?? prefixLength("past") ?? prefixLength("univers") ?? prefixLength("later")
            ?? prefixLength("emerg") ?? prefixLength("organ") ?? prefixLength("inter")
        guard let r1 = fixed ?? regionStart(from: 0) else {
            return
        }
        p1 = r1
        if let end = regionStart(from: r1) {
            p2 = end
        }
    }

    /// The length of `text` if the word starts with it.
    func prefixLength(_ text: StaticString) -> Int? {
        has(text, endingAt: text.utf8CodeUnitCount) ? text.utf8CodeUnitCount : nil
    }

    /// The position just after the first non-vowel that follows a vowel, searching from `from`.
    func regionStart(from: Int) -> Int? {
        var i = from
        while i < s.count, !Self.isVowel(s[i]) {
            i += 1
        }
        i += 1
        while i < s.count, Self.isVowel(s[i]) {
            i += 1
        }
        return i < s.count ? i + 1 : nil
    }

    /// Possessives and plurals.
    mutating func step1a() {
        if hasSuffix("'s'") {
            s.removeLast(3)
        } else if hasSuffix("'s") {
            s.removeLast(2)
        } else if hasSuffix("'") {
            s.removeLast()
        }
        let n = s.count
        if hasSuffix("sses") {
            s.removeLast(2)
        } else if hasSuffix("ied") || hasSuffix("ies") {
            // ties → tie, but cries → cri.
            replaceEnd(from: n - 3, with: n - 3 >= 2 ? "i" : "ie")
        } else if hasSuffix("us") || hasSuffix("ss") {
            return
        } else if hasSuffix("s") {
            // The vowel must not be the letter right before the `s`: gas and this keep it, gaps loses it.
            if n >= 2, containsVowel(before: n - 2) {
                s.removeLast()
            }
        }
    }

    /// Verb endings -eed, -ed and -ing (with -ly variants).
    mutating func step1b() {
        let n = s.count
        if hasSuffix("eedly") || hasSuffix("eed") {
            let start = hasSuffix("eedly") ? n - 5 : n - 3
            // proceed, exceed and succeed are not participles.
            let isException =
                isExactly("proc", endingAt: start) || isExactly("exc", endingAt: start)
                || isExactly("succ", endingAt: start)
            if !isException, start >= p1 {
                replaceEnd(from: start, with: "ee")
            }
            return
        }
        let start: Int
        if hasSuffix("ingly") {
            start = n - 5
        } else if hasSuffix("edly") {
            start = n - 4
        } else if hasSuffix("ing") {
            start = n - 3
            // dying → die, lying → lie, tying → tie, vying → vie.
            if start == 2, s[1] == "y", !Self.isVowel(s[0]) {
                replaceEnd(from: 1, with: "ie")
                return
            }
            // Words that merely look like -ing forms of in, out, can, her, ear and even.
            if isExactly("inn", endingAt: start) || isExactly("out", endingAt: start)
                || isExactly("cann", endingAt: start) || isExactly("herr", endingAt: start)
                || isExactly("earr", endingAt: start) || isExactly("even", endingAt: start)
            {
                return
            }
        } else if hasSuffix("ed") {
            start = n - 2
        } else {
            return
        }
        guard containsVowel(before: start) else {
            return
        }
        s.removeSubrange(start...)
        if hasSuffix("at") || hasSuffix("bl") || hasSuffix("iz") {
            // luxuriated → luxuriate.
            s.append("e")
        } else if start >= 2, s[start - 1] == s[start - 2], Self.isDoubleCandidate(s[start - 1]) {
            // hopped → hop, but add, egg and off keep their double letter.
            let isAeoDouble = start == 3 && (s[0] == "a" || s[0] == "e" || s[0] == "o")
            if !isAeoDouble {
                s.removeLast()
            }
        } else if start == p1, endsInShortSyllable(start) {
            // A short word gets its `e` back: hoped → hope.
            s.append("e")
        }
    }

    /// Final `y` after a consonant that is not the first letter becomes `i` (cry → cri, but by → by).
    mutating func step1c() {
        let n = s.count
        guard n >= 3, s[n - 1] == "y" || s[n - 1] == "Y", !Self.isVowel(s[n - 2]) else {
            return
        }
        s[n - 1] = "i"
    }

    /// Derivational suffixes mapped to simpler ones, within R1.
    mutating func step2() {
        guard let last = s.last else {
            return
        }
        let n = s.count
        // Within each group, longer suffixes come first so the longest match wins, as in Snowball's `among`.
        switch last {
        case "l":
            if hasSuffix("ational") {
                replaceInR1(length: 7, with: "ate")
            } else if hasSuffix("tional") {
                replaceInR1(length: 6, with: "tion")
            }
        case "i":
            if hasSuffix("biliti") {
                replaceInR1(length: 6, with: "ble")
            } else if hasSuffix("lessli") {
                replaceInR1(length: 6, with: "less")
            } else if hasSuffix("aliti") {
                replaceInR1(length: 5, with: "al")
            } else if hasSuffix("iviti") {
                replaceInR1(length: 5, with: "ive")
            } else if hasSuffix("entli") {
                replaceInR1(length: 5, with: "ent")
            } else if hasSuffix("ousli") {
                replaceInR1(length: 5, with: "ous")
            } else if hasSuffix("fulli") {
                replaceInR1(length: 5, with: "ful")
            } else if hasSuffix("alli") {
                replaceInR1(length: 4, with: "al")
            } else if hasSuffix("abli") {
                replaceInR1(length: 4, with: "able")
            } else if hasSuffix("enci") {
                replaceInR1(length: 4, with: "ence")
            } else if hasSuffix("anci") {
                replaceInR1(length: 4, with: "ance")
            } else if hasSuffix("bli") {
                replaceInR1(length: 3, with: "ble")
            } else if hasSuffix("ogi") {
                // Only -logi: geologi → geolog.
                if n - 3 >= p1, has("l", endingAt: n - 3) {
                    replaceEnd(from: n - 3, with: "og")
                }
            } else if hasSuffix("li") {
                if n - 2 >= p1, n >= 3, Self.isValidLiEnding(s[n - 3]) {
                    s.removeLast(2)
                }
            }
        case "r":
            if hasSuffix("izer") {
                replaceInR1(length: 4, with: "ize")
            } else if hasSuffix("ator") {
                replaceInR1(length: 4, with: "ate")
            }
        case "n":
            if hasSuffix("ization") {
                replaceInR1(length: 7, with: "ize")
            } else if hasSuffix("ation") {
                replaceInR1(length: 5, with: "ate")
            }
        case "m":
            if hasSuffix("alism") {
                replaceInR1(length: 5, with: "al")
            }
        case "s":
            if hasSuffix("fulness") {
                replaceInR1(length: 7, with: "ful")
            } else if hasSuffix("ousness") {
                replaceInR1(length: 7, with: "ous")
            } else if hasSuffix("iveness") {
                replaceInR1(length: 7, with: "ive")
            }
        case "t":
            if hasSuffix("ogist") {
                // geologist → geolog, to meet geology.
                replaceInR1(length: 5, with: "og")
            }
        default:
            break
        }
    }

    /// More derivational suffixes, within R1 (and R2 for -ative).
    mutating func step3() {
        guard let last = s.last else {
            return
        }
        let n = s.count
        switch last {
        case "l":
            if hasSuffix("ational") {
                replaceInR1(length: 7, with: "ate")
            } else if hasSuffix("tional") {
                replaceInR1(length: 6, with: "tion")
            } else if hasSuffix("ical") {
                replaceInR1(length: 4, with: "ic")
            } else if hasSuffix("ful") {
                replaceInR1(length: 3, with: "")
            }
        case "e":
            if hasSuffix("alize") {
                replaceInR1(length: 5, with: "al")
            } else if hasSuffix("icate") {
                replaceInR1(length: 5, with: "ic")
            } else if hasSuffix("ative"), n - 5 >= p2 {
                // R2 lies within R1, so this also satisfies the R1 condition of the step.
                s.removeLast(5)
            }
        case "i":
            if hasSuffix("iciti") {
                replaceInR1(length: 5, with: "ic")
            }
        case "s":
            if hasSuffix("ness") {
                replaceInR1(length: 4, with: "")
            }
        default:
            break
        }
    }

    /// Suffixes removed outright when they lie within R2.
    mutating func step4() {
        guard let last = s.last else {
            return
        }
        let n = s.count
        let length: Int
        switch last {
        case "l":
            length = hasSuffix("al") ? 2 : 0
        case "e":
            if hasSuffix("ance") || hasSuffix("ence") || hasSuffix("able") || hasSuffix("ible") {
                length = 4
            } else if hasSuffix("ate") || hasSuffix("ive") || hasSuffix("ize") {
                length = 3
            } else {
                length = 0
            }
        case "r":
            length = hasSuffix("er") ? 2 : 0
        case "c":
            length = hasSuffix("ic") ? 2 : 0
        case "t":
            if hasSuffix("ement") {
                length = 5
            } else if hasSuffix("ment") {
                length = 4
            } else if hasSuffix("ent") || hasSuffix("ant") {
                length = 3
            } else {
                length = 0
            }
        case "m":
            length = hasSuffix("ism") ? 3 : 0
        case "i":
            length = hasSuffix("iti") ? 3 : 0
        case "s":
            length = hasSuffix("ous") ? 3 : 0
        case "n":
            // -ion only goes after s or t: adoption → adopt, but not champion.
            length = hasSuffix("ion") && n >= 4 && (s[n - 4] == "s" || s[n - 4] == "t") ? 3 : 0
        default:
            length = 0
        }
        if length > 0, n - length >= p2 {
            s.removeLast(length)
        }
    }

    /// Final `e` (unless it protects a short syllable) and the second `l` of a final `ll`.
    mutating func step5() {
        guard let last = s.last else {
            return
        }
        let n = s.count
        let start = n - 1
        if last == "e" {
            if start >= p2 || (start >= p1 && !endsInShortSyllable(start)) {
                s.removeLast()
            }
        } else if last == "l" {
            if start >= p2, n >= 2, s[n - 2] == "l" {
                s.removeLast()
            }
        }
    }

    /// Turns the `Y` markers back into `y` and returns the stem.
    func postlude() -> String {
        // Encoding to UTF-8 by hand is several times faster than appending scalars to a String.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.count * 4)
        for scalar in s {
            let v = yFound && scalar == "Y" ? UInt32(UInt8(ascii: "y")) : scalar.value
            if v < 0x80 {
                bytes.append(UInt8(v))
            } else if v < 0x800 {
                bytes.append(UInt8(0xC0 | v >> 6))
                bytes.append(UInt8(0x80 | v & 0x3F))
            } else if v < 0x1_0000 {
                bytes.append(UInt8(0xE0 | v >> 12))
                bytes.append(UInt8(0x80 | v >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | v & 0x3F))
            } else {
                bytes.append(UInt8(0xF0 | v >> 18))
                bytes.append(UInt8(0x80 | v >> 12 & 0x3F))
                bytes.append(UInt8(0x80 | v >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | v & 0x3F))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces the last `length` letters with `text` if they start within R1.
    mutating func replaceInR1(length: Int, with text: StaticString) {
        let start = s.count - length
        if start >= p1 {
            replaceEnd(from: start, with: text)
        }
    }
}
