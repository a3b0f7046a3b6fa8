/// The check-digit rules that label what the detectors find (python-stdnum's rules, see protocol.md §4.4).
///
/// Digits are given as values 0...9, letters (for IBANs) as upper-case ASCII scalars.
enum CheckDigits {
    /// The number written by `digits`, modulo 97, for any length.
    static func mod97(_ digits: some Sequence<Int>) -> Int {
        digits.reduce(0) { ($0 * 10 + $1) % 97 }
    }

    /// A Belgian national register number (11 digits): `97 - (first 9 mod 97)`, or for births from 2000 the same
    /// on `2` followed by the first 9 digits. Either rule makes it valid (no clock here to rule out the future).
    static func nationalNumber(_ digits: [Int]) -> Bool {
        guard digits.count == 11 else { return false }
        let check = digits[9] * 10 + digits[10]
        let before2000 = 97 - mod97(digits[0..<9])
        let from2000 = 97 - mod97([2] + digits[0..<9])
        return check == before2000 || check == from2000
    }

    /// The Belgian "first 10 digits mod 97, 0 becomes 97" rule of eID card numbers (12 digits) and of the
    /// national check digits of a Belgian account (the 12-digit BBAN of a BE IBAN).
    static func belgianMod97(_ digits: [Int]) -> Bool {
        guard digits.count == 12 else { return false }
        let remainder = mod97(digits[0..<10])
        return digits[10] * 10 + digits[11] == (remainder == 0 ? 97 : remainder)
    }

    /// The Luhn (mod 10) check of payment cards.
    static func luhn(_ digits: [Int]) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// An ISBN-13 (978 or 979 and the weights 1, 3): a book, not a person.
    static func isbn13(_ digits: [Int]) -> Bool {
        guard digits.count == 13, digits[0] == 9, digits[1] == 7, digits[2] == 8 || digits[2] == 9 else {
            return false
        }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return sum % 10 == 0
    }

    /// ISO 13616: move the first four characters to the end, letters become 10...35, the number mod 97 is 1.
    /// A Belgian IBAN must also pass the national check on its BBAN.
    static func iban(_ characters: [Unicode.Scalar]) -> Bool {
        guard characters.count > 4 else { return false }
        var remainder = 0
        for scalar in characters[4...] + characters[..<4] {
            switch scalar {
            case "0"..."9":
                remainder = (remainder * 10 + Int(scalar.value - 48)) % 97
            case "A"..."Z":
                remainder = (remainder * 100 + Int(scalar.value - 55)) % 97
            default:
                return false
            }
        }
        guard remainder == 1 else { return false }
        if characters[0] == "B" && characters[1] == "E" {
            let bban = characters[4...].map { Int($0.value) - 48 }
            return bban.allSatisfy { (0...9).contains($0) } && belgianMod97(bban)
        }
        return true
    }
}
