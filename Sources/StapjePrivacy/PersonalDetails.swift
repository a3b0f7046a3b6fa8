/// Masks the details that say who a person is, for text that is kept after the conversation: a name the person
/// gave, a date (of birth, most often), a street address, a postcode with its town.
///
/// `Redactor` finds the data a person must never type (numbers, codes, secrets) on every message, and a message
/// that holds any gets the privacy lesson. These details are different: people give them freely ("ik ben Fatima,
/// geboren op 12/03/1961"), and a question may hold a date without harm. So they are not withheld from the
/// conversation; they are masked only in what is kept, such as the list of unanswered questions for curators,
/// whose rows must never say who asked (docs/PRIVACY.md).
///
/// Names are found from how they are given: after words that give a name ("ik heet", "je m'appelle", "my name
/// is"), the next words up to a small word or a sign; after "ik ben", "je suis", "I am" or a title ("dr", "madame"),
/// only words written with a capital ("ik ben Fatima El Amrani", not "ik ben werkloos"). A name given any other way
/// is not found; the digits of an address are, and so is a street.
public enum PersonalDetails {
    /// `text` with names, dates, addresses and postcodes with their towns replaced by `[NAME]`, `[DATE]`,
    /// `[ADDRESS]` and `[POSTCODE]`.
    public static func mask(_ text: String) -> String {
        var text = text
        let months =
            "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|janvier|"
            + "février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
            + "january|february|march|may|june|july|august|october|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|oct|"
            + "nov|dec|déc|janv|févr|avr|juil"
        // 12/03/1961, 12-3-61, 12.03.1961, not part of a longer run of digits and signs ("85.07.30-033.61" is a
        // national number); 3 mars 1950, 12 maart 1961, 1er janvier 1950; March 3, 1950.
        replace(#"(^|[^\d./\-])\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?![\d./\-])"#, in: &text, keeping: "[DATE]")
        replace(
            #"(?i)\b\d{1,2}(?:e|er|ste|de|st|nd|rd|th)?\s+(?:"# + months + #")\.?(?:\s+\d{2,4})?\b"#, in: &text,
            with: "[DATE]")
        replace(#"(?i)\b(?:"# + months + #")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"#, in: &text, with: "[DATE]")

        // Sint-Pietersnieuwstraat 33, Kerkstraat 12b bus 3; rue Haute 12, avenue Louise 54; 10 Downing Street. The
        // letters before "straat" are bounded (40): unbounded, a run of letters and hyphens ("a-a-a-…", 2 KB from a
        // hostile client) was read again from every letter, and masking one question took seconds on the server's
        // shared threads. Every address has a number: without a digit, none is looked for.
        let hasDigit = text.utf8.contains { $0 >= 0x30 && $0 <= 0x39 }
        if hasDigit {
            maskAddresses(in: &text)
        }

        // Names given as names: every word up to a small word or a sign.
        replace(
            #"(?i)\b(ik\s+heet|mijn\s+naam\s+is|je\s+m['’]appelle|mon\s+nom\s+(?:est|c['’]est)|my\s+name\s+is)\s+"#
                + #"(?:[\p{L}'’\-]+)(?:\s+(?!(?:en|et|and|uit|van|de|du|from|in|te|à|a|ik|je|i|wil|veux|want)\b)"#
                + #"[\p{L}'’\-]+){0,3}"#, in: &text, keeping: " [NAME]")
        // "ik ben Fatima El Amrani", "je suis Jean Dupont", "I'm Ahmed", "dr Vermeulen": only words with a capital.
        replace(
            #"(?i:\b(ik\s+ben|je\s+suis|moi\s+c['’]est|i\s+am|i['’]m|this\s+is|"#
                + #"dokter|docteur|doctor|dr\.?|meneer|mevrouw|madame|monsieur|mme|mr\.?|mrs\.?|ms\.?))\s+"#
                + #"\p{Lu}[\p{L}'’\-]*(?:\s+(?:(?:el|al|de|van|der|den|le|la|du|da|di|ben|bin)\s+)?\p{Lu}[\p{L}'’\-]*){0,3}"#,
            in: &text, keeping: " [NAME]")
        return text
    }

    /// Street addresses and postcodes with their towns (`mask`).
    private static func maskAddresses(in text: inout String) {
        replace(
            #"(?i)\b[\p{L}\-]{0,40}(?:straat|laan|weg|plein|dreef|steenweg|lei|kaai|baan|markt|singel|vest|dijk|"#
                + #"hof|park|wijk)\s+\d+(?:\s?[a-z]\b)?(?:\s*(?:bus|b)\s*\d+)?"#, in: &text, with: "[ADDRESS]")
        replace(
            #"(?i)\b(?:rue|avenue|av\.|chaussée|chaussee|boulevard|bd|place|chemin|allée|allee|impasse|quai|"#
                + #"square|clos|route)\s+(?:[\p{L}'’\-]+\s+){1,5}?\d+(?:\s?[a-z]\b)?"#, in: &text, with: "[ADDRESS]")
        replace(
            #"(?i)\b\d+\s+(?:[\p{L}'’\-]+\s+){1,4}?(?:street|st|road|rd|avenue|ave|lane|drive|close|way)\b"#,
            in: &text, with: "[ADDRESS]")

        // 9000 Gent, 5000 Namur, 59000 Lille (a postcode and the town after it; a lone number is left alone)
        replace(
            #"\b(?:[1-9]\d{3}|\d{5})\s+(?:à\s+)?\p{Lu}[\p{L}\-]+(?:[\s\-]\p{Lu}[\p{L}\-]+)*"#, in: &text,
            with: "[POSTCODE]")
    }

    /// Replaces every match of `pattern` in `text` with `replacement`. (Regex values are not Sendable, so the
    /// patterns are compiled here, on each call: masking runs only on what is kept, an unanswered question or a
    /// turn of a handoff, never on every message.)
    private static func replace(_ pattern: String, in text: inout String, with replacement: String) {
        guard let regex = try? Regex(pattern) else { return assertionFailure("bad pattern: \(pattern)") }
        text.replace(regex, with: replacement)
    }

    /// Replaces every match of `pattern` with its first group followed by `replacement`.
    private static func replace(_ pattern: String, in text: inout String, keeping replacement: String) {
        guard let regex = try? Regex(pattern) else { return assertionFailure("bad pattern: \(pattern)") }
        text.replace(regex) { match in (match.output[1].substring.map(String.init) ?? "") + replacement }
    }
}
