import StapjeText

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

    let language: Language

    /// The part of `view` that `message` asks about, or nil.
    func part(of view: AnswerView, asked message: [Token]) -> Part? {
        let stemmer = Stemmer(language: language)
        let title = stems(of: Tokenizer().tokens(view.title), stemmer: stemmer)
        let denies = message.contains { Self.negations.contains($0.folded) }
        // "het werkt niet", "the button is not working": the verb says it goes wrong, it names no part.
        let words = denies ? message.filter { !Self.workingVerbs.contains($0.folded) } : message
        let asked = stems(of: words.filter { !Self.devices.contains($0.folded) }, stemmer: stemmer)
            .subtracting(title)
        guard !asked.isEmpty else { return nil }
        var parts: [(part: Part, stems: Set<String>)] = view.steps.enumerated().map {
            (.step($0.offset), stems(of: Tokenizer().tokens($0.element), stemmer: stemmer))
        }
        if !view.ifNotWorking.isEmpty {
            parts.append((.notWorking, stems(of: Tokenizer().tokens(view.ifNotWorking), stemmer: stemmer)))
        }
        var frequency: [String: Int] = [:]
        for stem in asked {
            frequency[stem] = parts.count { $0.stems.contains(stem) }
        }
        var best: (part: Part, score: Double)?
        for (part, stems) in parts {
            let shared = asked.intersection(stems)
            let wrong = denies && part == .notWorking
            guard wrong || shared.contains(where: { frequency[$0, default: 0] <= 2 }) else { continue }
            let score = shared.reduce(wrong ? 1.0 : 0.0) { $0 + 1 / Double(frequency[$1, default: 1]) }
            if score > best?.score ?? 0 { best = (part, score) }
        }
        return best?.part
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
        var stems = Set<String>()
        for token in tokens where !token.isNumber && token.folded.count >= 3 {
            guard !StopWords.contains(token.folded, language: language), !Self.negations.contains(token.folded) else {
                continue
            }
            stems.insert(stemmer.stem(token.lower))
        }
        return stems
    }
}
