import StapjeText

/// Typo correction against the content's own words: bounded Damerau-Levenshtein over a symmetric-delete index.
///
/// Every known word is stored with all the strings made by deleting up to its edit budget of letters; a typed
/// word is looked up the same way, so candidates are found without scanning the vocabulary. Longer words allow
/// more edits. When two different words are equally close, no correction is made: guessing would be worse.
struct TypoIndex: Sendable {
    /// The outcome of looking up one word.
    enum Outcome: Sendable, Equatable {
        case known
        case corrected(to: String, distance: Int)
        case ambiguous([String])
        case unknown
    }

    private let words: [String]
    private let known: Set<String>
    /// Every deletion variant's hash with the word it came from, sorted by hash: one flat array instead of a
    /// dictionary of small arrays (a few hundred thousand entries for a content's vocabulary). Only the top 32 bits
    /// of each 64-bit hash are kept (`key`): half the memory, and a collision only adds a candidate, which the
    /// distance check then judges as it would any (every word within the distance is a candidate anyway, so the
    /// outcome is the same).
    private let variantHashes: [UInt32]
    private let variantWords: [Int32]
    /// Where the hashes with each value of their top `directoryBits` bits start in `variantHashes` (one more entry
    /// for the end): a lookup searches a handful of entries instead of the whole array.
    private let directory: [Int32]
    static let directoryBits = 14

    /// Longer words are never corrected.
    static let longestCorrectable = 32

    /// The edit budget for a word of `length` scalars.
    static func budget(_ length: Int) -> Int {
        switch length {
        case ..<5: 0
        case 5...8: 1
        default: 2
        }
    }

    init(vocabulary: some Sequence<String>) {
        let known = Set(vocabulary)
        let sorted = known.sorted()
        // Variants are collected with repeats ("lekker" loses either k to the same string), words in ascending
        // order; a stable sort by hash then leaves equal hashes in word order, and the repeats side by side.
        // The variants of each word are counted first (a word of n scalars has 1 + n + n(n - 1)/2 within two
        // deletions), so the two lists are made at their size and written in place.
        var budgets = [Int](repeating: 0, count: sorted.count)
        var total = 0
        for (index, word) in sorted.enumerated() {
            let length = word.unicodeScalars.count
            let budget = Self.budget(length)
            // A typed word longer than `longestCorrectable` is never looked up, so a content word more than its
            // budget longer can never be within reach: its variants would only cost quadratic work in its length
            // (a curator's pasted blob of a million letters took 40 s to index).
            guard budget > 0, length <= Self.longestCorrectable + budget else { continue }
            budgets[index] = budget
            total += Self.variantCount(length, upTo: budget)
        }
        var hashes = [UInt64](repeating: 0, count: total)
        var owners = [Int32](repeating: 0, count: total)
        var scalars: [UInt32] = []
        hashes.withUnsafeMutableBufferPointer { hashes in
            owners.withUnsafeMutableBufferPointer { owners in
                var position = 0
                for (index, word) in sorted.enumerated() where budgets[index] > 0 {
                    scalars.removeAll(keepingCapacity: true)
                    scalars.append(contentsOf: word.unicodeScalars.lazy.map(\.value))
                    let start = position
                    Self.forEachDeletionHash(of: scalars, upTo: budgets[index]) {
                        hashes[position] = $0
                        position += 1
                    }
                    for slot in start..<position { owners[slot] = Int32(index) }
                }
            }
        }
        Self.sortByHash(&hashes, &owners)
        var kept = 0
        for position in hashes.indices
        where kept == 0 || hashes[kept - 1] != hashes[position] || owners[kept - 1] != owners[position] {
            hashes[kept] = hashes[position]
            owners[kept] = owners[position]
            kept += 1
        }
        hashes.removeLast(hashes.count - kept)
        owners.removeLast(owners.count - kept)
        self.words = sorted
        self.known = known
        self.variantHashes = hashes.map(Self.key)
        self.variantWords = owners.compacted()
        var directory = [Int32](repeating: 0, count: (1 << Self.directoryBits) + 1)
        var position = 0
        for bucket in 0..<(1 << Self.directoryBits) {
            directory[bucket] = Int32(position)
            while position < hashes.count && Self.bucket(hashes[position]) == bucket { position += 1 }
        }
        directory[1 << Self.directoryBits] = Int32(hashes.count)
        self.directory = directory
    }

