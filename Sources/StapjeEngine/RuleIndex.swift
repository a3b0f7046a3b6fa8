/// Which rules each stem can set off, so that a question visits only the keywords and patterns its own words can
/// satisfy instead of every rule of every intent that shares one word with it.
///
/// A keyword phrase is filed under its first stem; a pattern under the stems of the required step a question is least
/// likely to have (`anchors`; a required step is a word, a one-of-words, or a choice whose every option needs one of
/// a few words; all its stems when there is none); the phrases with a `+word` are kept in a
/// list of their own (`messageCues`), each filed under its rarest stem among them (see `init`). Everything is held in
/// flat arrays of plain values.
struct RuleIndex: Sendable {
    /// One keyword or exclude phrase: its intent, its cue (position in the intent's list), and its stems as a
    /// range of `phraseWords`.
    struct CueEntry: Sendable {
        let intent: Int32
        let cue: Int32
        let start: Int32
        let end: Int32
    }

    /// One pattern: its intent, its number in `patternSources`, where its program starts in `patternCode`, whether it
    /// reads the message with its small words, and whether it must cover all of it (the patterns of whole-message
    /// intents) or may cover some of its clauses.
    struct PatternEntry: Sendable {
        let intent: Int32
        let pattern: Int32
        let code: Int32
        let message: Bool
        let whole: Bool
        /// A whole-message pattern that may also cover one or more clauses of the message (`IntentRules.clauses`).
        let clauses: Bool
    }

    let phraseWords: [Int32]
    /// The keyword and exclude phrases with a `+word`, looked for in the message with its small words, each when
    /// the message has the stem it is filed under, in this order.
    let messageCues: [MessageCue]
    /// The positions in `messageCues` of the cues filed under each stem: stem `s` has
    /// `messageCueOrder[messageCueStarts[s]..<messageCueStarts[s + 1]]`. The bundled content has about 170 such cues
    /// a language; a question has a handful of stems, so it looks at a handful of them instead of every one.
    let messageCueOrder: [Int32]
    let messageCueStarts: [Int32]

    struct MessageCue: Sendable {
        /// The stem the cue is filed under: one of its phrase's, the one fewest message cues have.
        var key: Int32
        let entry: CueEntry
        let exclude: Bool
    }
    /// The keyword, exclude and pattern entries filed under each stem: stem `s` has `keywordEntries[starts[s]
    /// .keywords..<starts[s + 1].keywords]`, and so on. Flat arrays: reading them touches no reference counts.
    let keywordEntries: [CueEntry]
    let excludeEntries: [CueEntry]
    let patternEntries: [PatternEntry]
    /// The three starts side by side (each list ends where the next stem's starts), so a question's stem costs
    /// one memory access for all three.
    let starts: [Starts]

    struct Starts: Sendable {
        let keywords: Int32
        let excludes: Int32
        let patterns: Int32
    }

    /// The source of every pattern of every intent (an intent's ordinary patterns, then those read with small
    /// words), for explanations.
    let patternSources: [String]
    /// The programs of all patterns (`Pattern.code`), one after the other in one array: a pattern's required
    /// stems, which rule out most patterns a question's words point at, and its steps are read from one place.
    let patternCode: [Int32]
    /// The weight of every keyword cue, numbered as in `keywordBase`.
    let keywordWeights: [Double]
    let keywordCount: Int
    let excludeCount: Int
    /// For each intent, where its cues start in the global cue numbering (used to mark a cue found once).
    let keywordBase: [Int32]
    let excludeBase: [Int32]

