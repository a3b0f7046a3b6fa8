/// The characters Stapje never lets through from free text, found on UTF-8 bytes: the C0 controls (line breaks among
/// them), DEL, the C1 controls (U+0080-U+009F: C2 80-9F) and the line and paragraph separators (U+2028 and U+2029: E2 80
/// A8 and A9). A person's message is cleaned of them, a question holding one is refused on the wire, and a reply's
/// text has them made spaces, so one line can never become two. Accents and typographic quotes pass untouched.
public enum ControlCharacters {
    /// Whether `bytes` (UTF-8) hold one. `allowingTab`: a tab does not count.
    ///
    /// Eight bytes a test for the common case (ASCII without C0 and DEL); only the eight bytes that fail it are looked
    /// at one by one.
    public static func found(in bytes: UnsafeBufferPointer<UInt8>, allowingTab: Bool = false) -> Bool {
        let count = bytes.count
        var index = 0
        /// Whether the byte at `index` starts one (the next bytes are read as needed).
        func starts(at index: Int) -> Bool {
            let byte = bytes[index]
            switch byte {
            case 0x09: return !allowingTab
            case 0..<0x20, 0x7F: return true
            case 0xC2: return index + 1 < count && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0x9F
            case 0xE2:
                return index + 2 < count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
            default: return false
            }
        }
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                // A byte of 0x80 or more, below 0x20 (exact when no byte has its high bit), or equal to 0x7F.
                let high = word & highs
                let low = (word &- 0x20 &* ones) & ~word & highs
                let delete = ((word ^ (0x7F &* ones)) &- ones) & ~(word ^ (0x7F &* ones)) & highs
                if high | low | delete != 0 {
                    for offset in 0..<8 where starts(at: index + offset) { return true }
                }
                index += 8
            }
        }
        while index < count {
            if starts(at: index) { return true }
            index += 1
        }
        return false
    }

    /// Whether `scalar` is one of them (a tab counts).
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (value >= 0x80 && value < 0xA0) || value == 0x2028 || value == 0x2029
    }

    /// The same for the bytes of a string (read in place when they are contiguous, as a native string's are).
    public static func found(in text: Substring.UTF8View, allowingTab: Bool = false) -> Bool {
        text.withContiguousStorageIfAvailable { found(in: $0, allowingTab: allowingTab) }
            ?? Array(text).withUnsafeBufferPointer { found(in: $0, allowingTab: allowingTab) }
    }
}
