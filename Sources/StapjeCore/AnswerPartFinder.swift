import StapjeKnowledge
import StapjeText
import Synchronization

/// Which part of the answer on screen a follow-up asks about: "les intérims aussi ?" during "Finding job offers" is
/// the step about temporary work agencies, "ik heb geen wachtwoord voor de bib" the part for when it does not work.
///
/// A part is found by the words it shares with the message, leaving out small words, the words of the topic's title
/// (what the whole topic is about: asking the topic's own question again finds no part) and the names of devices
/// ("en op mijn gsm?" asks about the whole task on another device, not about the one step that names a phone). A word
/// counts one divided by the number of parts that have it: a word of one step counts most. The best part must share
/// a word that at most two parts have; of two parts that score the same, the first (in the answer's order) is taken,
/// since both hold what was asked. A message that denies something ("the apply button not working", "ik heb geen
/// wachtwoord") is about something going wrong: the "does it not work?" part counts as sharing one more word of
/// its own, and negations are no words to share ("do not have" in a step says nothing about the message).
struct AnswerPartFinder {
    /// A part of an answer.
    enum Part: Equatable {
        /// A step, counting from 0.
        case step(Int)
        /// "Does it not work?"
        case notWorking
    }

    /// The words of one answer, read once: its title's stems, its parts (steps, then "does it not work?") and, for
    /// each stem of a part, which parts have it (bit `i` for `parts[i]`; an answer has at most 8 steps).
    struct Words: Sendable {
        let title: Set<String>
        let parts: [Part]
        let found: [String: UInt64]

        init(title: Set<String>, parts: [(part: Part, stems: Set<String>)]) {
            self.title = title
            self.parts = parts.prefix(64).map(\.part)
            var found: [String: UInt64] = [:]
            for (index, part) in parts.prefix(64).enumerated() {
                for stem in part.stems { found[stem, default: 0] |= 1 << UInt64(index) }
            }
            self.found = found
        }
    }

    let language: Language

    /// Reads the words of `view` (stemming every step takes longer than the rest of a reply: `Conversation` keeps
    /// them, see `AnswerPartCache`).
    func words(of view: AnswerView) -> Words {
        let stemmer = Stemmer(language: language)
        var parts: [(part: Part, stems: Set<String>)] = view.steps.enumerated().map {
            (.step($0.offset), stems(of: Tokenizer().tokens($0.element), stemmer: stemmer))
        }
        if !view.ifNotWorking.isEmpty {
            parts.append((.notWorking, stems(of: Tokenizer().tokens(view.ifNotWorking), stemmer: stemmer)))
        }
        return Words(title: stems(of: Tokenizer().tokens(view.title), stemmer: stemmer), parts: parts)
    }

    /// The part of `view` that `message` asks about, or nil.
    func part(of view: AnswerView, asked message: [Token]) -> Part? {
        part(of: words(of: view), asked: message)
    }

    /// The part of the answer whose words are `answer` that `message` asks about, or nil. `stem` gives a word's
    /// stem (by default this language's stemmer; `AnswerPartCache` keeps the ones it made).
    func part(of answer: Words, asked message: [Token], stem: ((Token) -> String)? = nil) -> Part? {
        // The stems asked about, without repeats: often one of a few words, so a small array read in place (a reply
        // asks this on every follow-up of its topic) rather than sets. Left out: small words, numbers, devices,
        // negations, the title's words and, in a message that denies, the verb that says it goes wrong ("het werkt
        // niet", "the button is not working" name no part). Each word is looked up once in its language's table of
        // roles; the verbs only once the whole message is read (the negation may come after them).
        let roles = Self.roles(language)
        var denies = false
        var candidates: [Int] = []
        for (index, token) in message.enumerated() {
            switch roles[token.folded] {
            case .negation: denies = true
            case .skipped: break
            case nil:
                if !token.isNumber && Self.hasThreeLetters(token.folded) { candidates.append(index) }
            }
        }
        let stemmer = Stemmer(language: language)
        var asked: [String] = []
        for index in candidates {
            let token = message[index]
            if denies && Self.workingVerbs.contains(token.folded) { continue }
            let stem = stem?(token) ?? stemmer.stem(token.lower)
            if !asked.contains(stem) && !answer.title.contains(stem) { asked.append(stem) }
        }
        guard !asked.isEmpty else { return nil }
        // In a fixed order, so that every run adds the same numbers in the same order.
        asked.sort()
        let holders = asked.map { answer.found[$0] ?? 0 }
        var best: (part: Part, score: Double)?
        for (index, part) in answer.parts.enumerated() {
            let bit = UInt64(1) << UInt64(index)
            let wrong = denies && part == .notWorking
            var score = wrong ? 1.0 : 0.0
            var distinctive = wrong
            for parts in holders where parts & bit != 0 {
                let count = parts.nonzeroBitCount
                score += 1 / Double(count)
                distinctive = distinctive || count <= 2
            }
            if distinctive && score > best?.score ?? 0 { best = (part, score) }
        }
        return best?.part
    }