    /// - Parameter patterns: each intent's patterns, by position; only their programs and sources are kept.
    /// - Parameter sharedExcludes: the excludes that hold for every topic, filed as the excludes of a position one
    ///   past the last intent (`Hits.sharedPosition`) and reported in `Hits.sharedFound`.
    init(
        intents: [CompiledIntent], patterns intentPatterns: [CompiledIntent.Patterns], stemCount: Int,
        smallWords: Set<Int32> = [], sharedExcludes: [CompiledIntent.Cue] = []
    ) {
        var phraseWords: [Int32] = []
        // Each entry with the stem it is filed under.
        var keywords: [(key: Int32, value: CueEntry)] = []
        var excludes: [(key: Int32, value: CueEntry)] = []
        var patternEntries: [(key: Int32, value: PatternEntry)] = []
        var patternSources: [String] = []
        var patternCode: [Int32] = []
        var keywordBase: [Int32] = []
        var excludeBase: [Int32] = []
        var keywordWeights: [Double] = []
        var excludeCount = 0
        var messageCues: [MessageCue] = []
        func file(
            _ cues: [CompiledIntent.Cue], intent: Int, exclude: Bool, into table: inout [(key: Int32, value: CueEntry)]
        ) {
            for (number, cue) in cues.enumerated() {
                for phrase in cue.phrases {
                    guard let first = phrase.first else { continue }
                    let start = Int32(phraseWords.count)
                    phraseWords += phrase
                    let entry = CueEntry(
                        intent: Int32(intent), cue: Int32(number), start: start, end: Int32(phraseWords.count))
                    if cue.message {
                        messageCues.append(MessageCue(key: first, entry: entry, exclude: exclude))
                    } else {
                        table.append((first, entry))
                    }
                }
            }
        }
        // How many patterns need each stem in one of their required steps (for `anchors`).
        var patternUses = [Int32](repeating: 0, count: stemCount)
        for own in intentPatterns {
            for patterns in [own.ordinary, own.message] {
                for pattern in patterns {
                    pattern.forEachRequiredStep { stems in
                        for stem in stems { patternUses[Int(stem)] += 1 }
                    }
                }
            }
        }
        for (number, intent) in intents.enumerated() {
            keywordBase.append(Int32(keywordWeights.count))
            excludeBase.append(Int32(excludeCount))
            keywordWeights += intent.keywords.map(\.weight)
            excludeCount += intent.exclude.count
            file(intent.keywords, intent: number, exclude: false, into: &keywords)
            file(intent.exclude, intent: number, exclude: true, into: &excludes)
            let own = intentPatterns[number]
            for (pattern, message) in own.ordinary.map({ ($0, false) }) + own.message.map({ ($0, true) }) {
                let entry = PatternEntry(
                    intent: Int32(number), pattern: Int32(patternSources.count), code: Int32(patternCode.count),
                    message: message, whole: intent.whole, clauses: intent.clauses)
                patternSources.append(pattern.source)
                patternCode += pattern.code
                let anchors = Self.anchors(of: pattern, smallWords: smallWords, uses: patternUses)
                for (offset, id) in anchors.enumerated() where !anchors.prefix(offset).contains(id) {
                    patternEntries.append((id, entry))
                }
            }
        }
        // The shared excludes, as the excludes of one more position.
        excludeBase.append(Int32(excludeCount))
        excludeCount += sharedExcludes.count
        file(sharedExcludes, intent: intents.count, exclude: true, into: &excludes)
        let keywordStart: [Int32]
        let excludeStart: [Int32]
        let patternStart: [Int32]
        (self.keywordEntries, keywordStart) = groupedByKey(keywords, keyCount: stemCount)
        (self.excludeEntries, excludeStart) = groupedByKey(excludes, keyCount: stemCount)
        (self.patternEntries, patternStart) = groupedByKey(patternEntries, keyCount: stemCount)
        self.starts = (0...stemCount).map {
            Starts(keywords: keywordStart[$0], excludes: excludeStart[$0], patterns: patternStart[$0])
        }
        self.phraseWords = phraseWords
        // A message cue is looked at when the message has the stem it is filed under, and the phrase decides. Filed
        // under its first stem, a cue that starts with a small word ("+what +is", "+wat +is", "+c'est") was looked at
        // for every question with that word, and a phrase with two or three concepts is hundreds of phrases: a few
        // such lines made matching half as dear again. Under the stem of its phrase that the fewest message cues have
        // (the first of equals), it is looked at where it can match.
        var cueCounts = [Int32](repeating: 0, count: stemCount)
        for cue in messageCues {
            let stems = phraseWords[Int(cue.entry.start)..<Int(cue.entry.end)]
            for (offset, stem) in zip(0..., stems) where !stems.prefix(offset).contains(stem) {
                cueCounts[Int(stem)] += 1
            }
        }
        for index in messageCues.indices {
            let entry = messageCues[index].entry
            var key = messageCues[index].key
            let stems = phraseWords[Int(entry.start)..<Int(entry.end)]
            for stem in stems where cueCounts[Int(stem)] < cueCounts[Int(key)] { key = stem }
            messageCues[index].key = key
        }
        self.messageCues = messageCues
        (self.messageCueOrder, self.messageCueStarts) = groupedByKey(
            messageCues.enumerated().map { (key: $0.element.key, value: Int32($0.offset)) }, keyCount: stemCount)
        self.patternSources = patternSources
        self.patternCode = patternCode.compacted()
        self.keywordWeights = keywordWeights
        self.keywordCount = keywordWeights.count
        self.excludeCount = excludeCount
        self.keywordBase = keywordBase
        self.excludeBase = excludeBase
    }

