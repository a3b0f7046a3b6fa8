import StapjeText
import Testing

@testable import StapjeEngine

/// The typo index is built with a radix sort instead of comparing (hash, word) pairs: same order, same lookups.
struct TypoIndexBuildTests {
    @Test func theRadixSortOrdersLikeComparingPairs() {
        var generator = SeededGenerator(seed: 13)
        // Few distinct hashes, so that many are equal and the order of their owners is tested too.
        var hashes = (0..<5000).map { _ in UInt64.random(in: 0..<300, using: &generator) &* 0x9E37_79B9_7F4A_7C15 }
        var owners = (0..<5000).map { Int32($0 / 7) }
        let expected = zip(hashes, owners).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        TypoIndex.sortByHash(&hashes, &owners)
        #expect(hashes == expected.map(\.0))
        #expect(owners == expected.map(\.1))
    }

    /// Hashes that share their top 16 bits (sorted by radix) in long runs, which are then sorted by comparing, and
    /// in short ones, sorted by insertion: the same order either way.
    @Test(arguments: [2, 40, 3000])
    func runsThatShareTheTopBitsAreSortedWhole(runLength: Int) {
        var generator = SeededGenerator(seed: 7)
        var hashes = (0..<6000).map { index -> UInt64 in
            let top = UInt64(index % (6000 / runLength)) << 48
            // Few distinct low parts, so equal hashes (and the order of their owners) occur within runs.
            return top | UInt64.random(in: 0..<UInt64(max(2, runLength / 3)), using: &generator) &* 0x1_0001
        }
        hashes.shuffle(using: &generator)
        var owners = (0..<6000).map { Int32($0) }
        let expected = zip(hashes, owners).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        TypoIndex.sortByHash(&hashes, &owners)
        #expect(hashes == expected.map(\.0))
        #expect(owners == expected.map(\.1))
    }

    /// The variants' hashes carry the hash of what comes before a deletion on: each must be the FNV-1a hash of the
    /// variant itself, in the order word, then each first deletion followed by the second deletions after it.
    @Test(arguments: ["", "a", "ab", "abc", "lekker", "wachtwoordherstel", "données"], [0, 1, 2])
    func deletionHashesAreTheHashesOfTheVariants(word: String, limit: Int) {
        let scalars = word.unicodeScalars.map(\.value)
        func fnv(_ kept: [UInt32]) -> UInt64 {
            kept.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        }
        func without(_ positions: Int...) -> [UInt32] {
            scalars.indices.filter { !positions.contains($0) }.map { scalars[$0] }
        }
        var expected = [fnv(scalars)]
        if limit >= 1 && scalars.count > 1 {
            for first in scalars.indices {
                expected.append(fnv(without(first)))
                guard limit >= 2 && scalars.count > 2 else { continue }
                for second in (first + 1)..<scalars.count { expected.append(fnv(without(first, second))) }
            }
        }
        var hashes: [UInt64] = []
        TypoIndex.forEachDeletionHash(of: scalars, upTo: limit) { hashes.append($0) }
        #expect(hashes == expected)
    }

    @Test(arguments: [
        ("solliciteren", TypoIndex.Outcome.known),
        ("sollisiteren", .corrected(to: "solliciteren", distance: 1)),
        ("wachtwoort", .corrected(to: "wachtwoord", distance: 1)),
        ("lekkerr", .ambiguous(["lekker", "lekkere"])),
        ("fiets", .unknown),
        // Real words the content does not use, one edit from one it does, in their first letter: left alone.
        ("niemand", .unknown), ("tarte", .unknown), ("pommes", .unknown),
        ("iemadn", .corrected(to: "iemand", distance: 1)),
        // Four letters: only two neighbours swapped, never the first letter, never another edit.
        ("crad", .corrected(to: "card", distance: 1)), ("cadr", .corrected(to: "card", distance: 1)),
        ("acrd", .unknown), ("cart", .unknown), ("cad", .unknown), ("frmo", .corrected(to: "from", distance: 1)),
        ("abcd", .ambiguous(["abdc", "acbd"])),
        // A letter typed twice, where no edit budget reaches (a content word of four letters gets none); not in a
        // typed word of four letters, where a double letter is mostly a real word ("teen" is no typo of "ten").
        ("spamm", .corrected(to: "spam", distance: 1)), ("maill", .corrected(to: "mail", distance: 1)),
        ("teen", .unknown), ("aabbc", .ambiguous(["aabc", "abbc"])),
    ])
    func lookupsFindTheNearestWord(word: String, outcome: TypoIndex.Outcome) {
        let index = TypoIndex(vocabulary: [
            "solliciteren", "wachtwoord", "paspoort", "trein", "lekker", "lekkere", "iemand", "carte", "sommes",
            "card", "form", "from", "acbd", "abdc", "spam", "mail", "ten", "aabc", "abbc",
        ])
        #expect(index.lookup(word) == outcome)
    }

    /// The longest words still in reach (the longest typed word looked up, plus its edit budget) are found; a
    /// pasted blob in the content is known as itself and costs no quadratic indexing.
    @Test(.timeLimit(.minutes(1)))
    func wordsAtTheLengthLimitAreCorrectedAndBlobsAreKnownOnlyAsThemselves() {
        let longest = String(repeating: "ab", count: (TypoIndex.longestCorrectable + 2) / 2)
        let blob = String(repeating: "x", count: 200_000)
        let index = TypoIndex(vocabulary: [longest, blob])
        // Two letters dropped from the end: a typed word of exactly `longestCorrectable` letters.
        #expect(index.lookup(String(longest.dropLast(2))) == .corrected(to: longest, distance: 2))
        #expect(index.lookup(blob) == .known)
        #expect(index.lookup(String(blob.dropLast())) == .unknown)
    }
}
