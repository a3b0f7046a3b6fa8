import StapjeText

/// Finds sensitive data in a text: national register and eID numbers, IBANs, payment cards, e-mail addresses,
/// phone numbers, announced secrets, itsme and card-reader codes (rules and worked examples: protocol.md §4.4).
///
/// Check digits label a finding; they never decide whether it is one, because a mistyped number is still
/// personal data. The detector is a value and cheap to copy; it keeps nothing of the texts it reads.
public struct SensitiveDataDetector: Sendable {
    /// Domains whose addresses belong to organisations, not people: Safeonweb's addresses for reporting
    /// phishing (verdacht@, suspect@, suspicious@), which the answers tell people to use.
    public static let publicEmailDomains: Set<String> = ["safeonweb.be", "safeonweb"]

    /// E-mail domains (lower case) whose addresses are not masked.
    public var publicEmailDomains: Set<String>

    /// Creates a detector; `publicEmailDomains` adds to the defaults (a library's own address, for example).
    public init(publicEmailDomains: Set<String> = []) {
        self.publicEmailDomains = Self.publicEmailDomains.union(publicEmailDomains.map { $0.lowercased() })
    }

    /// The sensitive data in `text`, in order and without overlaps. The ranges index `text`.
    ///
    /// Announced secrets are found first (what follows "mijn wachtwoord is" is masked whatever it looks like),
    /// then e-mail addresses, IBANs and numbers in what is left.
    public func findings(in text: String) -> [SensitiveData] {
        if Self.plainlyHoldsNothing(text) { return [] }
        return scanned(text)
    }

    /// Whether `text` can be seen to hold nothing from its bytes alone, as most questions can: it has no digit
    /// (numbers, IBANs, "1234 is mijn pincode"), no "@" (e-mail addresses) and no word that starts a noun for a
    /// secret (every announced secret starts with one), and it is written in ASCII, Latin-1 letters (é, ç, ß...)
    /// and typographic apostrophes, which normalising leaves as they are (the apostrophes become "'", which only
    /// separates words). Anything else takes the full scan.
    static func plainlyHoldsNothing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // The word being read, as written; longer than this, even folded, it is no noun (folding at most
            // halves a letter's bytes: é → e).
            let longest = 2 * SecretPhrases.longestNounStart
            var wordStart = 0
            var wordIsASCII = true
            func endsNoun(at end: Int) -> Bool {
                defer {
                    wordStart = end
                    wordIsASCII = true
                }
                let count = end - wordStart
                guard count > 0 && count <= longest else { return false }
                let word = UnsafeBufferPointer(rebasing: bytes[wordStart..<end])
                // Most ASCII words differ from every noun in length or first letter: no string, no hashing.
                if wordIsASCII && !SecretPhrases.mayStartNoun(length: count, first: word[0] | 0x20) { return false }
                let folded =
                    wordIsASCII
                    ? TextFolding.asciiLowercased(word) : TextFolding.fold(String(decoding: word, as: UTF8.self))
                return SecretPhrases.nounStarts.contains(folded)
            }
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x41...0x5A, 0x61...0x7A:
                    index += 1
                case 0xC3 where index + 1 < bytes.count:
                    // U+00C0 to U+00FF: letters, except × and ÷.
                    let next = bytes[index + 1]
                    guard next != 0x97 && next != 0xB7 else { return false }
                    wordIsASCII = false
                    index += 2
                case 0xE2
                where index + 2 < bytes.count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0x98 || bytes[index + 2] == 0x99):
                    // ‘ and ’, read as '
                    if endsNoun(at: index) { return false }
                    index += 3
                    wordStart = index
                case 0x80...0xFF, 0x30...0x39, UInt8(ascii: "@"):
                    return false
                default:
                    if endsNoun(at: index) { return false }
                    index += 1
                    wordStart = index
                }
            }
            return !endsNoun(at: bytes.count)
        }
    }

    /// The full scan: what `findings(in:)` does when a text may hold something.
    func scanned(_ text: String) -> [SensitiveData] {
        let scan = ScanText(text)
        var claims = Claims(count: scan.scalars.count)
        var matches = SecretPhrases(scan: scan).matches()
        matches.forEach { claims.take($0.range) }
        let addresses = AddressScanner(scan: scan, publicEmailDomains: publicEmailDomains)
        for match in addresses.emails(claims: claims) {
            matches.append(match)
            claims.take(match.range)
        }
        for match in addresses.ibans(claims: claims) {
            matches.append(match)
            claims.take(match.range)
        }
        for var match in NumberScanner(scan: scan, claims: claims).matches() where !claims.overlaps(match.range) {
            match.phrase = leadIn(before: match.range, scan: scan).map { $0..<match.range.upperBound } ?? match.range
            matches.append(match)
            claims.take(match.range)
        }
        // Most messages hold nothing: no need to map positions back to the text.
        guard !matches.isEmpty else { return [] }
        let indices = Array(text.unicodeScalars.indices) + [text.unicodeScalars.endIndex]
        func original(_ range: Range<Int>) -> Range<String.Index> {
            indices[scan.origins[range.lowerBound]]..<indices[scan.origins[range.upperBound - 1] + 1]
        }
        return matches.sorted { $0.range.lowerBound < $1.range.lowerBound }.map { match in
            SensitiveData(
                kind: match.kind, range: original(match.range), phrase: original(match.phrase),
                checksum: match.checksum, language: match.language)
        }
    }

    static let possessives = SecretPhrases.grammars.reduce(into: Set<String>()) { $0.formUnion($1.possessives) }
    static let copulas = SecretPhrases.grammars.reduce(into: Set<String>()) { all, grammar in
        grammar.copulas.forEach { all.formUnion($0) }
    }

    /// Where the words announcing a value start ("mijn rijksregisternummer is", "mon numéro, c'est le",
    /// "my e-mail:"), so that the rest of the message can be read without them; nil when nothing announced it.
    ///
    /// Looks back at most six tokens in the same clause for a possessive, with a copula, `:` or `=` after it.
    func leadIn(before range: Range<Int>, scan: ScanText) -> Int? {
        guard var index = scan.tokens.lastIndex(where: { $0.range.upperBound <= range.lowerBound }) else { return nil }
        let possessives = Self.possessives
        let copulas = Self.copulas
        var announced = false
        for _ in 0..<6 {
            let token = scan.tokens[index]
            switch token.kind {
            case .digits:
                return nil
            case .mark:
                if token.text == ":" || token.text == "=" {
                    announced = true
                } else if token.text != "," {
                    return nil
                }
            case .word:
                if copulas.contains(token.text) { announced = true }
                if possessives.contains(token.text) { return announced ? token.range.lowerBound : nil }
                if token.text == "n", index > 0, scan.tokens[index - 1].text == "m" {  // m'n
                    return announced ? scan.tokens[index - 1].range.lowerBound : nil
                }
            }
            guard index > 0 else { return nil }
            index -= 1
        }
        return nil
    }
}
