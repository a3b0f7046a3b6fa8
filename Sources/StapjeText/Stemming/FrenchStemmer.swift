/// The Snowball French stemmer (Snowball 3 algorithm), reducing inflected French words to a common stem.
public struct FrenchStemmer: Sendable {
    public init() {}

    /// Returns the stem of one lower-case word.
    public func stem(_ word: String) -> String {
        var work = Word(word)
        work.removeElision()
        work.markVowelsAsConsonants()
        work.markRegions()
        work.stripSuffixes()
        return work.restoredString()
    }
}

private extension FrenchStemmer {
    // What to do once a suffix has been found: one case per action group of the corresponding Snowball `among`.

    enum StandardAction {
        case deleteInR2, ation, logie, usion, ence, ement, ite, ive, eaux, aux, oux, euse, issement
        case amment, emment, ment
    }

    enum AfterEmentAction {
        case iv, eus, deleteInR2, ier
    }

    enum AfterIteAction {
        case abil, ic, iv
    }

    enum VerbAction {
        case ions, delete, withOptionalE, ais
    }

    enum ResidualAction {
        case ion, ier, delete
    }

    /// A suffix table, kept longest first so that the first hit is the longest match, as Snowball's `among` wants.
    ///
    /// Flat: every suffix's scalars in one list and each entry a range of it, so looking through a table (a few
    /// dozen entries, for every word stemmed) reads plain values instead of retaining an array per entry.
    struct Table<Action: Sendable>: Sendable {
        struct Entry: Sendable {
            /// The suffix's scalars in `scalars`.
            let start: Int
            let count: Int
            /// Its last scalar, compared first: most entries end in another letter than the word.
            let last: Unicode.Scalar
            let action: Action
        }

        let scalars: [Unicode.Scalar]
        let entries: [Entry]

        init(_ groups: [(suffixes: [String], action: Action)]) {
            var suffixes: [(suffix: [Unicode.Scalar], action: Action)] = []
            for group in groups {
                for suffix in group.suffixes {
                    suffixes.append((Array(suffix.unicodeScalars), group.action))
                }
            }
            // Two different suffixes of equal length can never both match, so their relative order is irrelevant.
            suffixes.sort { $0.suffix.count > $1.suffix.count }
            var scalars: [Unicode.Scalar] = []
            var entries: [Entry] = []
            for (suffix, action) in suffixes {
                entries.append(
                    Entry(start: scalars.count, count: suffix.count, last: suffix[suffix.count - 1], action: action))
                scalars += suffix
            }
            self.scalars = scalars
            self.entries = entries
        }
    }

    // The prelude marks vowels that act as consonants with upper-case letters (and 'H' before a diaeresis
    // vowel); input is lower-case, so these can never clash with real letters.
    static let standardSuffixes = Table([
        (
            ["ance", "iqUe", "isme", "able", "iste", "eux", "ances", "iqUes", "ismes", "ables", "istes"],
            StandardAction.deleteInR2
        ),
        (["atrice", "ateur", "ation", "atrices", "ateurs", "ations"], .ation),
        (["logie", "logies"], .logie),
        (["usion", "ution", "usions", "utions"], .usion),
        (["ence", "ences"], .ence),
        (["ement", "ements"], .ement),
        (["ité", "ités"], .ite),
        (["if", "ive", "ifs", "ives"], .ive),
        (["eaux"], .eaux),
        (["aux"], .aux),
        (["oux"], .oux),
        (["euse", "euses"], .euse),
        (["issement", "issements"], .issement),
        (["amment"], .amment),
        (["emment"], .emment),
        (["ment", "ments"], .ment),
    ])

    static let afterEment = Table([
        (["iv"], AfterEmentAction.iv),
        (["eus"], .eus),
        (["abl", "iqU"], .deleteInR2),
        (["ièr", "Ièr"], .ier),
    ])

    static let afterIte = Table([
        (["abil"], AfterIteAction.abil),
        (["ic"], .ic),
        (["iv"], .iv),
    ])

