import StapjeText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits content text into words, each distinct space-separated piece once. For compiling only.
///
/// Content repeats the same few thousand pieces ("solliciteren", "@jobs-apply", "(online") tens of thousands of
/// times. A space leaves the tokenizer as it starts (no word, no hyphen pending), so the words of a text are the
/// words of its pieces, one after the other; each piece is given to the tokenizer once. Pieces are found by
/// their bytes (an FNV-1a hash, then the bytes compared), which costs less than hashing them as strings.
struct ContentWords: Sendable {
    private let tokenizer = Tokenizer()
    /// Open addressing over the pieces' hashes: each slot holds a position in `pieces`, or -1.
    private var slots = [Int32](repeating: -1, count: 1024)
    private var pieces: [(hash: UInt64, bytes: [UInt8], tokens: [Token])] = []

    /// Splits and keeps the new pieces of `text`, without making its list of words.
    mutating func add(_ text: String) {
        guard text.utf8.count <= tokenizer.maximumScalars else {
            _ = addWhole(text)
            return
        }
        Self.forEachPiece(of: text) { piece in
            _ = position(of: piece.bytes, piece.hash)
            return true
        }
    }

    /// The words of `text`, as `Tokenizer.tokens(text)` gives them; its new pieces are split and kept.
    mutating func tokens(_ text: String) -> [Token] {
        guard text.utf8.count <= tokenizer.maximumScalars else { return addWhole(text) }
        var joined = JoinedTokens(text)
        Self.forEachPiece(of: text) { piece in
            joined.append(pieces[position(of: piece.bytes, piece.hash)].tokens)
            return true
        }
        return joined.tokens
    }

    /// A text the tokenizer would cut short, split and kept as a whole.
    private mutating func addWhole(_ text: String) -> [Token] {
        let split = tokenizer.tokens(text)
        pieces.append((0, [], split))
        return split
    }

    /// Where a piece is in `pieces`: found, or split and added.
    private mutating func position(of bytes: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> Int {
        if let known = find(bytes, hash) { return known }
        add(bytes, hash, Self.split(bytes, tokenizer))
        return pieces.count - 1
    }

    /// The words of one piece. In plain ASCII without apostrophes or hyphens, every run of letters and digits is
    /// one word, lower-cased, and everything else separates them: that is what the tokenizer makes of such a
    /// piece (its other rules are about apostrophes, hyphens and other scripts). Most pieces are like that
    /// ("solliciteren", "(online", "vdab?"), and the tokenizer costs more than the rest of splitting.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ tokenizer: Tokenizer) -> [Token] {
        if let blanked = blankingConceptNames(bytes) {
            return blanked.withUnsafeBufferPointer { split($0, tokenizer) }
        }
        var words: [Token] = []
        var start = -1
        for index in 0...bytes.count {
            let byte = index < bytes.count ? bytes[index] : 0x20
            switch byte {
            case 0x61...0x7A, 0x41...0x5A, 0x30...0x39:
                if start < 0 { start = index }
            case 0x27, 0x60, 0x2D, 0x80...:
                return tokenizer.tokens(String(decoding: bytes, as: UTF8.self))
            default:
                guard start >= 0 else { continue }
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                let original = String(decoding: run, as: UTF8.self)
                words.append(Token(original: original, lower: Tokenizer.lowercased(original)))
                start = -1
            }
        }
        return words
    }

    /// The piece with the names of the concepts it refers to (`@jobs-apply`, `(@phone`) made blanks, or nil when it
    /// refers to none: a concept's name is no word of the content ("jobs", "apply" would otherwise count as words of
    /// every language, for the language detector and the typo index alike). A name starts with an `@` at the start
    /// of the piece or after a sign of the pattern syntax and ends where the pattern parser ends it
    /// (`Pattern.isSyntax`); an `@` inside a word ("info@vdab.be") is no reference.
    private static func blankingConceptNames(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var blanked: [UInt8]?
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "@"), index == 0 || Pattern.isSyntax(bytes[index - 1]) else {
                index += 1
                continue
            }
            if blanked == nil { blanked = Array(bytes) }
            repeat {
                blanked![index] = 0x20
                index += 1
            } while index < bytes.count && !Pattern.isSyntax(bytes[index])
        }
        return blanked
    }

    /// The words of `text` when every piece of it was split before, as `Tokenizer.tokens(text)` gives them; nil
    /// otherwise.
    func knownTokens(_ text: String) -> [Token]? {
        guard text.utf8.count <= tokenizer.maximumScalars else { return nil }
        var joined = JoinedTokens(text)
        let complete = Self.forEachPiece(of: text) { piece in
            guard let known = find(piece.bytes, piece.hash) else { return false }
            joined.append(pieces[known].tokens)
            return true
        }
        return complete ? joined.tokens : nil
    }

    /// How many distinct pieces were split (about as many as distinct words: most pieces are one word).
    var pieceCount: Int { pieces.count }

    /// The words of every text split so far (each piece once, so a word can come more than once).
    var allTokens: some Sequence<Token> { pieces.lazy.flatMap(\.tokens) }

    /// Calls `body` with the bytes and hash of every piece of `text` in order, until it returns false; true when
    /// it never did.
    @discardableResult
    private static func forEachPiece(
        of text: String, _ body: ((bytes: UnsafeBufferPointer<UInt8>, hash: UInt64)) -> Bool
    ) -> Bool {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            while start < bytes.count {
                // A space byte is always a scalar of its own in UTF-8, so each piece is whole text.
                var end = start
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                while end < bytes.count && bytes[end] != 0x20 {
                    hash = (hash ^ UInt64(bytes[end])) &* 0x0000_0100_0000_01b3
                    end += 1
                }
                if end > start && !body((UnsafeBufferPointer(rebasing: bytes[start..<end]), hash)) { return false }
                start = end + 1
            }
            return true
        }!
    }

    private static func slot(_ hash: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Self.slot(hash, mask)
        while slots[slot] >= 0 {
            let known = Int(slots[slot])
            if pieces[known].hash == hash && Self.same(pieces[known].bytes, bytes) { return known }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Whether two byte runs are equal (`memcmp`: the generic `elementsEqual` compared them a byte at a time).
    private static func same(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == bytes.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, bytes.count) == 0 }
    }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ tokens: [Token]) {
        pieces.append((hash, Array(bytes), tokens))
        if pieces.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for position in pieces.indices where !pieces[position].bytes.isEmpty { place(position) }
        } else {
            place(pieces.count - 1)
        }
    }

    private mutating func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = Self.slot(pieces[position].hash, mask)
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position)
    }
}

/// The words of a text's pieces, one piece after another. A text of one piece (most keywords and pattern words)
/// shares that piece's list instead of copying it; a longer one gets room for about a word every four bytes at
/// once, so its list is made once.
private struct JoinedTokens {
    private var first: [Token]?
    private var result: [Token] = []
    private let capacity: Int

    init(_ text: String) { capacity = text.utf8.count / 4 + 2 }

    mutating func append(_ tokens: [Token]) {
        guard let earlier = first else {
            first = tokens
            return
        }
        if result.isEmpty {
            result.reserveCapacity(capacity)
            result += earlier
        }
        result += tokens
    }

    var tokens: [Token] { result.isEmpty ? first ?? [] : result }
}
