import StapjeText

/// One word after analysis, ready for matching.
public struct AnalyzedToken: Sendable, Hashable, Codable {
    /// What the person typed.
    public var original: String
    /// Lower-cased, no accents, after typo correction.
    public var folded: String
    /// The stem used for matching.
    public var stem: String
    /// True for small words that carry no topic.
    public var isStop: Bool
    /// True when the content knows this word (directly, after a correction, or through its compound parts).
    public var isKnown: Bool
    /// The word before correction, when a typo was corrected.
    public var correctedFrom: String?
    /// Set when a Dutch compound was split into known parts ("treintijden" → "trein", "tijden").
    public var compoundOf: String?

    /// Whether the word is made of digits ("800", "1700"): a number, which counts only where a rule names it.
    var isNumber: Bool { folded.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
}

/// What analysis found beyond the tokens: corrections and refusals, for explanations.
public struct AnalysisNotes: Sendable, Hashable, Codable {
    /// Typos that were corrected: "sollisiteren → solliciteren".
    public var corrections: [String] = []
    /// Words left alone because two known words were equally close.
    public var ambiguous: [String] = []
    /// Compounds split into known parts.
    public var compounds: [String] = []
    /// Words left alone because another language's content uses them ("salut" in a Dutch question is no typo).
    public var otherLanguage: [String] = []
}

/// What `Analyzer.init` knows of a word while it builds its entries (bits of a `WordTable<UInt8>`).
private enum WordFlag {
    static let vocabulary: UInt8 = 1
    static let word: UInt8 = 2
    static let exact: UInt8 = 4
    static let stop: UInt8 = 8
    static let filler: UInt8 = 16
}

/// A language's stemmer with the stems a curator set (`_stems.yaml`) taking precedence: the Snowball algorithms are
/// kept exactly, and a word they would merge with a word of another meaning ("gemeente" and "mening" both give
/// "meen" in Dutch) is given its own stem by the content.
struct CuratedStemmer: Sendable {
    let stemmer: Stemmer
    /// Stems by word as typed in lower case, folded like the stemmer's.
    let curated: [String: String]

    init(language: Language, curated: [String: String] = [:]) {
        stemmer = Stemmer(language: language)
        var table: [String: String] = [:]
        // The same word typed without its accents gets the same stem (the first in word order when two words fold
        // alike), unless the curator set that spelling too.
        for (word, stem) in curated.sorted(by: { $0.key < $1.key }) where table[TextFolding.fold(word)] == nil {
            table[TextFolding.fold(word)] = TextFolding.fold(stem)
        }
        for (word, stem) in curated { table[word] = TextFolding.fold(stem) }
        self.curated = table
    }

    /// The curated stem of a lower-case word, else the stemmer's.
    func stem(_ lower: String) -> String {
        if !curated.isEmpty, let stem = curated[lower] { return stem }
        return stemmer.stem(lower)
    }
}

/// The text analysis of one language, compiled against the content's vocabulary.
struct Analyzer: Sendable {
    let language: Language
    let stemmer: CuratedStemmer
    let stopWords: Set<String>
    let fillers: Set<String>
    private(set) var typos: TypoIndex
    let knownStems: Set<String>
    /// Words known only as typed (see `init`): found as themselves and as parts of compounds, never by correction.
    let exactWords: Set<String>
    /// The content's phrases of several words written without their spaces ("motdepasse", "adressemail"), each with
    /// its words: a person who leaves the spaces out typed the phrase (see `gluedPhrases(_:except:)`).
    private(set) var gluedPhrases: [String: [String]] = [:]
    /// What is known of every word the content uses (lower-cased, accents kept, and folded): its stem, so Snowball
    /// runs only on new words, and whether it is a small word and a known one, so a known word costs one lookup.
    private(set) var entries: WordTable<Entry>

