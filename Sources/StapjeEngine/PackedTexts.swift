/// Many texts kept for the life of the process in one byte buffer (each text's end in a second array), read back
/// as new strings.
///
/// An explanation names a few of the ~750 example sentences of a language. Kept as 750 strings, each would be an
/// object of its own, and handing one out (retaining it) writes to a memory line nothing else has touched: a
/// cache miss per candidate. Here a text is copied out of one buffer instead, and short ones need no allocation.
struct PackedTexts: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int32] = []

    var count: Int { ends.count }

    mutating func append(_ text: String) {
        bytes += text.utf8
        ends.append(Int32(bytes.count))
    }

    /// The same texts without the room left by appending.
    func compacted() -> PackedTexts {
        var copy = PackedTexts()
        copy.bytes = bytes.compacted()
        copy.ends = ends.compacted()
        return copy
    }

    subscript(index: Int) -> String {
        let start = index == 0 ? 0 : Int(ends[index - 1])
        return String(decoding: bytes[start..<Int(ends[index])], as: UTF8.self)
    }
}