    /// The stems a pattern is filed under: a question must have one of them for the pattern to match, so it is
    /// tried only then. Every required step's stems would do; the step chosen is the one a question is least
    /// likely to have: one without a small word if there is one ("(+what | know) * password * @places" under
    /// "password", not "what", which most questions have), then the one whose stems the fewest patterns need (the
    /// first of equals). A pattern with no required step is filed under all its stems (`Pattern.anchorIDs`).
    static func anchors(of pattern: Pattern, smallWords: Set<Int32>, uses: [Int32]) -> [Int32] {
        var best: [Int32]?
        var bestCost = (0, 0)
        pattern.forEachRequiredStep { step in
            var small = 0
            var total = 0
            for stem in step {
                if smallWords.contains(stem) { small = 1 }
                total += Int(uses[Int(stem)])
            }
            if best == nil || (small, total) < bestCost {
                best = Array(step)
                bestCost = (small, total)
            }
        }
        return best ?? pattern.anchorIDs
    }

    /// The weight a whole-message intent's signal has among the keywords: signals are counted, not weighed
    /// (`Hits.IntentHits.signalCount`); a keyword weighs 1 to 5.
    static let signalWeight = 0.0

    /// The rules a question sets off.
    struct Hits {
        /// Every keyword cue found, as (intent, cue), in the order found.
        var keywords: [(intent: Int32, cue: Int32)] = []
        /// Every pattern that matched, as (intent, pattern number), in the order found.
        var patterns: [(intent: Int32, pattern: Int32)] = []
        /// Whether a signal of a whole-message intent was found (`IntentHits.signalCount`).
        var signalFound = false
        /// Per intent, by position: what it set off (one list rather than three). The caller's memory, filled in
        /// by `RuleIndex.hits`.
        let intents: UnsafeMutableBufferPointer<IntentHits>

        struct IntentHits {
            /// The summed weight of the keywords found.
            var keywordWeight: Double = 0
            /// How many signals of a whole-message intent were found (`IntentRules.signals`; they have no weight).
            var signalCount: Int32 = 0
            /// How many patterns matched.
            var patternCount: Int32 = 0
            /// How many whole-message patterns matched the whole message read with its small words ("da was alles
            /// voor vandaag"), not only without them ("alles").
            var messagePatternCount: Int32 = 0
            /// How many whole-message patterns matched one clause of the message, not all of it.
            var clauseCount: Int32 = 0
            /// How many of those left out a clause that asks something (`Pattern.leavesAQuestion`).
            var clauseBesideQuestionCount: Int32 = 0
            /// The first exclude cue found (in content order), or -1.
            var exclude: Int32 = -1
        }

        /// The shared excludes found (`LanguageModel.sharedExcludes`: they hold for every topic, or for those that do
        /// not answer their question type), by number; seldom any.
        var sharedFound: [Int32] = []
        /// The position under which the shared excludes are filed: one past the last intent.
        let sharedPosition: Int32