    struct Entry: Sendable {
        let stem: String
        let isStop: Bool
        /// A small word, a content word, or a word whose stem the content uses: no correction needed.
        let isKnown: Bool
        /// Whether the folded word is an article or politeness word (dropped from whole-message matching).
        let isFiller: Bool
        /// The stem's id in the language model's stem table (-1: no rule uses it), set by `finished`.
        var stemID: Int32 = -1
    }

    /// What matching needs of one analysed word beyond the token: its stem id and whether it is a filler, when
    /// the word was known as typed (one lookup for all of it); `nil` when they must be looked up.
    struct WordIDs {
        let stemID: Int32
        let isFiller: Bool
    }
    let tokenizer = Tokenizer()

    /// - Parameters:
    ///   - keepSmallWords: drop only articles and politeness words. Used when intents are defined by examples
    ///     alone: without rules, "how much", "when" and "what" carry the intent, and IDF already weighs frequent
    ///     words down.
    ///   - exactWords: folded words known only as typed: never the result of a typo correction.
    ///   - curatedStems: stems the content sets for some words (`_stems.yaml`), used instead of the stemmer's.
    ///   - buildingTypos: false to leave the typo index empty, for a compiler that builds it on another core
    ///     (over `contentWords(_:)`) and adds it with `finished(typos:stemIDs:gluedPhrases:)`.
    init(
        language: Language, vocabulary: Set<String>, words: Set<String> = [], exactWords: Set<String> = [],
        keepSmallWords: Bool = false, buildingTypos: Bool = true, curatedStems: [String: String] = [:]
    ) {
        self.language = language
        let stemmer = CuratedStemmer(language: language, curated: curatedStems)
        self.stemmer = stemmer
        let stopWords = keepSmallWords ? StopWords.fillers(for: language) : StopWords.words(for: language)
        self.stopWords = stopWords
        self.fillers = StopWords.fillers(for: language)
        let fillers = self.fillers
        self.typos = TypoIndex(vocabulary: buildingTypos ? vocabulary.filter { !stopWords.contains($0) } : [])
        // What is known of each word, in one table hashed over its bytes (a set of strings hashes every word with
        // SipHash again for each question asked of it): whether it is a word of the vocabulary, of `words`, an exact
        // word, a small word, a filler. The small words and fillers are looked up in the table, not the other way
        // round: they are a few hundred, the vocabulary thousands.
        var flags = WordTable<UInt8>(minimumCapacity: vocabulary.count + words.count)
        for word in vocabulary { flags[word] = WordFlag.vocabulary }
        for word in exactWords { flags[word] = (flags[word] ?? 0) | WordFlag.exact }
        // Every word is stemmed once, into a list: the stems of the content words are needed before the entries.
        var stems: [(word: String, stem: String)] = []
        stems.reserveCapacity(vocabulary.count + words.count)
        for word in vocabulary { stems.append((word, stemmer.stem(word))) }
        for word in words {
            let known = flags[word] ?? 0
            if known & WordFlag.vocabulary == 0 { stems.append((word, stemmer.stem(word))) }
            flags[word] = known | WordFlag.word
        }
        for word in stopWords { if let known = flags[word] { flags[word] = known | WordFlag.stop } }
        for word in fillers { if let known = flags[word] { flags[word] = known | WordFlag.filler } }
        /// The flags of a folded word; one the table does not hold as a word of the vocabulary or an exact word is
        /// asked of the sets.
        func flagsOf(_ folded: String) -> UInt8 {
            if let known = flags[folded], known & (WordFlag.vocabulary | WordFlag.exact) != 0 { return known }
            return (stopWords.contains(folded) ? WordFlag.stop : 0) | (fillers.contains(folded) ? WordFlag.filler : 0)
        }
        /// A word of the content: of the vocabulary, and no small word.
        func isContent(_ flags: UInt8) -> Bool {
            flags & WordFlag.vocabulary != 0 && flags & WordFlag.stop == 0
        }
        var knownStems = Set<String>(minimumCapacity: vocabulary.count)
        for (word, stem) in stems where isContent(flags[word] ?? 0) { knownStems.insert(stem) }
        self.knownStems = knownStems
        self.exactWords = exactWords
        var entries = WordTable<Entry>(minimumCapacity: stems.count)
        // A content word typed without its accents takes the content word's stem: Snowball reads accents as
        // suffixes ("données" -> "don", "donnees" -> "donne"), so folding the stem afterwards is not enough. Also when
        // the content writes the unaccented spelling too ("donnees mobiles"), unless it stands for several stems.
        var unaccented: [String: Entry] = [:]
        var unaccentedClashes: Set<String> = []
        for (word, stem) in stems {
            let folded = TextFolding.fold(word)
            let known = flagsOf(folded)
            let isStop = known & WordFlag.stop != 0
            let entry = Entry(
                stem: stem, isStop: isStop,
                isKnown: isStop || isContent(known) || knownStems.contains(stem) || known & WordFlag.exact != 0,
                isFiller: known & WordFlag.filler != 0)
            entries[word] = entry
            if folded != word, (flags[word] ?? 0) & WordFlag.word != 0,
                let seen = unaccented.updateValue(entry, forKey: folded), seen.stem != stem
            {
                unaccentedClashes.insert(folded)
            }
        }
        for (folded, entry) in unaccented where !unaccentedClashes.contains(folded) { entries[folded] = entry }
        self.entries = entries
    }

