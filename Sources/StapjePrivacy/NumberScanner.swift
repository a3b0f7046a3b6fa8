/// Finds numbers: national register numbers, eID card numbers, payment cards, phone numbers, one-time and
/// card-reader codes, and long digit runs that fit no shape.
///
/// Digit runs joined by up to three separators (space, `.`, `-`, `/`, parentheses) form a candidate. From each
/// run, the shapes are tried in order (international phone, eID, national number, ISBN, card, phone, reader
/// code, one-time code); a shape must start and end on run boundaries, so "0471 23 45 67" is one phone number
/// and a national number inside a longer digit string is not found. Public numbers (service lines such as
/// 0800, 070, 078, 090x and French 08; books' ISBNs) are recognised so that nothing else takes them. Runs of
/// 9 digits or more left over are masked as `.number`.
struct NumberScanner {
    /// One digit run.
    struct Group {
        var range: Range<Int>
        var digits: [Int]
    }

    /// What a shape made of some groups.
    enum Outcome {
        case sensitive(SensitiveData.Kind, SensitiveData.Checksum)
        /// A public number: claimed, so no other shape takes it, but not masked.
        case publicNumber
    }

    static let separators: Set<Unicode.Scalar> = [" ", ".", "-", "/", "(", ")"]
    static let readerWords = ["kaartlezer", "digipass", "lecteur", "respons", "reponse", "reader"]
    static let codeWordExceptions: Set<String> = [
        "postcode", "foutcode", "errorcode", "barcode", "qrcode", "streepjescode", "landcode", "zipcode",
        "statuscode",
    ]
    static let notACode: Set<String> = [
        "postal", "postale", "postcode", "zip", "error", "erreur", "fout", "foutmelding", "foutcode", "errorcode",
        "statuscode", "status",
    ]

    let scan: ScanText
    let claims: Claims
    /// The words of the text, for the keywords around a code.
    let words: [ScanText.Token]

    init(scan: ScanText, claims: Claims) {
        self.scan = scan
        self.claims = claims
        self.words = scan.tokens.filter { $0.kind == .word }
    }

