/// A hash table from words to values that hashes and compares a word's UTF-8 bytes.
///
/// The analyzer and the language detector look every word of a question up, several times, and the rule compiler
/// every word of the content (its stem table and phrase caches). A `[String: Value]`
/// pays for Unicode: SipHash over the word's normalised (NFC) scalars, and a comparison that normalises too, several
/// hundred instructions for an accented word. The words here come from the tokenizer, already lower-cased and
/// composed, so equal words have equal bytes and the bytes are all a lookup needs: FNV-1a over them and a byte
/// comparison. Open addressing with linear probing, at most half full. Hash flooding cannot hurt: only the content
/// inserts; a question only looks up, and a lookup's probe run is bounded by the content's own clusters.
struct WordTable<Value: Sendable>: Sendable {
    /// Index + 1 of the entry in each slot; 0 is an empty slot. A power of two in size.
    private var slots: [Int32]
    /// Each entry's full hash, compared before its bytes.
    private var hashes: [UInt64] = []
    /// Entry `i`'s bytes are `bytes[ends[i - 1] ..< ends[i]]` (from 0 for the first).
    private var ends: [Int32] = []
    private var bytes: [UInt8] = []
    /// The values, by entry.
    private var values: [Value] = []

    init(minimumCapacity: Int = 0) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    /// The number of words.
    var count: Int { values.count }

    /// The value of `word`, or nil. Setting nil is not supported (the tables only grow).
    subscript(word: String) -> Value? {
        get { Self.withBytes(of: word) { self[bytes: $0] } }
        set {
            guard let newValue else { preconditionFailure("WordTable cannot remove a word") }
            updateValue(newValue, forKey: word)
        }
    }

    /// The value of the word whose UTF-8 is `bytes`, or nil.
    subscript(bytes word: UnsafeBufferPointer<UInt8>) -> Value? {
        probe(word, hash: Self.hash(word)).entry.map { values[$0] }
    }

    /// The value of `word`, or `defaultValue` when it has none; a write through it stores the word.
    subscript(word: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[word] ?? defaultValue() }
        set { updateValue(newValue, forKey: word) }
    }

    /// Stores `value` for `word`; returns the value it replaces, if any.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey word: String) -> Value? {
        Self.withBytes(of: word) { word in
            let hash = Self.hash(word)
            let (slot, entry) = probe(word, hash: hash)
            if let entry {
                defer { values[entry] = value }
                return values[entry]
            }
            slots[slot] = Int32(values.count + 1)
            hashes.append(hash)
            bytes.append(contentsOf: word)
            ends.append(Int32(bytes.count))
            values.append(value)
            if values.count * 2 > slots.count { grow() }
            return nil
        }
    }

    /// The same words with each value transformed.
    func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> WordTable<T> {
        WordTable<T>(slots: slots, hashes: hashes, ends: ends, bytes: bytes, values: try values.map(transform))
    }

    private init(slots: [Int32], hashes: [UInt64], ends: [Int32], bytes: [UInt8], values: [Value]) {
        self.slots = slots
        self.hashes = hashes
        self.ends = ends
        self.bytes = bytes
        self.values = values
    }

    /// The entry holding `word` and its slot, or nil and the empty slot where `word` would go.
    private func probe(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, entry: Int?) {
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return (slot, nil) }
            if hashes[stored - 1] == hash && matches(stored - 1, word) { return (slot, stored - 1) }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    private func matches(_ index: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        guard end - start == word.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            for offset in 0..<word.count where stored[start + offset] != word[offset] { return false }
            return true
        }
    }

    /// Doubles the slots and places every entry again (the entries themselves stay where they are).
    private mutating func grow() {
        var larger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = Int32(index + 1)
        }
        slots = larger
    }

    /// FNV-1a over the bytes, then a multiply-xorshift so the low bits (the slot) depend on every byte.
    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 32
        hash &*= 0x9e37_79b9_7f4a_7c15
        return hash ^ (hash >> 29)
    }

    private static func withBytes<R>(of word: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = word.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(word.utf8).withUnsafeBufferPointer(body)
    }
}