    // Every -ir ending gets the same treatment, so the table's action is never consulted.
    static let iVerbSuffixes = Table([
        (
            [
                "îmes", "ît", "îtes", "i", "ie", "ies", "ir", "ira", "irai", "iraIent", "irais", "irait", "iras",
                "irent", "irez", "iriez", "irions", "irons", "iront", "is", "issaIent", "issais", "issait", "issant",
                "issante", "issantes", "issants", "isse", "issent", "isses", "issez", "issiez", "issions", "issons",
                "it",
            ], VerbAction.delete
        )
    ])

    static let verbSuffixes = Table([
        (["ions"], VerbAction.ions),
        (
            [
                "é", "ée", "ées", "és", "èrent", "er", "era", "erai", "eraIent", "erais", "erait", "eras", "erez",
                "eriez", "erions", "erons", "eront", "ez", "iez", "eais",
            ], .delete
        ),
        (
            [
                "âmes", "ât", "âtes", "a", "ai", "aIent", "ait", "ant", "ante", "antes", "ants", "as", "asse", "assent",
                "asses", "assiez", "assions",
            ], .withOptionalE
        ),
        (["ais", "aise", "aises"], .ais),
    ])

    static let residualSuffixes = Table([
        (["ion"], ResidualAction.ion),
        (["ier", "ière", "Ier", "Ière"], .ier),
        (["e"], .delete),
    ])

    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "y", "â", "à", "ë", "é", "ê", "è", "ï", "î", "ô", "û", "ù": true
        default: false
        }
    }

    /// The word being stemmed, as scalars, with the region starts of the algorithm (indices into `chars`).
    struct Word {
        var chars: [Unicode.Scalar]
        var rv = 0
        var r1 = 0
        var r2 = 0

        init(_ word: String) {
            chars = Array(word.unicodeScalars)
        }

        // MARK: Forward passes

        /// Drops a leading elided article or pronoun such as "l'" or "qu'" when a word follows it.
        mutating func removeElision() {
            var length = 0
            if chars.count > 2, chars[1] == "'" {
                switch chars[0] {
                case "c", "d", "j", "l", "m", "n", "s", "t": length = 2
                default: break
                }
            } else if chars.count > 3, chars[0] == "q", chars[1] == "u", chars[2] == "'" {
                length = 3
            }
            chars.removeFirst(length)
        }

        /// Upper-cases u, i and y where they behave as consonants and splits ë and ï into 'H' plus the bare vowel,
        /// so that the vowel tests below treat them correctly.
        mutating func markVowelsAsConsonants() {
            var index = 0
            // Snowball's `repeat goto` retries the same position after each change, because one change
            // (e.g. marking the letter after a vowel) can enable another rule at that position.
            while index < chars.count {
                if !markOnce(at: index) {
                    index += 1
                }
            }
        }

        private mutating func markOnce(at index: Int) -> Bool {
            let c = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            let vowelAfterNext = index + 2 < chars.count && FrenchStemmer.isVowel(chars[index + 2])
            if FrenchStemmer.isVowel(c), let next {
                if next == "u" && vowelAfterNext {
                    chars[index + 1] = "U"
                    return true
                }
                if next == "i" && vowelAfterNext {
                    chars[index + 1] = "I"
                    return true
                }
                if next == "y" {
                    chars[index + 1] = "Y"
                    return true
                }
            }
            switch c {
            case "ë":
                chars[index] = "H"
                chars.insert("e", at: index + 1)
                return true
            case "ï":
                chars[index] = "H"
                chars.insert("i", at: index + 1)
                return true
            case "y":
                guard let next, FrenchStemmer.isVowel(next) else { return false }
                chars[index] = "Y"
                return true
            case "q":
                guard next == "u" else { return false }
                chars[index + 1] = "U"
                return true
            default:
                return false
            }
        }

        /// Sets RV, R1 and R2; a region that cannot be found starts at the end of the word (it is empty).
        mutating func markRegions() {
            let count = chars.count
            rv = count
            r1 = count
            r2 = count
            if count >= 3 && FrenchStemmer.isVowel(chars[0]) && FrenchStemmer.isVowel(chars[1]) {
                rv = 3
            } else if hasPrefix("par") || hasPrefix("col") || hasPrefix("tap")
                || (hasPrefix("ni") && count >= 3 && FrenchStemmer.isVowel(chars[2]))
            {
                // Snowball's exception list: short stems like pari/colis/tapis/niais keep their first syllable.
                rv = 3
            } else if let vowel = firstIndex(from: 1, vowel: true) {
                rv = vowel + 1
            }
            guard let vowel1 = firstIndex(from: 0, vowel: true),
                let consonant1 = firstIndex(from: vowel1 + 1, vowel: false)
            else { return }
            r1 = consonant1 + 1
            guard let vowel2 = firstIndex(from: r1, vowel: true),
                let consonant2 = firstIndex(from: vowel2 + 1, vowel: false)
            else { return }
            r2 = consonant2 + 1
        }

        private func hasPrefix(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard chars.count >= count else { return false }
            return prefix.withUTF8Buffer { bytes in
                bytes.indices.allSatisfy { chars[$0].value == UInt32(bytes[$0]) }
            }
        }

        private func firstIndex(from start: Int, vowel: Bool) -> Int? {
            var index = start
            while index < chars.count {
                if FrenchStemmer.isVowel(chars[index]) == vowel { return index }
                index += 1
            }
            return nil
        }

        /// Undoes the prelude's markers: upper-case letters become lower-case again and 'H' rejoins its vowel.
        func restoredString() -> String {
            var result: [Unicode.Scalar] = []
            result.reserveCapacity(chars.count)
            var index = 0
            while index < chars.count {
                let c = chars[index]
                index += 1
                switch c {
                case "I": result.append("i")
                case "U": result.append("u")
                case "Y": result.append("y")
                case "H":
                    guard index < chars.count else { break }
                    if chars[index] == "e" {
                        result.append("ë")
                        index += 1
                    } else if chars[index] == "i" {
                        result.append("ï")
                        index += 1
                    }
                default: result.append(c)
                }
            }
            return ScalarText.string(result)
        }

        // MARK: Suffix removal (Snowball's backward mode)

        mutating func stripSuffixes() {
            if standardSuffix() || iVerbSuffix() || verbSuffix() {
                // A final Y or ç left bare by the removal goes back to its plain spelling.
                switch chars.last {
                case "Y": chars[chars.count - 1] = "i"
                case "ç": chars[chars.count - 1] = "c"
                default: break
                }
            } else {
                residualSuffix()
            }
            undouble()
            unaccent()
        }

        /// The longest suffix of `table` that starts at or after `limit`, with its start index.
        private func longestSuffix<Action>(in table: Table<Action>, limit: Int = 0) -> (action: Action, start: Int)? {
            let count = chars.count
            guard let last = chars.last else { return nil }
            return table.entries.withUnsafeBufferPointer { entries in
                table.scalars.withUnsafeBufferPointer { scalars in
                    chars.withUnsafeBufferPointer { chars in
                        for entry in entries {
                            let start = count - entry.count
                            guard start >= limit, entry.last == last else { continue }
                            var offset = 0
                            while offset < entry.count - 1 && chars[start + offset] == scalars[entry.start + offset] {
                                offset += 1
                            }
                            if offset == entry.count - 1 { return (entry.action, start) }
                        }
                        return nil
                    }
                }
            }
        }

        private func endsWith(_ suffix: [Unicode.Scalar], at end: Int) -> Bool {
            let start = end - suffix.count
            guard start >= 0 else { return false }
            for offset in suffix.indices where chars[start + offset] != suffix[offset] {
                return false
            }
            return true
        }

        private func endsWith(_ suffix: StaticString, at end: Int) -> Bool {
            let start = end - suffix.utf8CodeUnitCount
            guard start >= 0 else { return false }
            return suffix.withUTF8Buffer { bytes in
                bytes.indices.allSatisfy { chars[start + $0].value == UInt32(bytes[$0]) }
            }
        }

        /// The start of `suffix` if the word currently ends with it.
        private func start(ofSuffix suffix: StaticString) -> Int? {
            endsWith(suffix, at: chars.count) ? chars.count - suffix.utf8CodeUnitCount : nil
        }

        private mutating func truncate(at index: Int) {
            chars.removeSubrange(index...)
        }

        private mutating func replaceTail(from index: Int, with replacement: StaticString) {
            chars.removeSubrange(index...)
            replacement.withUTF8Buffer { bytes in
                for byte in bytes { chars.append(Unicode.Scalar(byte)) }
            }
        }

        /// Deletes the suffix starting at `start` when it lies in R2, otherwise rewrites it (e.g. ic → iqU).
        private mutating func deleteInR2(_ start: Int, orReplaceWith replacement: StaticString) {
            if start >= r2 {
                truncate(at: start)
            } else {
                replaceTail(from: start, with: replacement)
            }
        }

        private mutating func standardSuffix() -> Bool {
            guard let (action, start) = longestSuffix(in: FrenchStemmer.standardSuffixes) else { return false }
            switch action {
            case .deleteInR2:
                guard start >= r2 else { return false }
                truncate(at: start)
            case .ation:
                guard start >= r2 else { return false }
                truncate(at: start)
                if let ic = self.start(ofSuffix: "ic") {
                    deleteInR2(ic, orReplaceWith: "iqU")
                }
            case .logie:
                guard start >= r2 else { return false }
                replaceTail(from: start, with: "log")
            case .usion:
                guard start >= r2 else { return false }
                replaceTail(from: start, with: "u")
            case .ence:
                guard start >= r2 else { return false }
                replaceTail(from: start, with: "ent")
            case .ement:
                guard start >= rv else { return false }
                truncate(at: start)
                afterEmentSuffix()
            case .ite:
                guard start >= r2 else { return false }
                truncate(at: start)
                afterIteSuffix()
            case .ive:
                guard start >= r2 else { return false }
                truncate(at: start)
                if let at = self.start(ofSuffix: "at"), at >= r2 {
                    truncate(at: at)
                    if let ic = self.start(ofSuffix: "ic") {
                        deleteInR2(ic, orReplaceWith: "iqU")
                    }
                }
            case .eaux:
                replaceTail(from: start, with: "eau")
            case .aux:
                guard start >= r1 else { return false }
                replaceTail(from: start, with: "al")
            case .oux:
                guard start >= 1 else { return false }
                switch chars[start - 1] {
                case "b", "h", "j", "l", "n", "p": replaceTail(from: start, with: "ou")
                default: return false
                }
            case .euse:
                if start >= r2 {
                    truncate(at: start)
                } else if start >= r1 {
                    replaceTail(from: start, with: "eux")
                } else {
                    return false
                }
            case .issement:
                guard start >= r1, start >= 1, !FrenchStemmer.isVowel(chars[start - 1]) else { return false }
                truncate(at: start)
            // The -ment family reports failure even after changing the word, so that the verb suffixes get a
            // go at what is left (-ment usually follows a past participle: confusément).
            case .amment:
                if start >= rv { replaceTail(from: start, with: "ant") }
                return false
            case .emment:
                if start >= rv { replaceTail(from: start, with: "ent") }
                return false
            case .ment:
                if start >= 1, start - 1 >= rv, FrenchStemmer.isVowel(chars[start - 1]) {
                    truncate(at: start)
                }
                return false
            }
            return true
        }

        private mutating func afterEmentSuffix() {
            guard let (action, start) = longestSuffix(in: FrenchStemmer.afterEment) else { return }
            switch action {
            case .iv:
                guard start >= r2 else { return }
                truncate(at: start)
                if let at = self.start(ofSuffix: "at"), at >= r2 {
                    truncate(at: at)
                }
            case .eus:
                if start >= r2 {
                    truncate(at: start)
                } else if start >= r1 {
                    replaceTail(from: start, with: "eux")
                }
            case .deleteInR2:
                if start >= r2 { truncate(at: start) }
            case .ier:
                if start >= rv { replaceTail(from: start, with: "i") }
            }
        }

        private mutating func afterIteSuffix() {
            guard let (action, start) = longestSuffix(in: FrenchStemmer.afterIte) else { return }
            switch action {
            case .abil: deleteInR2(start, orReplaceWith: "abl")
            case .ic: deleteInR2(start, orReplaceWith: "iqU")
            case .iv: if start >= r2 { truncate(at: start) }
            }
        }

        /// Verb endings of the -ir conjugation, only removed (within RV) after a consonant.
        private mutating func iVerbSuffix() -> Bool {
            guard chars.count >= rv,
                let (_, start) = longestSuffix(in: FrenchStemmer.iVerbSuffixes, limit: rv)
            else { return false }
            // The letter before must also be in RV; 'H' counts as a consonant but marks a diaeresis, so is excluded.
            guard start - 1 >= rv, chars[start - 1] != "H", !FrenchStemmer.isVowel(chars[start - 1]) else {
                return false
            }
            truncate(at: start)
            return true
        }

        /// Other verb endings: the ending must lie in RV, but the conditions of its action look outside RV too.
        private mutating func verbSuffix() -> Bool {
            guard chars.count >= rv,
                let (action, start) = longestSuffix(in: FrenchStemmer.verbSuffixes, limit: rv)
            else { return false }
            switch action {
            case .ions:
                guard start >= r2 else { return false }
                truncate(at: start)
            case .delete:
                truncate(at: start)
            case .withOptionalE:
                if start >= 1, start - 1 >= rv, chars[start - 1] == "e" {
                    truncate(at: start - 1)
                } else {
                    truncate(at: start)
                }
            case .ais:
                // Nouns and adjectives that merely look like -ais verb forms: palais (any one letter + al),
                // mauvais, déplais.
                let looksLikeNoun =
                    (start == 3 && chars[1] == "a" && chars[2] == "l")
                    || endsWith("auv", at: start) || endsWith(Self.epl, at: start)
                guard !looksLikeNoun else { return false }
                truncate(at: start)
            }
            return true
        }

        private static let epl: [Unicode.Scalar] = ["é", "p", "l"]

        /// Runs only when no standard or verb suffix was removed.
        private mutating func residualSuffix() {
            if chars.count >= 2, chars[chars.count - 1] == "s" {
                let before = chars[chars.count - 2]
                // A plural s stays after a, i, o, u, è or s, except after a diaeresis ï (marked "Hi").
                let afterDiaeresisI = before == "i" && chars.count >= 3 && chars[chars.count - 3] == "H"
                let keepsS: Bool
                switch before {
                case "a", "i", "o", "u", "è", "s": keepsS = true
                default: keepsS = false
                }
                if afterDiaeresisI || !keepsS {
                    chars.removeLast()
                }
            }
            guard chars.count >= rv,
                let (action, start) = longestSuffix(in: FrenchStemmer.residualSuffixes, limit: rv)
            else { return }
            switch action {
            case .ion:
                if start >= r2, start - 1 >= rv, chars[start - 1] == "s" || chars[start - 1] == "t" {
                    truncate(at: start)
                }
            case .ier:
                replaceTail(from: start, with: "i")
            case .delete:
                truncate(at: start)
            }
        }

        /// Drops the last letter of a doubled consonant in -enn, -onn, -ett, -ell and -eill.
        private mutating func undouble() {
            let end = chars.count
            if endsWith("enn", at: end) || endsWith("onn", at: end) || endsWith("ett", at: end)
                || endsWith("ell", at: end) || endsWith("eill", at: end)
            {
                chars.removeLast()
            }
        }

        /// Turns é or è into e when only consonants (at least one) follow it.
        private mutating func unaccent() {
            var index = chars.count - 1
            while index >= 0 && !FrenchStemmer.isVowel(chars[index]) {
                index -= 1
            }
            guard index >= 0, index < chars.count - 1, chars[index] == "é" || chars[index] == "è" else { return }
            chars[index] = "e"
        }
    }
}
