import Foundation

/// TF-IDF similarity between a question and example sentences, over stems, stem pairs and character n-grams.
///
/// Each example becomes one vector in two halves, each normalised: words (stems and adjacent stem pairs) and
/// character 4-grams of the folded words, with `<` and `>` marking the word's edges (they forgive typos and word
/// endings the stemmer keeps). 3-grams were dropped: measured on dev.tsv and CLINC150 they added no accuracy, and
/// their long posting lists cost a third of the matching time. The halves are weighted so that a dot product is `wordShare · cos(words) + (1 − wordShare) · cos(chars)`.
/// An inverted index makes a lookup cost proportional to the postings of the question's features, not to the
/// number of examples; intents also get a centroid, the normalised mean of their examples.
struct VectorIndex: Sendable {
    /// The share of word features in a similarity (the rest is character n-grams).
    static let wordShare: Float = 0.7

    struct Posting: Sendable {
        var item: Int32
        var weight: Float
    }

    private let features: FeatureTable
    private let idf: [Float]
    /// The postings of every feature, one after the other: feature `f` has `examplePostings[exampleStart[f]..<
    /// exampleStart[f + 1]]`. One flat array reads faster than an array per feature.
    private let examplePostings: [Posting]
    private let exampleStart: [Int32]
    private let centroidPostings: [Posting]
    private let centroidStart: [Int32]
    /// The intent (owner index) of each example.
    let exampleOwner: [Int32]
    let exampleCount: Int
    let ownerCount: Int

    /// Builds the index from feature lists, one per example, each tagged with its owner (an intent index).
    init(examples: [(owner: Int, features: FeatureBag)], ownerCount: Int) {
        var ids: [UInt64: Int32] = [:]
        var documentFrequency: [Int] = []
        for (_, bag) in examples {
            for key in bag.words.map(\.key) + bag.grams.map(\.key) {
                if let id = ids[key] {
                    documentFrequency[Int(id)] += 1
                } else {
                    ids[key] = Int32(documentFrequency.count)
                    documentFrequency.append(1)
                }
            }
        }
        let total = Float(max(examples.count, 1))
        let idf = documentFrequency.map { logf((total + 1) / (Float($0) + 1)) + 1 }
        var examplePostings = [[Posting]](repeating: [], count: documentFrequency.count)
        var centroids = [[Int32: Float]](repeating: [:], count: ownerCount)
        let table = FeatureTable(ids)
        for (index, (owner, bag)) in examples.enumerated() {
            let vector = Self.vector(bag, ids: table, idf: idf)
            for (id, weight) in vector {
                examplePostings[Int(id)].append(Posting(item: Int32(index), weight: weight))
                centroids[owner][id, default: 0] += weight
            }
        }
        var centroidPostings = [[Posting]](repeating: [], count: documentFrequency.count)
        for (owner, centroid) in centroids.enumerated() {
            // Summed in feature order: a dictionary's order changes from run to run, and so would the last bits.
            let sorted = centroid.sorted { $0.key < $1.key }
            let norm = sqrtf(sorted.reduce(0) { $0 + $1.value * $1.value })
            guard norm > 0 else { continue }
            for (id, weight) in sorted {
                centroidPostings[Int(id)].append(Posting(item: Int32(owner), weight: weight / norm))
            }
        }
        func flattened(_ lists: [[Posting]]) -> ([Posting], [Int32]) {
            var flat: [Posting] = []
            flat.reserveCapacity(lists.reduce(0) { $0 + $1.count })
            var starts: [Int32] = [0]
            for list in lists {
                flat += list
                starts.append(Int32(flat.count))
            }
            return (flat, starts)
        }
        self.features = table
        self.idf = idf
        (self.examplePostings, self.exampleStart) = flattened(examplePostings)
        (self.centroidPostings, self.centroidStart) = flattened(centroidPostings)
        self.exampleOwner = examples.map { Int32($0.owner) }
        self.exampleCount = examples.count
        self.ownerCount = ownerCount
    }

    /// A weighted, normalised vector for a bag of features, keeping only features the index knows.
    static func vector(_ bag: FeatureBag, ids: FeatureTable, idf: [Float]) -> [(Int32, Float)] {
        func half(_ counts: [(key: UInt64, count: Int)], share: Float) -> [(Int32, Float)] {
            var part: [(Int32, Float)] = []
            var norm: Float = 0
            for (key, count) in counts {
                guard let id = ids[key] else { continue }
                let weight = (1 + logf(Float(count))) * idf[Int(id)]
                part.append((id, weight))
                norm += weight * weight
            }
            guard norm > 0 else { return [] }
            let scale = sqrtf(share) / sqrtf(norm)
            return part.map { ($0.0, $0.1 * scale) }
        }
        return half(bag.words, share: wordShare) + half(bag.grams, share: 1 - wordShare)
    }

