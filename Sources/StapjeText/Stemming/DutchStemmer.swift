/// The Snowball 3 Dutch stemmer (the Kraaij-Pohlmann based `dutch` algorithm, not `dutch_porter`).
public struct DutchStemmer: Sendable {
    /// Creates a stemmer; it keeps no state between words.
    public init() {}

    /// Returns the stem of one lower-case word.
    public func stem(_ word: String) -> String {
        var work = Work(word)
        work.run()
        return work.result
    }
}

extension DutchStemmer {
    /// The word being stemmed plus the Snowball state (regions and flags).
    ///
    /// The word is held as Unicode scalars, which is what Snowball calls a character. The region starts
    /// `p1` and `p2` are character indices that, as in Snowball, stay put when the word is edited. (The C
    /// runtime counts UTF-8 bytes instead; the only edits in front of a region start that change the byte
    /// count differently from the character count are vowel doublings right before the last consonant,
    /// and no later region test looks at a position where the two ways of counting disagree.)
    private struct Work {
        private var chars: [Unicode.Scalar]
        private var p1 = 0
        private var p2 = 0
        private var stemmed = false

        init(_ word: String) {
            chars = Array(word.unicodeScalars)
        }

        /// The word as a string.
        var result: String { ScalarText.string(chars) }

        mutating func run() {
            measure()
            if step1() { stemmed = true }
            if step2() { stemmed = true }
            if step3() { stemmed = true }
            if step4() { stemmed = true }
            // The prefix and infix passes recompute the regions on the shortened word before Step 1c.
            if losePrefix() {
                measure()
                stemmed = true
                step1c()
            }
            if loseInfix() {
                measure()
                stemmed = true
                step1c()
            }
            if step7() { stemmed = true }
            if stemmed { step6() }
        }

        // MARK: - Character classes

        private static func isA(_ c: Unicode.Scalar) -> Bool {
            switch c {
            case "a", "ä", "á", "à", "â": true
            default: false
            }
        }

        private static func isE(_ c: Unicode.Scalar) -> Bool {
            switch c {
            case "e", "ë", "é", "è", "ê": true
            default: false
            }
        }

        private static func isI(_ c: Unicode.Scalar) -> Bool {
            switch c {
            case "i", "ï", "í", "ì", "î": true
            default: false
            }
        }

        private static func isO(_ c: Unicode.Scalar) -> Bool {
            switch c {
            case "o", "ö", "ó", "ò", "ô": true
            default: false
            }
        }

        private static func isU(_ c: Unicode.Scalar) -> Bool {
            switch c {
            case "u", "ü", "ú", "ù", "û": true
            default: false
            }
        }

        private static func isAIOU(_ c: Unicode.Scalar) -> Bool {
            isA(c) || isI(c) || isO(c) || isU(c)
        }

        private static func isAEIOU(_ c: Unicode.Scalar) -> Bool {
            isAIOU(c) || isE(c)
        }

        /// The grouping `v`: the accented vowels plus `y`.
        private static func isVowel(_ c: Unicode.Scalar) -> Bool {
            c == "y" || isAEIOU(c)
        }

        // MARK: - Positions and tests (a position is a gap between characters, 0...count)

        /// Whether the characters just before `end` spell the ASCII `literal`.
        private func has(_ literal: StaticString, endingAt end: Int) -> Bool {
            literal.withUTF8Buffer { bytes in
                guard end >= bytes.count, end <= chars.count else { return false }
                var index = end - bytes.count
                for byte in bytes {
                    guard chars[index].value == UInt32(byte) else { return false }
                    index += 1
                }
                return true
            }
        }

        private func ends(with literal: StaticString) -> Bool {
            has(literal, endingAt: chars.count)
        }

        /// Whether the ASCII `literal` starts at `start`.
        private func has(_ literal: StaticString, startingAt start: Int) -> Bool {
            literal.withUTF8Buffer { bytes in
                guard start + bytes.count <= chars.count else { return false }
                var index = start
                for byte in bytes {
                    guard chars[index].value == UInt32(byte) else { return false }
                    index += 1
                }
                return true
            }
        }

        private func inR1(_ position: Int) -> Bool {
            p1 <= position
        }

