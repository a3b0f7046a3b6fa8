/// Which rules each stem can set off, so that a question visits only the keywords and patterns its own words can
/// satisfy instead of every rule of every intent that shares one word with it.
///
/// A keyword phrase is filed under its first stem; a pattern under the stems of its first required step (or under
/// all its stems when no single step is required). Everything is held in flat arrays of plain values.
struct RuleIndex: Sendable {
    /// One keyword or exclude phrase: its intent, its cue (position in the intent's list), and its stems as a
    /// range of `phraseWords`.
    struct CueEntry: Sendable {
        let intent: Int32
        let cue: Int32
        let start: Int32
        let end: Int32
    }

    /// One pattern: its intent, its number in `patterns`, and whether it is matched against the whole message.
    struct PatternEntry: Sendable {
        let intent: Int32
        let pattern: Int32
        let message: Bool
        let whole: Bool
    }

    let phraseWords: [Int32]
    let keywords: [[CueEntry]]
    let excludes: [[CueEntry]]
    let patternEntries: [[PatternEntry]]
    /// Every pattern of every intent: an intent's ordinary patterns, then its whole-message ones.
    let patterns: [Pattern]
    let keywordCount: Int
    let excludeCount: Int
    /// For each intent, where its cues start in the global cue numbering (used to mark a cue found once).
    let keywordBase: [Int32]
    let excludeBase: [Int32]

    init(intents: [CompiledIntent], stemCount: Int) {
        var phraseWords: [Int32] = []
        var keywords = [[CueEntry]](repeating: [], count: stemCount)
        var excludes = [[CueEntry]](repeating: [], count: stemCount)
        var patternEntries = [[PatternEntry]](repeating: [], count: stemCount)
        var patterns: [Pattern] = []
        var keywordBase: [Int32] = []
        var excludeBase: [Int32] = []
        var keywordCount = 0
        var excludeCount = 0
        func file(_ cues: [CompiledIntent.Cue], intent: Int, into table: inout [[CueEntry]]) {
            for (number, cue) in cues.enumerated() {
                for phrase in cue.phrases {
                    guard let first = phrase.first else { continue }
                    let start = Int32(phraseWords.count)
                    phraseWords += phrase
                    table[Int(first)].append(
                        CueEntry(intent: Int32(intent), cue: Int32(number), start: start, end: Int32(phraseWords.count))
                    )
                }
            }
        }
        for (number, intent) in intents.enumerated() {
            keywordBase.append(Int32(keywordCount))
            excludeBase.append(Int32(excludeCount))
            keywordCount += intent.keywords.count
            excludeCount += intent.exclude.count
            file(intent.keywords, intent: number, into: &keywords)
            file(intent.exclude, intent: number, into: &excludes)
            let all = intent.patterns.map { ($0, false) } + intent.messagePatterns.map { ($0, true) }
            for (pattern, message) in all {
                let entry = PatternEntry(
                    intent: Int32(number), pattern: Int32(patterns.count), message: message,
                    whole: message || intent.whole)
                patterns.append(pattern)
                for id in Set(pattern.anchorIDs) { patternEntries[Int(id)].append(entry) }
            }
        }
        self.phraseWords = phraseWords
        self.keywords = keywords
        self.excludes = excludes
        self.patternEntries = patternEntries
        self.patterns = patterns
        self.keywordCount = keywordCount
        self.excludeCount = excludeCount
        self.keywordBase = keywordBase
        self.excludeBase = excludeBase
    }

    /// The rules a question sets off, per intent: keyword cues and patterns in content order, the first exclude.
    struct Hits {
        var keywords: [[Int32]]
        var patterns: [[Int32]]
        var exclude: [Int32]
    }

    func hits(_ occurrences: Occurrences, message: Occurrences, intentCount: Int) -> Hits {
        var hits = Hits(
            keywords: Array(repeating: [], count: intentCount), patterns: Array(repeating: [], count: intentCount),
            exclude: Array(repeating: -1, count: intentCount))
        var found = [Bool](repeating: false, count: keywordCount + excludeCount)
        for id in occurrences.presentIDs {
            for entry in keywords[Int(id)] {
                let slot = Int(keywordBase[Int(entry.intent)] + entry.cue)
                guard !found[slot], occurrences.contains(phraseWords, Int(entry.start)..<Int(entry.end)) else {
                    continue
                }
                found[slot] = true
                hits.keywords[Int(entry.intent)].append(entry.cue)
            }
            for entry in excludes[Int(id)] {
                let slot = keywordCount + Int(excludeBase[Int(entry.intent)] + entry.cue)
                guard !found[slot], occurrences.contains(phraseWords, Int(entry.start)..<Int(entry.end)) else {
                    continue
                }
                found[slot] = true
                let current = hits.exclude[Int(entry.intent)]
                if current < 0 || entry.cue < current { hits.exclude[Int(entry.intent)] = entry.cue }
            }
        }
        var tried = [Bool](repeating: false, count: patterns.count)
        for (source, ids) in [(false, occurrences.presentIDs), (true, message.presentIDs)] {
            for id in ids {
                for entry in patternEntries[Int(id)] where entry.message == source && !tried[Int(entry.pattern)] {
                    tried[Int(entry.pattern)] = true
                    if patterns[Int(entry.pattern)].matches(source ? message : occurrences, whole: entry.whole) {
                        hits.patterns[Int(entry.intent)].append(entry.pattern)
                    }
                }
            }
        }
        for intent in 0..<intentCount {
            if hits.keywords[intent].count > 1 { hits.keywords[intent].sort() }
            if hits.patterns[intent].count > 1 { hits.patterns[intent].sort() }
        }
        return hits
    }
}