    /// The words of `vocabulary` the typo index corrects to: all but the small words.
    func contentWords(_ vocabulary: Set<String>) -> Set<String> {
        vocabulary.filter { !stopWords.contains($0) }
    }

    /// Phrases of two words or more by their letters without spaces ("motdepasse"), as starters type them when they
    /// leave the spaces out: an unknown word that is such a phrase is read as its words. Only phrases of at least
    /// five bytes (about five letters) that are no word of the content themselves, and that no other phrase glues
    /// into (no guess). Typed exactly: a glued phrase with a typo in it is left alone (a typo index over these long
    /// words cost a tenth of compiling).
    static func gluedPhrases(_ phrases: [[String]], except vocabulary: Set<String>) -> [String: [String]] {
        var glued: [String: [String]] = [:]
        glued.reserveCapacity(phrases.count)
        var clashes: Set<String> = []
        for words in phrases where words.count >= 2 {
            let key = words.joined()
            guard key.utf8.count >= 5, !vocabulary.contains(key) else { continue }
            if let seen = glued.updateValue(words, forKey: key), seen != words { clashes.insert(key) }
        }
        for key in clashes { glued[key] = nil }
        return glued
    }

    /// This analyzer finished: with `typos` as its typo index, every known word's stem id from the finished stem
    /// table, and the phrases it reads when typed without their spaces (`gluedPhrases(_:except:)`).
    func finished(typos: TypoIndex, stemIDs: WordTable<Int32>, gluedPhrases: [String: [String]]) -> Analyzer {
        var copy = self
        copy.typos = typos
        copy.gluedPhrases = gluedPhrases
        // `mapValues` keeps the table's layout: no word is hashed again.
        copy.entries = entries.mapValues { entry in
            var entry = entry
            entry.stemID = stemIDs[entry.stem] ?? -1
            return entry
        }
        return copy
    }

    /// Tokens of content text (rules, examples): no correction, so the vocabulary is what curators wrote.
    func contentTokens(_ text: String) -> [AnalyzedToken] {
        contentTokens(tokenizer.tokens(text))
    }

    /// The same for text already split into words.
    func contentTokens(_ tokens: [Token]) -> [AnalyzedToken] {
        tokens.map { token in
            // One look-up for both: a known word's entry holds its stem and whether it is a small word.
            let entry = token.isNumber ? nil : entries[token.lower]
            return AnalyzedToken(
                original: token.original, folded: token.folded, stem: entry?.stem ?? stem(token),
                isStop: entry?.isStop ?? isStop(token), isKnown: true, correctedFrom: nil, compoundOf: nil)
        }
    }