    /// What a folded word is to the search for a part, when it is not an ordinary word.
    enum Role {
        /// A word that denies (it names no part, and says something goes wrong).
        case negation
        /// A small word of the language or a device: it names no part.
        case skipped
    }

    /// The words with a role in `language`: its small words, the devices and the negations of every language.
    static func roles(_ language: Language) -> [String: Role] {
        switch language {
        case .nl: dutchRoles
        case .fr: frenchRoles
        case .en: englishRoles
        }
    }

    private static let dutchRoles = makeRoles(.nl)
    private static let frenchRoles = makeRoles(.fr)
    private static let englishRoles = makeRoles(.en)

    private static func makeRoles(_ language: Language) -> [String: Role] {
        var roles: [String: Role] = [:]
        for word in StopWords.words(for: language).union(devices) { roles[word] = .skipped }
        for word in negations { roles[word] = .negation }
        return roles
    }

    /// `word.count >= 3`, without counting the characters of a longer word of ASCII letters.
    static func hasThreeLetters(_ word: String) -> Bool {
        let bytes = word.utf8.count
        if bytes < 3 { return false }
        return word.utf8.allSatisfy { $0 < 0x80 } || word.count >= 3
    }

    /// Devices and ways in, folded, in every language: they say where the whole task is done.
    static let devices: Set<String> = [
        "gsm", "gsmke", "telefoon", "smartphone", "phone", "mobile", "telephone", "portable", "computer", "ordinateur",
        "ordi", "pc", "laptop", "tablet", "tablette", "ipad", "iphone", "android", "samsung", "internet", "online",
        "website", "site", "app", "appli", "application", "applicatie",
    ]

    /// Verbs of working, folded: with a negation they say that something goes wrong.
    static let workingVerbs: Set<String> = [
        "work", "works", "working", "worked", "werkt", "werken", "werkte", "lukt", "lukken", "lukte", "gaat", "marche",
        "marchent", "fonctionne", "fonctionnent", "arrive",
    ]

    /// Words that deny, folded, in every language (a message may mix them): no words to share, and a sign that
    /// something goes wrong.
    static let negations: Set<String> = [
        "not", "no", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "never", "nothing", "niet", "nie",
        "ni", "geen", "nooit", "niks", "niets", "pas", "ne", "jamais", "rien", "aucun", "aucune",
    ]

    /// The stems of the words that say something: no small words, no numbers, at least three letters.
    private func stems(of tokens: [Token], stemmer: Stemmer) -> Set<String> {
        stems(of: tokens) { stemmer.stem($0.lower) }
    }

    private func stems(of tokens: [Token], stem: (Token) -> String) -> Set<String> {
        var stems = Set<String>()
        for token in tokens where !token.isNumber && Self.hasThreeLetters(token.folded) {
            guard !StopWords.contains(token.folded, language: language), !Self.negations.contains(token.folded) else {
                continue
            }
            stems.insert(stem(token))
        }
        return stems
    }
}

/// The words of each answer view `AnswerPartFinder` has read, kept for the next follow-up: read on first use (most
/// answers are never asked a follow-up), at most one entry per topic, language and region.
final class AnswerPartCache: Sendable {
    private struct Key: Hashable {
        var topic: String
        var language: Language
        var region: Region
    }

    private let entries = Mutex<[Key: AnswerPartFinder.Words]>([:])
    /// The stems of the words follow-ups used, per language (words come back: a kiosk's questions share most of
    /// theirs); emptied when it reaches `stemLimit` words, so it stays small.
    /// One table a language, by `Language.allCases` position.
    private let stems = Mutex<[[String: String]]>(Array(repeating: [:], count: Language.allCases.count))
    private static let stemLimit = 20_000

    /// The stem of `token` in `language`, as `Stemmer` gives it.
    func stem(_ token: Token, language: Language) -> String {
        let slot = Self.slot(language)
        if let known = stems.withLock({ $0[slot][token.lower] }) { return known }
        let stem = Stemmer(language: language).stem(token.lower)
        stems.withLock { stems in
            if stems[slot].count >= Self.stemLimit { stems[slot] = [:] }
            stems[slot][token.lower] = stem
        }
        return stem
    }

    private static func slot(_ language: Language) -> Int {
        switch language {
        case .nl: 0
        case .fr: 1
        case .en: 2
        }
    }

    /// The words of `view` (the view of `topic` in `language` and `region`).
    func words(of view: AnswerView, topic: String, language: Language, region: Region) -> AnswerPartFinder.Words {
        let key = Key(topic: topic, language: language, region: region)
        if let known = entries.withLock({ $0[key] }) { return known }
        let words = AnswerPartFinder(language: language).words(of: view)
        entries.withLock { $0[key] = words }
        return words
    }
}