        private func inR2(_ position: Int) -> Bool {
            p2 <= position
        }

        /// `V`: a vowel, or the digraph `ij`, just before `position`.
        private func vowelBefore(_ position: Int) -> Bool {
            guard position >= 1 else { return false }
            return Self.isVowel(chars[position - 1]) || has("ij", endingAt: position)
        }

        /// `C`: a consonant just before `position`, where the `j` of `ij` does not count as one.
        private func consonantBefore(_ position: Int) -> Bool {
            guard position >= 1, !has("ij", endingAt: position) else { return false }
            return !Self.isVowel(chars[position - 1])
        }

        // MARK: - Editing

        /// Replaces everything from `position` to the end with the ASCII `literal`.
        private mutating func replaceTail(from position: Int, with literal: StaticString) {
            chars.removeSubrange(position...)
            literal.withUTF8Buffer { bytes in
                for byte in bytes {
                    chars.append(Unicode.Scalar(byte))
                }
            }
        }

        /// `lengthen_V`: doubles the vowel of a final vowel-consonant pair, so `blèr` becomes `blèèr`; a final
        /// `eëC` becomes `eëeC` and `iëC` becomes `ieeC`.
        private mutating func lengthenVowel() {
            let count = chars.count
            guard count >= 2 else { return }
            let last = chars[count - 1]
            guard !Self.isVowel(last), last != "w", last != "x" else { return }
            let vowelIndex = count - 2
            let vowel = chars[vowelIndex]
            if vowel == "ë" {
                // Only the pairs `eë` and `ië` are listed; a lone `ë` is left alone.
                guard vowelIndex >= 1 else { return }
                switch chars[vowelIndex - 1] {
                case "e":
                    chars.insert("e", at: count - 1)
                case "i":
                    chars[vowelIndex] = "e"
                    chars.insert("e", at: count - 1)
                default:
                    break
                }
                return
            }
            let isolated = vowelIndex == 0 || !Self.isAEIOU(chars[vowelIndex - 1])
            guard isolated else { return }
            if Self.isA(vowel) || Self.isO(vowel) || Self.isU(vowel) {
                chars.insert(vowel, at: vowelIndex)
            } else if Self.isE(vowel), eMayLengthen(vowelIndex) {
                chars.insert(vowel, at: vowelIndex)
            }
        }

        /// The extra conditions for doubling an `e` at `index` that follows a consonant or starts the word. With
        /// `C` a consonant and `X` anything, the word must not end, up to that consonant and `e`, in
        /// `a/i/o/u + C`, be `e + C` as a whole, or end in `C + a/i/o/u + X + C`.
        private func eMayLengthen(_ index: Int) -> Bool {
            // The cursor sits before the consonant that precedes the `e`, or at the start of the word.
            let cursor = index == 0 ? 0 : index - 1
            guard cursor >= 1 else { return true }
            let before = chars[cursor - 1]
            if Self.isAIOU(before) || (Self.isE(before) && cursor == 1) { return false }
            if cursor >= 3, Self.isAIOU(chars[cursor - 2]), !Self.isAEIOU(chars[cursor - 3]) { return false }
            return true
        }

        // MARK: - Regions

        /// Sets `p1` and `p2` after the first and second vowel-consonant sequences (`ij` counts as a
        /// vowel); a missing region starts at the end of the word.
        private mutating func measure() {
            p1 = chars.count
            p2 = chars.count
            guard let first = regionStart(after: 0) else { return }
            p1 = first
            guard let second = regionStart(after: first) else { return }
            p2 = second
        }

        /// Skips consonants, at least one vowel (or `ij`), then one consonant; returns the position after it.
        private func regionStart(after start: Int) -> Int? {
            var index = start
            while index < chars.count, !Self.isVowel(chars[index]) { index += 1 }
            let vowelsStart = index
            index = skipVowels(from: index)
            guard index > vowelsStart, index < chars.count else { return nil }
            return index + 1
        }

        /// Skips a run of vowels, taking `ij` as one vowel so its `j` is not seen as a consonant.
        private func skipVowels(from start: Int) -> Int {
            var index = start
            while index < chars.count {
                if has("ij", startingAt: index) {
                    index += 2
                } else if Self.isVowel(chars[index]) {
                    index += 1
                } else {
                    break
                }
            }
            return index
        }

