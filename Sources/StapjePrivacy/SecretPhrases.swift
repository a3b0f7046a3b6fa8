import StapjeText

/// Phrases that announce a secret ("mijn pincode is 1234", "mon mot de passe c'est ...", "my PIN is ...") in
/// Dutch, French and English.
///
/// Three forms are recognised; the value is what gets masked:
/// - a noun for a secret and a copula (`is`, `est`, `c'est`, `was`, `:` or `=`), then the value up to the end of the
///   clause (`, ; : . ! ?` before a space, a line break, or "maar/mais/but..."): "mijn wachtwoord is zomer2024";
/// - a noun directly followed by 4 to 8 digits, or by one word mixing letters and digits: "pincode 1234";
/// - 4 to 8 digits, a copula and a possessive noun: "1234 is mijn pincode".
///
/// A clause that goes on about the secret instead of giving it is left alone: its first word is a state, a
/// negation or a question word ("mijn pincode is geblokkeerd", "my password is not working", "mon code est
/// faux"), or a small count of attempts ("mijn pincode is 3 keer fout").
///
/// The generic noun "code" counts only after a possessive ("mijn code is ..."), so "de code is verstuurd" does not.
struct SecretPhrases {
    struct Noun {
        var words: [String]
        var needsPossessive = false
    }

    struct Grammar {
        var language: Language
        var possessives: Set<String>
        var nouns: [Noun]
        var copulas: [[String]]
    }

    static let grammars: [Grammar] = [
        Grammar(
            language: .nl,
            possessives: ["mijn", "mn", "mijne", "ons", "onze", "zijn", "haar", "hun"],
            nouns: nouns(
                "wachtwoord", "paswoord", "passwoord", "password", "pincode", "pin code", "pin", "pukcode",
                "puk code", "puk", "geheime code", "toegangscode", "beveiligingscode", "inlogcode", "cvc code",
                "cvc", "cvv", "itsme code", "itsmecode", "itsme pincode", "itsme pin", possessive: ["code"]),
            copulas: [["is"], ["was"], ["luidt"], ["zijn"]]),
        Grammar(
            language: .fr,
            possessives: ["mon", "ma", "mes", "notre", "nos", "son", "sa", "ses", "leur"],
            nouns: nouns(
                "mot de passe", "mots de passe", "mdp", "code pin", "code secret", "code confidentiel", "code puk",
                "puk", "pin", "code d acces", "code de securite", "cryptogramme", "code itsme", "code cvc",
                possessive: ["code"]),
            copulas: [["c", "est"], ["c", "etait"], ["est"], ["etait"], ["sont"]]),
        Grammar(
            language: .en,
            possessives: ["my", "our", "his", "her", "their"],
            nouns: nouns(
                "password", "passcode", "passphrase", "pin code", "pin number", "pin", "puk code", "puk",
                "security code", "secret code", "access code", "login code", "itsme code", "cvc", "cvv",
                possessive: ["code"]),
            copulas: [["is"], ["was"], ["s"], ["are"]]),
    ]

    /// First words of a clause that talks about the secret rather than giving it (folded; all languages).
    static let notASecret: Set<String> = [
        // nl
        "niet", "geen", "nooit", "te", "nog", "al", "ook", "wel", "echt", "zeker", "geblokkeerd", "geblokt",
        "vergrendeld", "vergeten", "kwijt", "kwijtgeraakt", "fout", "foutief", "verkeerd", "ongeldig", "onjuist",
        "juist", "correct", "goed", "verlopen", "vervallen", "gestolen", "gehackt", "gekraakt", "gelekt",
        "veranderd", "gewijzigd", "gereset", "verstuurd", "verzonden", "geweigerd", "zwak", "sterk", "kort",
        "lang", "veilig", "onveilig", "nodig", "verplicht", "hetzelfde", "anders", "wat", "waar", "welk",
        "welke", "hoe", "wanneer", "weg", "ok", "oke", "nieuw", "oud", "tijdelijk", "verdwenen", "onbekend",
        // fr
        "pas", "plus", "ne", "n", "jamais", "trop", "deja", "encore", "bloque", "bloquee", "verrouille",
        "verrouillee", "oublie", "oubliee", "perdu", "perdue", "faux", "fausse", "incorrect", "incorrecte",
        "invalide", "errone", "erronee", "expire", "expiree", "perime", "perimee", "vole", "volee", "pirate",
        "piratee", "change", "changee", "modifie", "modifiee", "refuse", "refusee", "bon", "bonne", "mauvais",
        "mauvaise", "juste", "faible", "court", "securise", "necessaire", "obligatoire", "quoi", "ou", "quel",
        "quelle", "comment", "nouveau", "nouvelle", "ancien", "ancienne", "temporaire", "parti", "disparu", "inconnu",
        // en
        "not", "no", "never", "too", "still", "already", "also", "blocked", "locked", "forgotten", "forgot",
        "lost", "wrong", "invalid", "expired", "stolen", "hacked", "leaked", "changed", "reset", "rejected",
        "right", "good", "bad", "weak", "strong", "short", "long", "safe", "unsafe", "needed", "required", "what",
        "where", "which", "how", "when", "new", "old", "temporary", "gone", "unknown",
    ]

