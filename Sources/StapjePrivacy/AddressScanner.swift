/// Finds IBANs and e-mail addresses: the values written with letters.
struct AddressScanner {
    /// IBAN lengths by country (ISO 13616 registry), for the exact match.
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
        "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "ES": 24, "FI": 18,
        "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
        "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20,
        "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
        "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
        "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]

    let scan: ScanText
    /// Domains whose addresses belong to organisations, not people (lower case).
    let publicEmailDomains: Set<String>

    // MARK: - IBAN

    /// IBANs: two letters, two check digits, then groups of letters and digits.
    ///
    /// The exact length of the country is tried first, so "BE48 3200 7018 4927 graag" stops before "graag"
    /// (protocol.md §4.5). When it does not fit (a typo, an unknown country in capitals), 11 to 30 more
    /// characters in groups that hold a digit or are in capitals are still masked, labelled invalid. The
    /// country letters may be lower case only for a known country.
    func ibans(claims: Claims) -> [Match] {
        var found: [Match] = []
        var index = 0
        let scalars = scan.scalars
        while index + 3 < scalars.count {
            if let match = iban(at: index), !claims.overlaps(match.range) {
                found.append(match)
                index = match.range.upperBound
            } else {
                index += 1
            }
        }
        return found
    }

    func iban(at start: Int) -> Match? {
        let scalars = scan.scalars
        guard !scan.isAlphanumeric(start - 1), Self.isASCIILetter(scalars[start]),
            start + 1 < scalars.count, Self.isASCIILetter(scalars[start + 1])
        else { return nil }
        let capitals = Self.isUpper(scalars[start]) && Self.isUpper(scalars[start + 1])
        var position = start + 2
        if capitals, position < scalars.count, scalars[position] == " " { position += 1 }
        // The check digits first: most words are no IBAN, and they are rejected here without building a string.
        guard scan.isDigit(position), scan.isDigit(position + 1) else { return nil }
        let country = String(String.UnicodeScalarView(scalars[start...start + 1])).uppercased()
        let length = Self.ibanLengths[country]
        guard capitals || length != nil else { return nil }
        var characters = Array(country.unicodeScalars) + [scalars[position], scalars[position + 1]]
        position += 2
        var exactEnd: Int?
        while true {
            var next = position
            if next < scalars.count, [" ", "-", "."].contains(scalars[next]), scan.isAlphanumeric(next + 1) {
                next += 1
            }
            guard scan.isAlphanumeric(next) else { break }
            let chunkStart = next
            while scan.isAlphanumeric(next) { next += 1 }
            let chunk = scalars[chunkStart..<next]
            let accepted = chunk.contains(where: ScanText.isDigit) || chunk.allSatisfy(Self.isUpper)
            guard accepted, characters.count + chunk.count <= 34, chunk.allSatisfy(\.isASCII) else { break }
            characters += chunk.map(Self.upper)
            position = next
            if characters.count == length { exactEnd = position }
        }
        if let end = exactEnd {
            let exact = Array(characters.prefix(length ?? 0))
            return Match(.iban, start..<end, checksum: CheckDigits.iban(exact) ? .valid : .invalid)
        }
        guard (15...34).contains(characters.count) else { return nil }
        return Match(.iban, start..<position, checksum: CheckDigits.iban(characters) ? .valid : .invalid)
    }

    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        isUpper(scalar) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
    }

    static func isUpper(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x41 && scalar.value <= 0x5A
    }

    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value >= 0x61 && scalar.value <= 0x7A ? Unicode.Scalar(scalar.value - 0x20)! : scalar
    }

    // MARK: - E-mail

    /// E-mail addresses: a local part, `@`, and a domain of one or more labels. Deliberately loose
    /// (`jan@gmail` without a dot is masked too): over-matching is fine for redaction. Addresses at a public
    /// domain (`verdacht@safeonweb.be`, where phishing is reported) are left alone.
    func emails(claims: Claims) -> [Match] {
        var found: [Match] = []
        let scalars = scan.scalars
        for at in scalars.indices where scalars[at] == "@" && !claims.isTaken(at) {
            var start = at
            while start > 0, Self.isLocal(scalars[start - 1]), !claims.isTaken(start - 1) { start -= 1 }
            while start < at, [".", "-"].contains(scalars[start]) { start += 1 }
            var end = at + 1
            while end < scalars.count, Self.isDomain(scalars[end]), !claims.isTaken(end) { end += 1 }
            while end > at + 1, [".", "-"].contains(scalars[end - 1]) { end -= 1 }
            guard start < at, end - at > 2, found.last.map({ $0.range.upperBound <= start }) ?? true else { continue }
            let domain = String(String.UnicodeScalarView(scalars[(at + 1)..<end])).lowercased()
            if publicEmailDomains.contains(domain) { continue }
            found.append(Match(.email, start..<end))
        }
        return found
    }

    static func isLocal(_ scalar: Unicode.Scalar) -> Bool {
        ScanText.isAlphanumeric(scalar) || [".", "_", "%", "+", "-"].contains(scalar)
    }

    static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        ScanText.isAlphanumeric(scalar) || scalar == "." || scalar == "-"
    }
}