    /// Every number found, in order.
    func matches() -> [Match] {
        var found: [Match] = []
        for candidate in candidates() {
            var taken = Array(repeating: false, count: candidate.count)
            var start = 0
            while start < candidate.count {
                let plus =
                    start == 0 && scan.scalars.indices.contains(candidate[0].range.lowerBound - 1)
                    && scan.scalars[candidate[0].range.lowerBound - 1] == "+"
                guard let (count, outcome) = shape(candidate[start...], plus: plus) else {
                    start += 1
                    continue
                }
                for index in start..<start + count { taken[index] = true }
                if case .sensitive(let kind, let checksum) = outcome {
                    let from = candidate[start].range.lowerBound - (plus ? 1 : 0)
                    found.append(Match(kind, from..<candidate[start + count - 1].range.upperBound, checksum: checksum))
                }
                start += count
            }
            found += leftovers(candidate, taken: taken)
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// Runs of 9 digits or more that no shape took.
    func leftovers(_ candidate: [Group], taken: [Bool]) -> [Match] {
        var found: [Match] = []
        var index = 0
        while index < candidate.count {
            guard !taken[index] else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < candidate.count && !taken[end + 1] { end += 1 }
            if candidate[index...end].reduce(0, { $0 + $1.digits.count }) >= 9 {
                found.append(Match(.number, candidate[index].range.lowerBound..<candidate[end].range.upperBound))
            }
            index = end + 1
        }
        return found
    }

    /// Unclaimed digit runs, joined into candidates by short separators.
    func candidates() -> [[Group]] {
        var result: [[Group]] = []
        var current: [Group] = []
        var index = 0
        let scalars = scan.scalars
        while index < scalars.count {
            guard scan.isDigit(index), !claims.isTaken(index) else {
                index += 1
                continue
            }
            let start = index
            var digits: [Int] = []
            while index < scalars.count, scan.isDigit(index), !claims.isTaken(index) {
                digits.append(Int(scalars[index].value) - 48)
                index += 1
            }
            if let last = current.last, !joins(last.range.upperBound, start) {
                result.append(current)
                current = []
            }
            current.append(Group(range: start..<index, digits: digits))
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Whether the text between two runs is a separator ("0471 23", "85.07", "+32 (0)471").
    func joins(_ end: Int, _ start: Int) -> Bool {
        let gap = start - end
        guard gap >= 1 && gap <= 3 else { return false }
        return (end..<start).allSatisfy { Self.separators.contains(scan.scalars[$0]) && !claims.isTaken($0) }
    }

    // MARK: - Shapes

    /// The first shape that fits groups from the start of `groups`: how many groups it takes and what it is.
    func shape(_ groups: ArraySlice<Group>, plus: Bool) -> (Int, Outcome)? {
        let groups = Array(groups.prefix(12))
        var ends: [Int] = []  // digits up to and including each group
        for group in groups { ends.append((ends.last ?? 0) + group.digits.count) }
        let digits = groups.flatMap(\.digits)
        func taking(_ count: Int) -> Int? { ends.firstIndex(of: count).map { $0 + 1 } }

        if let found = internationalPhone(digits, ends: ends, plus: plus) { return found }
        if let count = taking(12), count == 1 || ends.prefix(count - 1) == [3, 10] {
            return (count, .sensitive(.eidNumber, label(CheckDigits.belgianMod97(Array(digits[0..<12])))))
        }
        if let count = taking(11), ends.prefix(count - 1).allSatisfy({ [2, 4, 6, 9].contains($0) }) {
            return (count, .sensitive(.nationalNumber, label(CheckDigits.nationalNumber(Array(digits[0..<11])))))
        }
        if let count = taking(13), CheckDigits.isbn13(Array(digits[0..<13])) { return (count, .publicNumber) }
        if let found = card(digits, groups: groups, ends: ends) { return found }
        if let found = nationalPhone(digits, ends: ends) { return found }
        if let count = taking(8),
            isNear(
                groups[0].range.lowerBound, groups[count - 1].range.upperBound,
                before: 6, after: 4, keyword: Self.isReaderWord)
        {
            return (count, .sensitive(.readerCode, .none))
        }
        if (5...6).contains(groups[0].digits.count),
            isNear(
                groups[0].range.lowerBound, groups[0].range.upperBound, before: 3, after: 2,
                keyword: Self.isCodeWord, unless: Self.notACode.contains)
        {
            return (1, .sensitive(.oneTimeCode, .none))
        }
        return nil
    }

    /// +32 / 0032 / +33 / 0033, an optional (0), then a Belgian (8 or 9 digits, 9 for mobiles 4xx) or French
    /// (9 digits) number. Belgian 800, 70, 78, 90x and French 8xx numbers are public services.
    func internationalPhone(_ digits: [Int], ends: [Int], plus: Bool) -> (Int, Outcome)? {
        let prefix: Int
        if plus, digits.starts(with: [3, 2]) || digits.starts(with: [3, 3]) {
            prefix = 0
        } else if digits.starts(with: [0, 0, 3, 2]) || digits.starts(with: [0, 0, 3, 3]) {
            prefix = 2
        } else {
            return nil
        }
        let belgian = digits[prefix + 1] == 2
        var best: (Int, Outcome)?
        for (index, end) in ends.enumerated() where end > prefix + 2 {
            var national = Array(digits[(prefix + 2)..<end])
            if national.first == 0 { national.removeFirst() }
            let fits =
                belgian
                ? national.count == 8 || (national.count == 9 && national.first == 4)
                : national.count == 9
            guard fits else { continue }
            let isPublic =
                belgian
                ? national.starts(with: [8, 0, 0]) || national.starts(with: [7, 0]) || national.starts(with: [7, 8])
                    || national.starts(with: [9, 0])
                : national.first == 8
            best = (index + 1, isPublic ? .publicNumber : .sensitive(.phone, .none))
        }
        return best
    }

    /// 0 and 8 more digits (a Belgian fixed line) or 9 more (a Belgian mobile 04xx or a French number).
    func nationalPhone(_ digits: [Int], ends: [Int]) -> (Int, Outcome)? {
        guard digits.count >= 9, digits[0] == 0, digits[1] != 0 else { return nil }
        guard let index = ends.lastIndex(where: { $0 == 9 || $0 == 10 }) else { return nil }
        let number = Array(digits[0..<ends[index]])
        let isPublic =
            number.count == 9
            ? number.starts(with: [0, 8, 0, 0]) || number.starts(with: [0, 7, 0]) || number.starts(with: [0, 7, 8])
                || number.starts(with: [0, 9, 0])
            : number.starts(with: [0, 8])
        return (index + 1, isPublic ? .publicNumber : .sensitive(.phone, .none))
    }

    /// 13 to 19 digits written as cards are: in one run, in fours (the last group shorter), or 4-6-5 / 4-6-4.
    /// The Luhn check labels the match and picks the length when several fit.
    func card(_ digits: [Int], groups: [Group], ends: [Int]) -> (Int, Outcome)? {
        var fits: [Int] = []
        for (index, end) in ends.enumerated() where (13...19).contains(end) {
            let lengths = groups[0...index].map(\.digits.count)
            let inFours = lengths.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(lengths.last ?? 0)
            if lengths.count == 1 || inFours || lengths == [4, 6, 5] || lengths == [4, 6, 4] { fits.append(index) }
        }
        let valid = fits.filter { CheckDigits.luhn(Array(digits[0..<ends[$0]])) }
        guard let index = valid.last ?? fits.first(where: { ends[$0] == 16 }) ?? fits.last else { return nil }
        return (index + 1, .sensitive(.paymentCard, label(!valid.isEmpty)))
    }

    // MARK: - Keywords

    static func isReaderWord(_ word: String) -> Bool {
        readerWords.contains { word.contains($0) }
    }

    static func isCodeWord(_ word: String) -> Bool {
        word.contains("itsme") || word == "codes" || (word.hasSuffix("code") && !codeWordExceptions.contains(word))
    }

    /// Whether a keyword is among the `before` words before `start` or the `after` words after `end`, and no
    /// word there says otherwise.
    func isNear(
        _ start: Int, _ end: Int, before: Int, after: Int, keyword: (String) -> Bool,
        unless: (String) -> Bool = { _ in false }
    ) -> Bool {
        let preceding = words[..<firstWord(from: start)].suffix(before)
        let following = words[firstWord(from: end)...].prefix(after)
        let around = preceding.map(\.text) + following.map(\.text)
        return around.contains(where: keyword) && !around.contains(where: unless)
    }

    /// The index of the first word starting at or after `position` (words are in order; binary search).
    func firstWord(from position: Int) -> Int {
        var low = 0
        var high = words.count
        while low < high {
            let middle = (low + high) / 2
            if words[middle].range.lowerBound < position { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func label(_ valid: Bool) -> SensitiveData.Checksum {
        valid ? .valid : .invalid
    }
}