        // MARK: - Steps 1 to 4 (suffixes; the longest listed suffix decides, even if its conditions fail)

        private mutating func step1() -> Bool {
            let count = chars.count
            if ends(with: "aus") {
                guard inR1(count - 3), vowelBefore(count - 3) else { return false }
                chars.removeLast(1)
                return true
            }
            if ends(with: "ies") {
                guard inR1(count - 3) else { return false }
                chars.removeLast(1)
                return true
            }
            if ends(with: "nde") {
                chars.removeLast(1)
                return true
            }
            if ends(with: "'s") {
                chars.removeLast(2)
                return true
            }
            if ends(with: "es") {
                return step1Es()
            }
            if count >= 2, chars[count - 2] == "é", chars[count - 1] == "s" {
                guard inR1(count - 2) else { return false }
                chars.removeLast(1)
                return true
            }
            if ends(with: "en") {
                return step1En()
            }
            if ends(with: "s") {
                let start = count - 1
                if has("t", endingAt: start), inR1(start - 1) { return false }
                guard inR1(start), consonantBefore(start) else { return false }
                chars.removeLast(1)
                return true
            }
            return false
        }

        private mutating func step1Es() -> Bool {
            let start = chars.count - 2
            if has("ar", endingAt: start), inR1(start - 2), consonantBefore(start - 2) {
                chars.removeLast(2)
                lengthenVowel()
                return true
            }
            if has("er", endingAt: start), inR1(start - 2), consonantBefore(start - 2) {
                chars.removeLast(2)
                return true
            }
            guard inR1(start), consonantBefore(start) else { return false }
            chars.removeLast(1)
            return true
        }

        private mutating func step1En() -> Bool {
            let start = chars.count - 2
            if has("hed", endingAt: start), inR1(start - 3) {
                replaceTail(from: start - 3, with: "heid")
                return true
            }
            if has("nd", endingAt: start) {
                chars.removeLast(2)
                return true
            }
            if has("d", endingAt: start), inR1(start - 1), consonantBefore(start - 1) {
                chars.removeLast(3)
                return true
            }
            // No region test here: `-ien` and `-jen` after a vowel always lose the `-en`.
            if has("i", endingAt: start) || has("j", endingAt: start), vowelBefore(start - 1) {
                chars.removeLast(2)
                return true
            }
            guard inR1(start), consonantBefore(start) else { return false }
            chars.removeLast(2)
            lengthenVowel()
            return true
        }

        private mutating func step2() -> Bool {
            let count = chars.count
            if ends(with: "lijke") || ends(with: "ische") {
                guard inR1(count - 5) else { return false }
                chars.removeLast(1)
                return true
            }
            if ends(with: "ieve") {
                guard inR1(count - 4), consonantBefore(count - 4) else { return false }
                replaceTail(from: count - 4, with: "ief")
                return true
            }
            if ends(with: "ene") {
                guard inR1(count - 3), consonantBefore(count - 3) else { return false }
                chars.removeLast(1)
                lengthenVowel()
                return true
            }
            let start = count - 2
            if ends(with: "je") {
                return step2Je()
            }
            if ends(with: "de") {
                guard inR1(start), consonantBefore(start) else { return false }
                chars.removeLast(2)
                return true
            }
            if ends(with: "ge") || ends(with: "te") || ends(with: "se") || ends(with: "re") {
                guard inR1(start) else { return false }
                chars.removeLast(1)
                return true
            }
            if ends(with: "le") {
                guard inR1(start) else { return false }
                chars.removeLast(1)
                lengthenVowel()
                return true
            }
            return false
        }

        private mutating func step2Je() -> Bool {
            let start = chars.count - 2
            if has("'t", endingAt: start) {
                chars.removeLast(4)
                return true
            }
            if has("et", endingAt: start), inR1(start - 2), consonantBefore(start - 2) {
                chars.removeLast(4)
                return true
            }
            if has("rnt", endingAt: start) {
                replaceTail(from: start - 3, with: "rn")
                return true
            }
            if has("t", endingAt: start), inR1(start - 1), vowelBefore(start - 2) {
                chars.removeLast(3)
                return true
            }
            if has("ink", endingAt: start) {
                replaceTail(from: start - 3, with: "ing")
                return true
            }
            if has("mp", endingAt: start) {
                replaceTail(from: start - 2, with: "m")
                return true
            }
            if has("'", endingAt: start), inR1(start - 1) {
                chars.removeLast(3)
                return true
            }
            guard inR1(start), consonantBefore(start) else { return false }
            chars.removeLast(2)
            return true
        }