    /// Tokens of a person's question (already split into words), with typo correction and compound splitting.
    /// - Parameter otherLanguage: whether another language's content uses a word: such a word is a real word, not a
    ///   typo of this language's, and is never corrected.
    /// - Parameter ids: set to each analysed word's `WordIDs` when it was known as typed, nil otherwise.
    ///
    /// `clauses` gets a bit for every result position that starts a clause after the first (`Token.startsClause`;
    /// positions beyond 63 are left out).
    func analyze(
        _ tokens: [Token], notes: inout AnalysisNotes, ids: inout [WordIDs?], clauses: inout UInt64,
        otherLanguage: (String) -> Bool = { _ in false }
    ) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        result.reserveCapacity(tokens.count)
        ids.removeAll(keepingCapacity: true)
        ids.reserveCapacity(tokens.count)
        clauses = 0
        // Words analysed the long way (corrections, compound parts, unknown words) get no ids: the caller looks
        // them up.
        defer { ids += repeatElement(nil, count: result.count - ids.count) }
        for token in tokens {
            ids += repeatElement(nil, count: result.count - ids.count)
            if token.startsClause && result.count < 64 { clauses |= 1 << UInt64(result.count) }
            let entry = token.isNumber ? nil : entries[token.lower]
            if let entry, entry.isKnown {
                result.append(
                    AnalyzedToken(
                        original: token.original, folded: token.folded, stem: entry.stem, isStop: entry.isStop,
                        isKnown: true, correctedFrom: nil, compoundOf: nil))
                ids.append(WordIDs(stemID: entry.stemID, isFiller: entry.isFiller))
                continue
            }
            if !token.isNumber, let words = gluedPhrases[token.folded] {
                notes.compounds.append("\(token.folded) → \(words.joined(separator: " + "))")
                appendGlued(words, of: token, to: &result)
                continue
            }
            let stop = isStop(token)
            // As `stem(token)`, reusing the entry looked up above.
            let stem = token.isNumber ? token.folded : entry?.stem ?? stemmer.stem(token.lower)
            if stop || token.isNumber || typos.contains(token.folded) || knownStems.contains(stem) {
                result.append(
                    AnalyzedToken(
                        original: token.original, folded: token.folded, stem: stem, isStop: stop,
                        isKnown: stop || !token.isNumber, correctedFrom: nil, compoundOf: nil))
                continue
            }
            if language == .nl, let parts = splitCompound(token.folded) {
                notes.compounds.append("\(token.folded) → \(parts.joined(separator: " + "))")
                for part in parts {
                    result.append(
                        AnalyzedToken(
                            original: token.original, folded: part, stem: entries[part]?.stem ?? stemmer.stem(part),
                            isStop: false,
                            isKnown: true, correctedFrom: nil, compoundOf: token.folded))
                }
                continue
            }
            if otherLanguage(token.folded) {
                notes.otherLanguage.append(token.folded)
                result.append(unknown(token, stem: stem))
                continue
            }
            var outcome = typos.lookup(token.folded)
            // Equally close words with one stem ("passwors": password / passwords) are one word to match: no real
            // doubt, so the typo is corrected to the first of them.
            if case .ambiguous(let candidates) = outcome, let first = candidates.first {
                let stemOf = { (word: String) in self.entries[word]?.stem ?? self.stemmer.stem(word) }
                let firstStem = stemOf(first)
                if candidates.dropFirst().allSatisfy({ stemOf($0) == firstStem }) {
                    outcome = .corrected(to: first, distance: 0)
                }
            }
            switch outcome {
            case .corrected(let word, _):
                notes.corrections.append("\(token.folded) → \(word)")
                result.append(
                    AnalyzedToken(
                        original: token.original, folded: word, stem: entries[word]?.stem ?? stemmer.stem(word),
                        isStop: false,
                        isKnown: true,
                        correctedFrom: token.folded, compoundOf: nil))
            case .ambiguous(let candidates):
                notes.ambiguous.append("\(token.folded): \(candidates.joined(separator: " / "))")
                result.append(unknown(token, stem: stem))
            case .known:
                result.append(unknown(token, stem: stem))
            case .unknown:
                result.append(unknown(token, stem: stem))
            }
        }
        return result
    }