    /// Pronouns that make up a whole value only when the clause asks about a secret ("welk wachtwoord is dat").
    static let pronouns: Set<String> = [
        "dat", "dit", "da", "het", "die", "deze", "ca", "cela", "ceci", "ce", "celui", "celle", "lequel", "laquelle",
        "that", "this", "it", "those", "these",
    ]

    /// "3 keer fout": a small count before one of these is about attempts, not a PIN.
    static let times: Set<String> = ["keer", "maal", "x", "fois", "times"]

    /// Words that start a new clause, ending a secret's value.
    static let clauseOpeners: Set<String> = ["maar", "want", "omdat", "mais", "car", "parce", "but", "because"]

    /// Marks that end a clause when a space (or the end) follows.
    static let clauseMarks: Set<String> = [",", ";", ":", ".", "!", "?"]

    /// The first word of every noun of every grammar: a token that is none of them starts no announced secret, so
    /// most tokens cost one lookup instead of a comparison with every noun.
    static let nounStarts = Set(grammars.flatMap { $0.nouns.compactMap(\.words.first) })

    /// The length of the longest of them, in bytes.
    static let longestNounStart = nounStarts.map(\.utf8.count).max() ?? 0

    /// Their lengths in bytes, as bits.
    private static let nounStartLengths = nounStarts.reduce(UInt64(0)) { $0 | 1 << UInt64(min($1.utf8.count, 63)) }

    /// For every byte, whether a noun start begins with it.
    private static let nounStartFirsts: [Bool] = (0...255).map { byte in
        nounStarts.contains { $0.utf8.first == UInt8(byte) }
    }

    /// False when no noun start has `length` bytes or begins with the byte `first`.
    static func mayStartNoun(length: Int, first: UInt8) -> Bool {
        nounStartLengths & (1 << UInt64(min(length, 63))) != 0 && nounStartFirsts[Int(first)]
    }

    static func nouns(_ plain: String..., possessive: [String]) -> [Noun] {
        let all =
            plain.map { Noun(words: $0.split(separator: " ").map(String.init)) }
            + possessive.map { Noun(words: [$0], needsPossessive: true) }
        return all.sorted { $0.words.count > $1.words.count }
    }

    let scan: ScanText
    var tokens: [ScanText.Token] { scan.tokens }