    private static func bucket(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> UInt64(64 - directoryBits))
    }

    /// The part of a variant's hash the index keeps: its top 32 bits (so the order by hash is also the order by key).
    private static func key(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> 32)
    }

    /// How many hashes `forEachDeletionHash` gives for a word of `count` scalars.
    static func variantCount(_ count: Int, upTo limit: Int) -> Int {
        var total = 1
        if limit >= 1 && count > 1 { total += count }
        if limit >= 2 && count > 2 { total += count * (count - 1) / 2 }
        return total
    }

    /// Sorts `hashes`, moving `owners` along, and keeps the order of equal hashes. A radix sort on the top 16 bits
    /// (two passes of a byte: the hashes are well mixed, so a run that shares them holds a few entries), then each
    /// such run sorted in place by the whole hash; several times cheaper than comparing pairs, and than sorting all
    /// eight bytes by radix. The passes move the values through raw buffers, without a uniqueness check on every
    /// write.
    static func sortByHash(_ hashes: inout [UInt64], _ owners: inout [Int32]) {
        let count = hashes.count
        var otherHashes = [UInt64](repeating: 0, count: count)
        var otherOwners = [Int32](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: 256)
        for shift: UInt64 in [48, 56] {
            hashes.withUnsafeBufferPointer { hashes in
                owners.withUnsafeBufferPointer { owners in
                    otherHashes.withUnsafeMutableBufferPointer { otherHashes in
                        otherOwners.withUnsafeMutableBufferPointer { otherOwners in
                            counts.withUnsafeMutableBufferPointer { counts in
                                for bucket in 0..<256 { counts[bucket] = 0 }
                                for hash in hashes { counts[Int(truncatingIfNeeded: hash >> shift) & 0xFF] += 1 }
                                var start = 0
                                for bucket in 0..<256 {
                                    let size = counts[bucket]
                                    counts[bucket] = start
                                    start += size
                                }
                                for position in 0..<count {
                                    let hash = hashes[position]
                                    let bucket = Int(truncatingIfNeeded: hash >> shift) & 0xFF
                                    otherHashes[counts[bucket]] = hash
                                    otherOwners[counts[bucket]] = owners[position]
                                    counts[bucket] += 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&hashes, &otherHashes)
            swap(&owners, &otherOwners)
        }
        // Runs that share the top 16 bits, sorted by the whole hash: by insertion (stable) when short, by comparing
        // (hash, position) pairs when long (hashes made to collide there must not cost quadratic time).
        hashes.withUnsafeMutableBufferPointer { hashes in
            owners.withUnsafeMutableBufferPointer { owners in
                var start = 0
                while start < count {
                    let top = hashes[start] >> 48
                    var end = start + 1
                    while end < count && hashes[end] >> 48 == top { end += 1 }
                    if end - start <= 32 {
                        for position in start + 1..<end {
                            let hash = hashes[position]
                            let owner = owners[position]
                            var slot = position
                            while slot > start && hashes[slot - 1] > hash {
                                hashes[slot] = hashes[slot - 1]
                                owners[slot] = owners[slot - 1]
                                slot -= 1
                            }
                            hashes[slot] = hash
                            owners[slot] = owner
                        }
                    } else {
                        var run: [(hash: UInt64, position: Int, owner: Int32)] = []
                        run.reserveCapacity(end - start)
                        for position in start..<end { run.append((hashes[position], position, owners[position])) }
                        run.sort { first, second in
                            first.hash != second.hash ? first.hash < second.hash : first.position < second.position
                        }
                        for offset in run.indices {
                            hashes[start + offset] = run[offset].hash
                            owners[start + offset] = run[offset].owner
                        }
                    }
                    start = end
                }
            }
        }
    }

    func contains(_ word: String) -> Bool { known.contains(word) }

    /// Looks up a folded word.
    func lookup(_ word: String) -> Outcome {
        if known.contains(word) { return .known }
        let length = word.unicodeScalars.count
        let budget = Self.budget(length)
        if length == Self.swappableLength { return swapped(word) }
        // No content word is this long; a pasted blob must not cost quadratic work in its length.
        guard budget > 0, length <= Self.longestCorrectable else { return .unknown }
        var best = Int.max
        var candidates: [String] = []
        var tried = Set<Int32>()
        var variants: [UInt64] = []
        Self.forEachDeletionHash(of: word.unicodeScalars.map(\.value), upTo: budget) { variants.append($0) }
        for variant in variants {
            for index in wordsSharing(variant) where tried.insert(index).inserted {
                let candidate = words[Int(index)]
                // A real word that the content happens not to use differs from a content word mostly in its first
                // letter ("tarte"/"carte", "niemand"/"iemand"); typos there are rare. Never change the first letter.
                guard candidate.unicodeScalars.first == word.unicodeScalars.first else { continue }
                let allowed = min(budget, Self.budget(candidate.unicodeScalars.count))
                guard let distance = EditDistance.distance(word, candidate, bound: allowed) else { continue }
                if distance < best {
                    best = distance
                    candidates = [candidate]
                } else if distance == best {
                    candidates.append(candidate)
                }
            }
        }
        switch candidates.count {
        case 0: return undoubled(word)
        case 1: return .corrected(to: candidates[0], distance: best)
        default: return .ambiguous(candidates.sorted())
        }
    }

    /// The content words made by typing one letter of `word` once instead of twice ("spamm", "maill"): a key held
    /// or struck twice keeps every letter in place. For words no edit budget reaches (a content word of four letters
    /// gets none, so "spamm" is never one edit from "spam" otherwise); ambiguous when more than one. Typed words of
    /// five letters or more only: many real four-letter words have a double letter and become another word
    /// without it ("teen" / "ten", "meet" / "met", "maan" / "man").
    private func undoubled(_ word: String) -> Outcome {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count > Self.swappableLength, scalars.count <= Self.longestCorrectable else { return .unknown }
        var found: [String] = []
        for position in 1..<scalars.count where scalars[position] == scalars[position - 1] {
            var letters = scalars
            letters.remove(at: position)
            let text = Self.word(letters)
            if known.contains(text) && !found.contains(text) { found.append(text) }
        }
        return Self.oneEdit(found)
    }

    /// Words this long get no edit (too many real words lie one edit apart), but two neighbouring letters typed
    /// the wrong way round ("crad", "mial") keep every letter and rarely make another word.
    static let swappableLength = 4

    /// The content words made by swapping two neighbouring letters of `word`, the first letter staying in place
    /// (as in `lookup`); ambiguous when more than one.
    private func swapped(_ word: String) -> Outcome {
        let scalars = Array(word.unicodeScalars)
        var found: [String] = []
        for position in 1..<(scalars.count - 1) where scalars[position] != scalars[position + 1] {
            var letters = scalars
            letters.swapAt(position, position + 1)
            let text = Self.word(letters)
            if known.contains(text) { found.append(text) }
        }
        return Self.oneEdit(found)
    }

    /// The outcome for the content words found one edit from a typed word: a correction when there is one,
    /// ambiguous when more.
    private static func oneEdit(_ found: [String]) -> Outcome {
        switch found.count {
        case 0: .unknown
        case 1: .corrected(to: found[0], distance: 1)
        default: .ambiguous(found.sorted())
        }
    }

    private static func word(_ letters: [Unicode.Scalar]) -> String {
        var word = String.UnicodeScalarView()
        word.append(contentsOf: letters)
        return String(word)
    }

    /// The words that have `variant` among their deletion variants.
    private func wordsSharing(_ variant: UInt64) -> ArraySlice<Int32> {
        let bucket = Self.bucket(variant)
        let key = Self.key(variant)
        var low = Int(directory[bucket])
        var high = Int(directory[bucket + 1])
        while low < high {
            let middle = (low + high) / 2
            if variantHashes[middle] < key { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < variantHashes.count && variantHashes[end] == key { end += 1 }
        return variantWords[low..<end]
    }

    /// Hashes of the word itself and of every string made by deleting one or two (up to `limit`) of its scalars,
    /// given one by one (a hash can come more than once: "lekker" loses either k to the same string).
    ///
    /// Hashing the variants directly (FNV-1a over the kept scalars) avoids building thousands of strings. FNV-1a
    /// reads the scalars in order, so the hash of what comes before a deleted scalar is carried on, not redone: a
    /// variant costs only the scalars after its last deletion.
    static func forEachDeletionHash(of scalars: [UInt32], upTo limit: Int, _ body: (UInt64) -> Void) {
        scalars.withUnsafeBufferPointer { scalars in
            let count = scalars.count
            func hash(from state: UInt64, over range: Range<Int>) -> UInt64 {
                var value = state
                for index in range { value = step(value, scalars[index]) }
                return value
            }
            body(hash(from: fnvBasis, over: 0..<count))
            guard limit >= 1, count > 1 else { return }
            // The hash of the scalars before `first`, and of those before `second` without `first`.
            var beforeFirst = fnvBasis
            for first in 0..<count {
                body(hash(from: beforeFirst, over: first + 1..<count))
                if limit >= 2, count > 2 {
                    var beforeSecond = beforeFirst
                    for second in (first + 1)..<count {
                        body(hash(from: beforeSecond, over: second + 1..<count))
                        beforeSecond = step(beforeSecond, scalars[second])
                    }
                }
                beforeFirst = step(beforeFirst, scalars[first])
            }
        }
    }

    private static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func step(_ value: UInt64, _ scalar: UInt32) -> UInt64 {
        (value ^ UInt64(scalar)) &* 0x0000_0100_0000_01b3
    }
}
