/// Case and accent folding, shared by every step that compares words.
///
/// Folding lower-cases, removes accents (é → e, ë → e, ç → c), expands ligatures (œ → oe, æ → ae, ß → ss)
/// and never fails on odd input: scalars it does not know pass through lower-cased.
public enum TextFolding {
    /// Lower-cases `text` and removes its accents.
    public static func fold(_ text: some StringProtocol) -> String {
        // Most words are lower-case ASCII already: folding leaves them as they are.
        if text.utf8.allSatisfy(isFoldedASCII) { return String(text) }
        // French and Dutch words stay within Latin-1 (é, è, ë, ç, à...): each scalar's folded bytes from a table.
        return mappedWithinLatin1(text, latin1Folded) ?? foldScalarByScalar(text)
    }

    /// The same for a `String`: the generic version, called from another module, reads the text through the
    /// protocol's witnesses a byte at a time (3,600 instructions a word where the content's words are folded).
    public static func fold(_ text: String) -> String {
        let unchanged = text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isFoldedASCII) }
        if unchanged ?? false { return text }
        return mappedWithinLatin1(text, latin1Folded) ?? foldScalarByScalar(text)
    }

    /// An ASCII byte that folding leaves as it is (anything but a capital).
    private static func isFoldedASCII(_ byte: UInt8) -> Bool {
        byte < 0x80 && (byte < 0x41 || byte > 0x5A)
    }

    /// Folding without the shortcuts: what the fast paths must give.
    static func foldScalarByScalar(_ text: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            appendFolded(scalar, to: &out)
        }
        return String(out)
    }

    /// ASCII bytes as a string, capitals lower-cased. (Inlinable, so a caller in another module gets it specialised
    /// for its collection instead of a generic call.)
    @inlinable
    public static func asciiLowercased(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() {
                buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            }
            return bytes.count
        }
    }

    /// `text` with each scalar replaced by its UTF-8 in `table` (one entry per Latin-1 scalar), or nil when a
    /// scalar lies beyond Latin-1.
    static func mappedWithinLatin1(_ text: some StringProtocol, _ table: [[UInt8]]) -> String? {
        guard text.unicodeScalars.allSatisfy({ $0.value < 0x100 }) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 4)
        for scalar in text.unicodeScalars { bytes += table[Int(scalar.value)] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The folded UTF-8 of every Latin-1 scalar, worked out once with `appendFolded`.
    static let latin1Folded: [[UInt8]] = (0..<256).map { value in
        var out = String.UnicodeScalarView()
        appendFolded(Unicode.Scalar(UInt8(value)), to: &out)
        return Array(String(out).utf8)
    }

    /// The folded form of a run of scalars (a word cut out of a longer text).
    public static func fold(scalars: ArraySlice<Unicode.Scalar>) -> String {
        if scalars.allSatisfy({ $0.value < 0x80 }) {
            return asciiLowercased(scalars.lazy.map { UInt8($0.value) })
        }
        var out = String.UnicodeScalarView()
        for scalar in scalars { appendFolded(scalar, to: &out) }
        return String(out)
    }

    /// Appends the folded form of one scalar.
    static func appendFolded(_ scalar: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
        let value = scalar.value
        if value < 0x80 {
            // ASCII fast path: only upper-case letters change.
            if value >= 0x41 && value <= 0x5A, let lower = Unicode.Scalar(value + 0x20) {
                out.append(lower)
            } else {
                out.append(scalar)
            }
            return
        }
        if isCombiningMark(scalar) { return }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
            switch lower {
            case "œ": out.append(contentsOf: "oe".unicodeScalars)
            case "æ": out.append(contentsOf: "ae".unicodeScalars)
            case "ß": out.append(contentsOf: "ss".unicodeScalars)
            case "ø": out.append("o")
            case "ł": out.append("l")
            case "đ": out.append("d")
            case "ı": out.append("i")
            default:
                if let base = latinBase[lower.value] {
                    out.append(contentsOf: base.unicodeScalars)
                } else if !isCombiningMark(lower) {
                    out.append(lower)
                }
            }
        }
    }

    /// True for accents and other marks that combine with the letter before them.
    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x300 { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