        init(intents: UnsafeMutableBufferPointer<IntentHits>) {
            // A question sets off a handful of rules: room for them up front spares growing the lists one by one.
            keywords.reserveCapacity(16)
            patterns.reserveCapacity(16)
            intents.initialize(repeating: IntentHits())
            self.intents = intents
            sharedPosition = Int32(intents.count)
        }

        /// Records a keyword cue found in the question.
        mutating func addKeyword(_ entry: CueEntry, weight: Double) {
            keywords.append((entry.intent, entry.cue))
            if weight == RuleIndex.signalWeight {
                intents[Int(entry.intent)].signalCount += 1
                signalFound = true
            } else {
                intents[Int(entry.intent)].keywordWeight += weight
            }
        }

        /// Records an exclude cue found in the question: an intent keeps the first of its excludes, in content order.
        mutating func addExclude(_ entry: CueEntry) {
            if entry.intent == sharedPosition {
                if !sharedFound.contains(entry.cue) { sharedFound.append(entry.cue) }
                return
            }
            let current = intents[Int(entry.intent)].exclude
            if current < 0 || entry.cue < current { intents[Int(entry.intent)].exclude = entry.cue }
        }

        /// Whether an intent for which `counts` holds set off a keyword or a pattern and no exclude.
        func setOff(where counts: (Int) -> Bool) -> Bool {
            keywords.contains { counts(Int($0.intent)) && intents[Int($0.intent)].exclude < 0 }
                || patterns.contains { counts(Int($0.intent)) && intents[Int($0.intent)].exclude < 0 }
        }

        /// Appends the keyword cues of one intent found, in content order.
        func appendKeywords(of intent: Int, to list: inout [Int32]) {
            let start = list.count
            for hit in keywords where hit.intent == intent { Self.insert(hit.cue, sortedFrom: start, into: &list) }
        }

        /// Appends the patterns of one intent that matched, in content order.
        func appendPatterns(of intent: Int, to list: inout [Int32]) {
            let start = list.count
            for hit in patterns where hit.intent == intent { Self.insert(hit.pattern, sortedFrom: start, into: &list) }
        }

        /// Appends `number` to `list`, keeping `list[start...]` in ascending order: an intent sets off a few rules, so
        /// each is put in its place as it comes.
        private static func insert(_ number: Int32, sortedFrom start: Int, into list: inout [Int32]) {
            var slot = list.count
            while slot > start && list[slot - 1] > number { slot -= 1 }
            list.insert(number, at: slot)
        }
    }

    /// The rules a question sets off, with what each intent set off written to `intents` (one an intent).
    func hits(
        _ occurrences: Occurrences, message: Occurrences, intents: UnsafeMutableBufferPointer<Hits.IntentHits>
    ) -> Hits {
        // Cues found, then patterns tried, in one set of flags (on the stack: a few hundred bytes).
        withUnsafeTemporaryAllocation(
            of: UInt64.self, capacity: BitSet.words(keywordCount + excludeCount + patternSources.count)
        ) {
            var found = BitSet($0)
            return hits(occurrences, message: message, hits: Hits(intents: intents), found: &found)
        }
    }