    /// Every announced secret, in order.
    func matches() -> [Match] {
        var found: [Match] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let startsNoun = token.kind == .word && Self.nounStarts.contains(token.text)
            if let match = (startsNoun ? announced(at: index) : nil) ?? reversed(at: index) {
                found.append(match)
                index = tokens.firstIndex { $0.range.lowerBound >= match.range.upperBound } ?? tokens.count
            } else {
                index += 1
            }
        }
        return found
    }

    /// "[possessive] noun copula value" and "noun 1234" starting with the noun at `index`. A grammar whose
    /// possessive is there wins ("my PIN is" is English although Dutch also has "pin" and "is").
    func announced(at index: Int) -> Match? {
        var anonymous: Match?
        for grammar in Self.grammars {
            guard let match = announced(at: index, grammar: grammar) else { continue }
            if match.language != nil { return match }
            anonymous = anonymous ?? match
        }
        return anonymous
    }

    func announced(at index: Int, grammar: Grammar) -> Match? {
        for noun in grammar.nouns {
            guard let after = words(noun.words, at: index) else { continue }
            let owner = possessive(before: index, grammar: grammar)
            if noun.needsPossessive && owner == nil { continue }
            let start = owner ?? tokens[index].range.lowerBound
            let language = owner == nil ? nil : grammar.language
            if let valueStart = copula(at: after, grammar: grammar) {
                guard let value = clause(from: valueStart) else { return nil }
                return Match(.secret, value, phrase: start..<value.upperBound, language: language)
            }
            if !noun.needsPossessive, let value = attachedValue(at: after) {
                return Match(.secret, value, phrase: start..<value.upperBound, language: language)
            }
        }
        return nil
    }

    /// "1234 is mijn pincode": 4 to 8 digits, a copula, a possessive and a noun.
    func reversed(at index: Int) -> Match? {
        let token = tokens[index]
        guard token.kind == .digits, (4...8).contains(token.text.count), !scan.isDigit(token.range.lowerBound - 1)
        else { return nil }
        for grammar in Self.grammars {
            for copula in grammar.copulas {
                guard let owner = words(copula, at: index + 1), owner < tokens.count,
                    tokens[owner].kind == .word, grammar.possessives.contains(tokens[owner].text)
                else { continue }
                for noun in grammar.nouns where words(noun.words, at: owner + 1) != nil {
                    let end = tokens[owner + noun.words.count].range.upperBound
                    return Match(.secret, token.range, phrase: token.range.lowerBound..<end, language: grammar.language)
                }
            }
        }
        return nil
    }

    /// The token index after `words` if they start at `index`, else nil.
    func words(_ words: [String], at index: Int) -> Int? {
        guard index + words.count <= tokens.count else { return nil }
        for (offset, word) in words.enumerated() {
            let token = tokens[index + offset]
            guard token.kind == .word, token.text == word else { return nil }
        }
        return index + words.count
    }

    /// Where a possessive before the noun at `index` starts ("mijn", "m'n", or one word earlier: "mijn oude").
    func possessive(before index: Int, grammar: Grammar) -> Int? {
        for distance in 1...2 where index - distance >= 0 {
            let token = tokens[index - distance]
            guard token.kind == .word else { return nil }
            if grammar.possessives.contains(token.text) { return token.range.lowerBound }
            if grammar.language == .nl, token.text == "n", index - distance - 1 >= 0,
                tokens[index - distance - 1].text == "m"
            {
                return tokens[index - distance - 1].range.lowerBound
            }
        }
        return nil
    }

    /// The token index where the value starts after a copula at `index` ("is", "c'est", ":", "=", ", c'est").
    func copula(at index: Int, grammar: Grammar) -> Int? {
        var index = index
        if index < tokens.count, tokens[index].text == ",", grammar.language == .fr { index += 1 }
        for copula in grammar.copulas {
            if let after = words(copula, at: index) {
                return after < tokens.count && [":", "="].contains(tokens[after].text) ? after + 1 : after
            }
        }
        if index < tokens.count, tokens[index].kind == .mark, [":", "="].contains(tokens[index].text) {
            return index + 1
        }
        return nil
    }

    /// The value from token `start` to the end of the clause, or nil when there is none or it is not a secret.
    func clause(from start: Int) -> Range<Int>? {
        var first = start
        while first < tokens.count, tokens[first].kind == .mark, !endsClause(first) { first += 1 }
        guard first < tokens.count, !endsClause(first) else { return nil }
        let token = tokens[first]
        if token.kind == .word && Self.notASecret.contains(token.text) { return nil }
        if token.kind == .digits, token.text.count <= 2, first + 1 < tokens.count,
            Self.times.contains(tokens[first + 1].text)
        {
            return nil
        }
        var last = first
        while last + 1 < tokens.count {
            let next = tokens[last + 1]
            if endsClause(last + 1) || (next.kind == .word && Self.clauseOpeners.contains(next.text)) { break }
            last += 1
        }
        // "welk wachtwoord is dat?", "which password is it": a pronoun alone points at a secret, it gives none.
        if first == last && token.kind == .word && Self.pronouns.contains(token.text) { return nil }
        return tokens[start].range.lowerBound..<tokens[last].range.upperBound
    }

    /// Whether the token at `index` ends a clause.
    func endsClause(_ index: Int) -> Bool {
        let token = tokens[index]
        guard token.kind == .mark else { return false }
        return token.text == "\n"
            || (Self.clauseMarks.contains(token.text) && scan.isSpaceOrEnd(token.range.upperBound))
    }

    /// A value written right after the noun: 4 to 8 digits (possibly grouped: "12 34"), or one word mixing letters
    /// and digits ("zomer2024").
    func attachedValue(at index: Int) -> Range<Int>? {
        guard index < tokens.count, tokens[index].kind != .mark else { return nil }
        let start = tokens[index].range.lowerBound
        var last = index
        while last + 1 < tokens.count, tokens[last + 1].kind != .mark,
            tokens[last + 1].range.lowerBound == tokens[last].range.upperBound
        {
            last += 1
        }
        let word = tokens[index...last]
        if word.contains(where: { $0.kind == .digits }) && word.contains(where: { $0.kind == .word }) {
            let range = start..<tokens[last].range.upperBound
            return range.count >= 4 ? range : nil
        }
        guard tokens[index].kind == .digits else { return nil }
        var end = index
        var count = tokens[index].text.count
        while let next = nextDigits(after: end) {
            end = next
            count += tokens[end].text.count
        }
        return (4...8).contains(count) ? start..<tokens[end].range.upperBound : nil
    }

    /// The digits token that continues the digits at `index` after one separator ("12 34", "12.34"), if any.
    func nextDigits(after index: Int) -> Int? {
        var next = index + 1
        if next < tokens.count, tokens[next].kind == .mark, [".", "/"].contains(tokens[next].text),
            tokens[next].range.lowerBound == tokens[index].range.upperBound
        {
            next += 1
        }
        guard next < tokens.count, tokens[next].kind == .digits,
            tokens[next].range.lowerBound - tokens[index].range.upperBound <= 1
        else { return nil }
        return next
    }
}