    /// Similarities of a question: the best example of each owner (with its index) and each owner's centroid.
    func similarities(_ bag: FeatureBag) -> (best: [Float], bestExample: [Int32], centroid: [Float]) {
        let query = Self.vector(bag, ids: features, idf: idf)
        var exampleScores = [Float](repeating: 0, count: exampleCount)
        var centroid = [Float](repeating: 0, count: ownerCount)
        examplePostings.withUnsafeBufferPointer { postings in
            exampleScores.withUnsafeMutableBufferPointer { scores in
                for (id, weight) in query {
                    for index in Int(exampleStart[Int(id)])..<Int(exampleStart[Int(id) + 1]) {
                        let posting = postings[index]
                        scores[Int(posting.item)] += weight * posting.weight
                    }
                }
            }
        }
        centroidPostings.withUnsafeBufferPointer { postings in
            centroid.withUnsafeMutableBufferPointer { scores in
                for (id, weight) in query {
                    for index in Int(centroidStart[Int(id)])..<Int(centroidStart[Int(id) + 1]) {
                        let posting = postings[index]
                        scores[Int(posting.item)] += weight * posting.weight
                    }
                }
            }
        }
        var best = [Float](repeating: 0, count: ownerCount)
        var bestExample = [Int32](repeating: -1, count: ownerCount)
        for (index, score) in exampleScores.enumerated() where score > 0 {
            let owner = Int(exampleOwner[index])
            if score > best[owner] {
                best[owner] = score
                bestExample[owner] = Int32(index)
            }
        }
        return (best, bestExample, centroid)
    }
}

/// The features of one text: stems and stem pairs (words) and character n-grams, with counts.
///
/// Features are 64-bit FNV-1a hashes rather than strings: a question has dozens of n-grams, and hashing their
/// scalars directly avoids building a string for each. Words and n-grams use different seeds, so they never meet.
/// Each half is a list of (feature, count) sorted by feature: a question's few dozen features are counted by
/// sorting, which is cheaper than a dictionary.
struct FeatureBag: Sendable {
    var words: [(key: UInt64, count: Int)] = []
    var grams: [(key: UInt64, count: Int)] = []

    private static let wordSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let gramSeed: UInt64 = 0x84222325_cbf29ce4
    private static let prime: UInt64 = 0x0000_0100_0000_01b3
    /// The length of the character n-grams, edge markers included.
    static let gramLength = 4

    /// Features of the non-stop tokens.
    init(tokens: [AnalyzedToken]) {
        var wordKeys: [UInt64] = []
        var gramKeys: [UInt64] = []
        var previous: UInt64?
        var scalars: [UInt32] = []
        for token in tokens where !token.isStop && !token.stem.isEmpty {
            var stem = Self.wordSeed
            for byte in token.stem.utf8 { stem = (stem ^ UInt64(byte)) &* Self.prime }
            wordKeys.append(stem)
            if let previous { wordKeys.append((previous &* 31) ^ stem ^ 0x9e37_79b9_7f4a_7c15) }
            previous = stem
            scalars.removeAll(keepingCapacity: true)
            scalars.append(0x3C)
            for scalar in token.folded.unicodeScalars { scalars.append(scalar.value) }
            scalars.append(0x3E)
            let n = Self.gramLength
            if scalars.count >= n {
                for start in 0...(scalars.count - n) {
                    var gram = Self.gramSeed
                    for index in start..<start + n { gram = (gram ^ UInt64(scalars[index])) &* Self.prime }
                    gramKeys.append(gram)
                }
            }
        }
        words = Self.counted(&wordKeys)
        grams = Self.counted(&gramKeys)
    }

    private static func counted(_ keys: inout [UInt64]) -> [(key: UInt64, count: Int)] {
        keys.sort()
        var result: [(key: UInt64, count: Int)] = []
        result.reserveCapacity(keys.count)
        for key in keys {
            if let last = result.last, last.key == key {
                result[result.count - 1].count += 1
            } else {
                result.append((key, 1))
            }
        }
        return result
    }
}

/// A map from feature hashes to small ids: open addressing over the hash itself, which is already well mixed,
/// so a lookup is one multiply-free probe sequence instead of hashing the key again.
struct FeatureTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(_ entries: [UInt64: Int32]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (key, value) in entries {
            var slot = Self.start(key, mask)
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
    }

    private static func start(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key ^ (key >> 29)) & UInt64(mask))
    }

    subscript(key: UInt64) -> Int32? {
        var slot = Self.start(key, mask)
        while true {
            let value = values[slot]
            if value < 0 { return nil }
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }
}