        private mutating func step3() -> Bool {
            let count = chars.count
            if ends(with: "iteit") {
                guard inR1(count - 5) else { return false }
                chars.removeLast(5)
                lengthenVowel()
                return true
            }
            if ends(with: "atie") {
                guard inR1(count - 4) else { return false }
                replaceTail(from: count - 4, with: "eer")
                return true
            }
            if ends(with: "heid") || ends(with: "ster") {
                guard inR1(count - 4) else { return false }
                chars.removeLast(4)
                return true
            }
            if ends(with: "rder") {
                chars.removeLast(3)
                return true
            }
            if ends(with: "isme") || ends(with: "erij") {
                return step3Ing(start: count - 4)
            }
            if ends(with: "arij") {
                guard inR1(count - 4), consonantBefore(count - 4) else { return false }
                replaceTail(from: count - 4, with: "aar")
                return true
            }
            if ends(with: "sel") {
                guard inR1(count - 3) else { return false }
                chars.removeLast(3)
                return true
            }
            if ends(with: "ing") {
                return step3Ing(start: count - 3)
            }
            if ends(with: "fie") || ends(with: "gie") {
                guard inR2(count - 3) else { return false }
                chars.removeLast(2)
                lengthenVowel()
                return true
            }
            if ends(with: "tst") || ends(with: "dst") {
                guard inR1(count - 3), consonantBefore(count - 3) else { return false }
                chars.removeLast(2)
                return true
            }
            return false
        }

        /// The shared action of `-ing`, `-isme` and `-erij` starting at `start`.
        private mutating func step3Ing(start: Int) -> Bool {
            // `schilderij` must not end up as `schild`.
            if has("ild", endingAt: start) {
                replaceTail(from: start, with: "er")
                return true
            }
            guard inR1(start) else { return false }
            chars.removeLast(chars.count - start)
            lengthenVowel()
            return true
        }

        private mutating func step4() -> Bool {
            step4Main() || step4Ig()
        }

        private mutating func step4Main() -> Bool {
            let count = chars.count
            if ends(with: "achtiger") || ends(with: "achtigst") {
                return deleteInR1(8)
            }
            if ends(with: "ioneel") {
                guard inR1(count - 6) else { return false }
                replaceTail(from: count - 6, with: "ie")
                return true
            }
            if ends(with: "lijker") || ends(with: "lijkst") {
                guard inR1(count - 6) else { return false }
                replaceTail(from: count - 6, with: "lijk")
                return true
            }
            if ends(with: "achtig") {
                return deleteInR1(6)
            }
            if ends(with: "eriger") || ends(with: "erigst") {
                return deleteAfterConsonantAndLengthen(6)
            }
            if ends(with: "atief") {
                guard inR1(count - 5) else { return false }
                replaceTail(from: count - 5, with: "eer")
                return true
            }
            if ends(with: "baar") {
                return deleteInR1(4)
            }
            if ends(with: "naar") || ends(with: "laar") || ends(with: "raar") {
                guard inR1(count - 4), vowelBefore(count - 4) else { return false }
                chars.removeLast(3)
                return true
            }
            if ends(with: "tant") {
                guard inR1(count - 4) else { return false }
                replaceTail(from: count - 4, with: "teer")
                return true
            }
            if ends(with: "erig") {
                return deleteAfterConsonantAndLengthen(4)
            }
            if ends(with: "end") {
                return deleteAfterConsonantAndLengthen(3)
            }
            return false
        }

        private mutating func step4Ig() -> Bool {
            let length: Int
            if ends(with: "iger") || ends(with: "igst") {
                length = 4
            } else if ends(with: "ig") {
                length = 2
            } else {
                return false
            }
            // `innig` must not end up as `in`.
            if chars.count - length == 3, has("inn", startingAt: 0) { return false }
            return deleteAfterConsonantAndLengthen(length)
        }