    /// The words of a glued phrase, each as the content writes it.
    private func appendGlued(_ words: [String], of token: Token, to result: inout [AnalyzedToken]) {
        for word in words {
            let entry = entries[word]
            result.append(
                AnalyzedToken(
                    original: token.original, folded: word, stem: entry?.stem ?? stemmer.stem(word),
                    isStop: entry?.isStop ?? stopWords.contains(word), isKnown: true, correctedFrom: nil,
                    compoundOf: token.folded))
        }
    }

    private func unknown(_ token: Token, stem: String) -> AnalyzedToken {
        AnalyzedToken(
            original: token.original, folded: token.folded, stem: stem, isStop: false, isKnown: false,
            correctedFrom: nil, compoundOf: nil)
    }

    func isStop(_ token: Token) -> Bool {
        stopWords.contains(token.folded)
    }

    /// The stem of a word of the content, or nil for a small word (`isStop`): one look-up for a known word.
    func stemUnlessStop(_ token: Token) -> String? {
        if !token.isNumber, let entry = entries[token.lower] { return entry.isStop ? nil : entry.stem }
        return isStop(token) ? nil : stem(token)
    }

    /// The stem of a word of the content, or nil for an article or politeness word (`fillers`), as whole-message
    /// rules read words: one look-up for a known word.
    func stemUnlessFiller(_ token: Token) -> String? {
        if !token.isNumber, let entry = entries[token.lower] { return entry.isFiller ? nil : entry.stem }
        return fillers.contains(token.folded) ? nil : stem(token)
    }

    func stem(_ token: Token) -> String {
        token.isNumber ? token.folded : entries[token.lower]?.stem ?? stemmer.stem(token.lower)
    }

    /// Splits a compound into two known parts, allowing a linking "s" or "e(n)" between them. Used for Dutch only:
    /// French and English write such words apart, and splitting them there mostly finds false parts ("weekend" is
    /// no "week" + "end"), at the cost of stemming every prefix of every unknown word.
    ///
    /// Both parts must be known content words (or stems) of at least three letters, so an unknown word is never
    /// matched on a known prefix alone ("treinbestuurder" stays unknown when "bestuurder" is not content).
    func splitCompound(_ word: String) -> [String]? {
        let scalars = word.unicodeScalars
        // Where each scalar starts: the parts are slices of the word's own bytes, copied, not rebuilt scalar by
        // scalar (that rebuilding was half the time of a long unknown word).
        var starts = Array(scalars.indices)
        guard starts.count >= 7, starts.count <= 40 else { return nil }
        starts.append(scalars.endIndex)
        var best: [String]?
        var bestBalance = Int.max
        for cut in 3...(starts.count - 4) {
            let head = String(scalars[..<starts[cut]])
            guard isKnownPart(head) else { continue }
            var tails = [String(scalars[starts[cut]...])]
            for link in ["s", "e", "en"] where tails[0].hasPrefix(link) && tails[0].count - link.count >= 3 {
                tails.append(String(tails[0].dropFirst(link.count)))
            }
            for tail in tails where isKnownPart(tail) {
                let balance = abs(head.count - tail.count)
                if balance < bestBalance {
                    bestBalance = balance
                    best = [head, tail]
                }
            }
        }
        return best
    }

    private func isKnownPart(_ part: String) -> Bool {
        part.count >= 3 && !stopWords.contains(part)
            && (typos.contains(part) || exactWords.contains(part) || knownStems.contains(stemmer.stem(part)))
    }
}