    private func hits(_ occurrences: Occurrences, message: Occurrences, hits: Hits, found: inout BitSet) -> Hits {
        var hits = hits
        let triedBase = keywordCount + excludeCount
        /// Records a keyword or exclude cue once, when its phrase is among `words`.
        func take(_ entry: CueEntry, exclude: Bool, in words: Occurrences) {
            let slot =
                exclude
                ? keywordCount + Int(excludeBase[Int(entry.intent)] + entry.cue)
                : Int(keywordBase[Int(entry.intent)] + entry.cue)
            guard !found[slot], words.contains(phraseWords, Int(entry.start)..<Int(entry.end)) else { return }
            found[slot] = true
            if exclude {
                hits.addExclude(entry)
            } else {
                hits.addKeyword(entry, weight: keywordWeights[slot])
            }
        }
        for id in occurrences.presentIDs {
            let start = starts[Int(id)]
            let end = starts[Int(id) + 1]
            for index in Int(start.keywords)..<Int(end.keywords) {
                take(keywordEntries[index], exclude: false, in: occurrences)
            }
            for index in Int(start.excludes)..<Int(end.excludes) {
                take(excludeEntries[index], exclude: true, in: occurrences)
            }
        }
        // The message cues filed under a stem the message has, in the order of their list (as going through the
        // whole list would take them): gathered from the message's stems (each cue is filed once), then sorted.
        if !messageCues.isEmpty {
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: messageCues.count) { candidates in
                var count = 0
                for id in message.presentIDs {
                    for index in Int(messageCueStarts[Int(id)])..<Int(messageCueStarts[Int(id) + 1]) {
                        candidates[count] = messageCueOrder[index]
                        count += 1
                    }
                }
                var found = UnsafeMutableBufferPointer(rebasing: candidates[0..<count])
                found.sort()
                for index in 0..<count {
                    let cue = messageCues[Int(candidates[index])]
                    take(cue.entry, exclude: cue.exclude, in: message)
                }
            }
        }
        patternCode.withUnsafeBufferPointer { buffer in
            // No patterns (content of examples alone): nothing to try.
            guard let code = buffer.baseAddress else { return }
            for pass in 0..<2 {
                let source = pass == 1
                let current = source ? message : occurrences
                // The fewest words a whole-message pattern may cover here: the message, or its shortest clause.
                let wholeWords = current.count
                let clauseWords = current.shortestClause
                for id in current.presentIDs {
                    for index in Int(starts[Int(id)].patterns)..<Int(starts[Int(id) + 1].patterns) {
                        let entry = patternEntries[index]
                        guard entry.message == source, !found[triedBase + Int(entry.pattern)] else { continue }
                        found[triedBase + Int(entry.pattern)] = true
                        let program = code + Int(entry.code)
                        // A whole-message pattern covers every word of the message, or of one clause or more: one
                        // that can cover fewer words is passed over (most questions are longer than a command).
                        if entry.whole {
                            let most = Pattern.Code.longest(program)
                            if most >= 0 && Int(most) < (entry.clauses ? clauseWords : wholeWords) {
                                continue
                            }
                        }
                        guard Pattern.mayMatch(program, current) else { continue }
                        if entry.clauses && current.clauseStarts != 1 {
                            // One pass from every clause start first: a pattern that ends at no clause's end covers
                            // neither the whole message nor a clause (most patterns tried), and needs no second pass.
                            guard Pattern.matchesClause(program, current) else { continue }
                            hits.patterns.append((entry.intent, entry.pattern))
                            if Pattern.matches(program, current, whole: true) {
                                hits.intents[Int(entry.intent)].patternCount += 1
                                hits.intents[Int(entry.intent)].messagePatternCount += 1
                            } else if Pattern.leavesAQuestion(program, current) {
                                hits.intents[Int(entry.intent)].clauseBesideQuestionCount += 1
                            } else {
                                hits.intents[Int(entry.intent)].clauseCount += 1
                            }
                        } else if Pattern.matches(program, current, whole: entry.whole) {
                            hits.patterns.append((entry.intent, entry.pattern))
                            hits.intents[Int(entry.intent)].patternCount += 1
                            if source && entry.whole { hits.intents[Int(entry.intent)].messagePatternCount += 1 }
                        }
                    }
                }
            }
        }
        return hits
    }
}

/// A fixed number of flags in 64-bit words, in memory the caller provides (cleared here).
struct BitSet {
    private let words: UnsafeMutableBufferPointer<UInt64>

    /// How many words `count` flags take.
    static func words(_ count: Int) -> Int { (count + 63) / 64 }

    init(_ words: UnsafeMutableBufferPointer<UInt64>) {
        words.initialize(repeating: 0)
        self.words = words
    }

    subscript(index: Int) -> Bool {
        get { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }
        set {
            if newValue {
                words[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(1 << UInt64(index & 63))
            }
        }
    }
}