        private mutating func deleteInR1(_ length: Int) -> Bool {
            guard inR1(chars.count - length) else { return false }
            chars.removeLast(length)
            return true
        }

        private mutating func deleteAfterConsonantAndLengthen(_ length: Int) -> Bool {
            let start = chars.count - length
            guard inR1(start), consonantBefore(start) else { return false }
            chars.removeLast(length)
            lengthenVowel()
            return true
        }

        // MARK: - The `ge-` prefix and infix

        /// Removes a leading `ge` when a syllable follows it, except in a few listed words.
        private mutating func losePrefix() -> Bool {
            guard has("ge", startingAt: 0), syllableFollows(2) else { return false }
            // `geeft`, `gevallen`/`geval`, `gevaar`/`gevaren` keep their prefix; `gevalideerd` does not.
            var cursor = 2
            if has("vali", startingAt: 2) {
                cursor = 6
            } else if has("vare", startingAt: 2) || has("eft", startingAt: 2) || has("val", startingAt: 2)
                || has("vaa", startingAt: 2)
            {
                return false
            }
            chars.removeSubrange(0..<2)
            undoDiaeresis(at: cursor - 2)
            return true
        }

        /// Removes the first `ge` found after the first character when a syllable follows it.
        private mutating func loseInfix() -> Bool {
            guard !chars.isEmpty else { return false }
            var start = 1
            while start + 1 < chars.count, !has("ge", startingAt: start) { start += 1 }
            // Only the first `ge` is tried; a later one is not looked for if this one fails.
            guard start + 1 < chars.count, syllableFollows(start + 2) else { return false }
            chars.removeSubrange(start..<(start + 2))
            undoDiaeresis(at: start)
            return true
        }

        /// At least three characters follow `position`, and something follows the first vowel run.
        private func syllableFollows(_ position: Int) -> Bool {
            guard position + 3 <= chars.count else { return false }
            var index = position
            while index < chars.count, !Self.isVowel(chars[index]) { index += 1 }
            guard index < chars.count else { return false }
            return skipVowels(from: index) < chars.count
        }

        /// Without the `ge` the diaeresis that split the vowels is no longer needed (`geïnd` → `ind`).
        private mutating func undoDiaeresis(at index: Int) {
            guard index < chars.count else { return }
            switch chars[index] {
            case "ë": chars[index] = "e"
            case "ï": chars[index] = "i"
            default: break
            }
        }

        // MARK: - Steps 1c, 7 and 6

        /// After a `ge` was removed, drops the final `d` or `t` of a participle.
        private mutating func step1c() {
            let count = chars.count
            guard let last = chars.last, last == "d" || last == "t" else { return }
            let start = count - 1
            guard inR1(start), consonantBefore(start) else { return }
            if last == "d" {
                if has("n", endingAt: start), inR1(start - 1) { return }
                // `geïnd` goes with `innen` rather than with `in`.
                if count == 3, has("in", startingAt: 0) {
                    chars[start] = "n"
                    return
                }
            } else {
                if has("h", endingAt: start), inR1(start - 1) { return }
                // `geënt` must not end up as `en`.
                if count == 3, has("en", startingAt: 0) { return }
            }
            chars.removeLast(1)
        }

        private mutating func step7() -> Bool {
            guard ends(with: "kt") || ends(with: "ft") || ends(with: "pt") else { return false }
            chars.removeLast(1)
            return true
        }

        /// Undoubles a final consonant and devoices a final `v` or `z`.
        private mutating func step6() {
            let count = chars.count
            guard let last = chars.last else { return }
            if count >= 2, chars[count - 2] == last, Self.isDoublable(last) {
                // `innen` must not end up as `in`.
                if last == "n", count == 3, chars[0] == "i" { return }
                chars.removeLast(1)
                return
            }
            switch last {
            case "v": chars[count - 1] = "f"
            case "z": chars[count - 1] = "s"
            default: break
            }
        }

        /// The consonants whose doubled form Step 6 reduces: every ASCII letter except the vowels and `y`.
        private static func isDoublable(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) && !isVowel(c)
        }
    }
}
