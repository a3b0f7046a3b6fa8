#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// TF-IDF similarity between a question and example sentences, over stems, stem pairs and character n-grams.
///
/// Each example becomes one vector in two halves, each normalised: words (stems and adjacent stem pairs) and
/// character 4-grams of the folded words, with `<` and `>` marking the word's edges (they forgive typos and word
/// endings the stemmer keeps). 3-grams were dropped: measured on dev.tsv and CLINC150 they added no accuracy, and
/// their long posting lists cost a third of the matching time. The halves are weighted so that a dot product is
/// `wordShare · cos(words) + (1 − wordShare) · cos(chars)`.
///
/// Each intent also gets a prototype: the normalised mean of its examples (its centroid), then, when `refine` is
/// set, refined by `Refinement.passes` perceptron passes over the examples in a fixed order: an example whose
/// own intent's prototype does not win by `Refinement.margin` moves that prototype towards it and the winning
/// one away. The prototype stays a sparse vector over the same named features (some weights negative), so its
/// similarity to a question is still a sum of per-feature contributions. A question is scored against every
/// prototype through an inverted index, then against the examples of the `candidateCount` best intents only: a
/// lookup costs in proportion to the postings of the question's features among 150 prototypes, not 15,000
/// examples.
struct VectorIndex: Sendable {
    /// The share of word features in a similarity (the rest is character n-grams).
    static let wordShare: Float = 0.7

    /// The perceptron refinement of the prototypes. Measured on CLINC150 (train -> val, and 80 of each intent's
    /// 100 training examples -> the other 20): 3 to 10 passes at rates 0.1 to 0.2 and margins 0.05 to 0.1 put the
    /// right intent first for 91.1-91.8% of val (centroids before: 88.4%); a rate of 0.5 does worse; 4 passes keep the
    /// build from 15,000 examples under a second.
    enum Refinement {
        /// Passes over all examples.
        static let passes = 4
        /// How far one mistake moves a prototype, in units of the (normalised) example.
        static let rate: Float = 0.1
        /// An example must be this much closer (cosine) to its own prototype than to any other to cause no update.
        static let margin: Float = 0.05
    }

    struct Posting: Sendable {
        var item: Int32
        var weight: Float
    }

    /// A character n-gram, its feature id and that feature's IDF (a copy: read with the n-gram, it spares a
    /// lookup in `idf`, and the record has room for it anyway).
    struct KnownGram: Sendable {
        var key: UInt64
        var id: Int32
        var idf: Float
    }

    /// Where a feature's postings start, in `examplePostings` and in `prototypePostings` (they end where the next
    /// feature's start): side by side, so a question's feature costs one memory access for both lists.
    struct Span: Sendable {
        var examples: Int32
        var prototypes: Int32
    }

    private let features: FeatureTable
    private let idf: [Float]
    /// The feature ids and weights, for tests.
    var featureIDs: FeatureTable { features }
    var inverseFrequencies: [Float] { idf }
    /// The postings of every feature, one after the other: feature `f` has `examplePostings[spans[f].examples..<
    /// spans[f + 1].examples]`. One flat array reads faster than an array per feature. Items are positions in
    /// owner order (see `exampleIndex`), so one owner's postings of a feature are one contiguous run.
    private let examplePostings: [Posting]
    private let spans: [Span]
    /// For a feature with more postings than there are owners, where each owner's run starts:
    /// `ownerRuns[runStart[f] + o]` (an index into `examplePostings`; `runStart[f]` is -1 for the others, whose
    /// runs are found by bisection). Such a table costs no more memory than the postings it indexes.
    private let ownerRuns: [Int32]
    private let runStart: [Int32]
    /// The prototypes' postings, per feature as the examples' (`spans[f].prototypes`).
    private let prototypePostings: [Posting]
    /// The examples in owner order: position `p` is example `exampleIndex[p]`; owner `o` has the positions
    /// `ownerFirst[o]..<ownerFirst[o + 1]`.
    private let exampleIndex: [Int32]
    private let ownerFirst: [Int32]
    /// The character n-grams the index knows of every content word, worked out once: a question's content words
    /// (most of its words) need no n-gram hashed and looked up. Word `w` (numbered by `wordNumbers`, over
    /// `FeatureBag.wordKey` of the folded word) has `wordGrams[wordGramStart[w]..<wordGramStart[w + 1]]`.
    private let wordNumbers: FeatureTable
    private let wordGramStart: [Int32]
    private let wordGrams: [KnownGram]
    let exampleCount: Int
    let ownerCount: Int
    /// How many owners, the best by prototype, get their best example looked up (0: all of them).
    let candidateCount: Int

    /// Builds the index from feature lists, one per example, each tagged with its owner (an intent index).
    /// - Parameter words: the content's folded words, whose known n-grams are worked out once (see `wordGrams`).
    init(
        examples: [(owner: Int, features: FeatureBag)], ownerCount: Int, refine: Bool, candidateCount: Int,
        words: Set<String> = []
    ) {
        // Features are numbered in the order first seen.
        var numbering = FeatureNumbering()
        var documentFrequency: [Int] = []
        func count(_ key: UInt64) {
            let id = Int(numbering.id(key))
            if id == documentFrequency.count { documentFrequency.append(1) } else { documentFrequency[id] += 1 }
        }
        for (_, bag) in examples {
            for (key, _) in bag.words { count(key) }
            for (key, _) in bag.grams { count(key) }
        }
        let total = Float(max(examples.count, 1))
        let idf = documentFrequency.map { logf((total + 1) / (Float($0) + 1)) + 1 }
        let table = FeatureTable(keys: numbering.keys)
        // Owner order, stable: each owner's examples are one run, in the order given.
        let order = examples.indices.sorted { (examples[$0].owner, $0) < (examples[$1].owner, $1) }
        var ownerFirst = [Int32](repeating: 0, count: ownerCount + 1)
        for (owner, _) in examples { ownerFirst[owner + 1] += 1 }
        for owner in 0..<ownerCount { ownerFirst[owner + 1] += ownerFirst[owner] }
        let vectors = order.map { Self.vector(examples[$0].features, ids: table, idf: idf) }
        let owners = order.map { examples[$0].owner }
        let (flat, starts) = groupedByKey(
            vectors.indices.lazy.flatMap { position in
                vectors[position].lazy.map { (key: $0.0, value: Posting(item: Int32(position), weight: $0.1)) }
            }, keyCount: documentFrequency.count)
        let prototypes = Self.prototypes(
            vectors: vectors, owners: owners, ownerCount: ownerCount, featureCount: documentFrequency.count,
            passes: refine ? Refinement.passes : 0)
        var ownerRuns: [Int32] = []
        var runStart = [Int32](repeating: -1, count: documentFrequency.count)
        for feature in 0..<documentFrequency.count where starts[feature + 1] - starts[feature] > ownerCount {
            runStart[feature] = Int32(ownerRuns.count)
            var index = Int(starts[feature])
            for owner in 0...ownerCount {
                while index < Int(starts[feature + 1]) && flat[index].item < ownerFirst[owner] { index += 1 }
                ownerRuns.append(Int32(index))
            }
        }
        var wordKeys: [UInt64] = []
        var wordGramStart: [Int32] = [0]
        var wordGrams: [KnownGram] = []
        var keys: [UInt64] = []
        var scalars: [UInt32] = []
        wordKeys.reserveCapacity(words.count)
        wordGramStart.reserveCapacity(words.count + 1)
        for word in words {
            wordKeys.append(FeatureBag.wordKey(word))
            keys.removeAll(keepingCapacity: true)
            FeatureBag.appendGrams(of: word, to: &keys, scalars: &scalars)
            for key in keys {
                if let id = table[key] { wordGrams.append(KnownGram(key: key, id: id, idf: idf[Int(id)])) }
            }
            wordGramStart.append(Int32(wordGrams.count))
        }
        self.wordNumbers = FeatureTable(keys: wordKeys)
        self.wordGramStart = wordGramStart
        self.wordGrams = wordGrams.compacted()
        self.features = table
        self.idf = idf
        self.examplePostings = flat
        self.spans = zip(starts, prototypes.1).map { Span(examples: $0, prototypes: $1) }
        (self.ownerRuns, self.runStart) = (ownerRuns.compacted(), runStart)
        self.prototypePostings = prototypes.0
        self.exampleIndex = order.map { Int32($0) }
        self.ownerFirst = ownerFirst
        self.exampleCount = examples.count
        self.ownerCount = ownerCount
        self.candidateCount = candidateCount
    }

    /// The prototypes as postings per feature (items are owners, in owner order), each prototype normalised.
    ///
    /// The prototypes are kept dense while they are refined, feature-major (`weights[feature * ownerCount +
    /// owner]`), so scoring one example against every prototype adds one contiguous row per feature. All sums
    /// run in a fixed order, so two builds give the same bits.
    private static func prototypes(
        vectors: [[(Int32, Float)]], owners: [Int], ownerCount: Int, featureCount: Int, passes: Int
    ) -> ([Posting], [Int32]) {
        guard passes > 0 && ownerCount > 1 else {
            return centroids(vectors: vectors, owners: owners, ownerCount: ownerCount, featureCount: featureCount)
        }
        let width = ownerCount
        var weights = [Float](repeating: 0, count: featureCount * width)
        for (vector, owner) in zip(vectors, owners) {
            for (id, weight) in vector { weights[Int(id) * width + owner] += weight }
        }
        var squares = [Float](repeating: 0, count: width)
        for feature in 0..<featureCount {
            for owner in 0..<width {
                squares[owner] += weights[feature * width + owner] * weights[feature * width + owner]
            }
        }
        for feature in 0..<featureCount {
            for owner in 0..<width where squares[owner] > 0 {
                weights[feature * width + owner] /= sqrtf(squares[owner])
            }
        }
        for owner in 0..<width where squares[owner] > 0 { squares[owner] = 1 }
        refine(&weights, squares: &squares, vectors: vectors, owners: owners, width: width, passes: passes)
        var postings: [Posting] = []
        var starts: [Int32] = [0]
        starts.reserveCapacity(featureCount + 1)
        let norms = squares.map { $0 > 0 ? 1 / sqrtf($0) : 0 }
        for feature in 0..<featureCount {
            for owner in 0..<width {
                let weight = weights[feature * width + owner]
                if weight != 0 { postings.append(Posting(item: Int32(owner), weight: weight * norms[owner])) }
            }
            starts.append(Int32(postings.count))
        }
        return (postings.compacted(), starts)
    }

    /// The centroids alone, built sparse: no memory for the features an intent never uses.
    ///
    /// Each owner's examples come one after the other (owner order), so its sums are made in one dense row over
    /// the features it uses, each added in example order, and its norm is summed in feature order: the same bits
    /// on every run.
    private static func centroids(
        vectors: [[(Int32, Float)]], owners: [Int], ownerCount: Int, featureCount: Int
    ) -> ([Posting], [Int32]) {
        var row = [Float](repeating: 0, count: featureCount)
        var used = [Bool](repeating: false, count: featureCount)
        var features: [Int32] = []
        var entries: [(key: Int32, value: Posting)] = []
        var start = 0
        while start < vectors.count {
            let owner = owners[start]
            var end = start
            while end < vectors.count && owners[end] == owner {
                for (id, weight) in vectors[end] {
                    if !used[Int(id)] {
                        used[Int(id)] = true
                        features.append(id)
                    }
                    row[Int(id)] += weight
                }
                end += 1
            }
            features.sort()
            var squares: Float = 0
            for id in features { squares += row[Int(id)] * row[Int(id)] }
            let norm = sqrtf(squares)
            for id in features {
                if norm > 0 { entries.append((id, Posting(item: Int32(owner), weight: row[Int(id)] / norm))) }
                row[Int(id)] = 0
                used[Int(id)] = false
            }
            features.removeAll(keepingCapacity: true)
            start = end
        }
        return groupedByKey(entries, keyCount: featureCount)
    }

    /// `sum[i] += factor * row[i]` for the `sum.count` elements, eight at a time (the compiler cannot prove the
    /// two buffers apart, so it would not vectorise the plain loop).
    @inline(__always)
    private static func accumulate(
        _ factor: Float, _ row: UnsafePointer<Float>, into sum: UnsafeMutableBufferPointer<Float>
    ) {
        let count = sum.count
        let scale = SIMD8<Float>(repeating: factor)
        let source = UnsafeRawPointer(row)
        let target = UnsafeMutableRawPointer(sum.baseAddress!)
        var index = 0
        while index + 8 <= count {
            let offset = index * MemoryLayout<Float>.stride
            let value =
                target.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                + scale * source.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            target.storeBytes(of: value, toByteOffset: offset, as: SIMD8<Float>.self)
            index += 8
        }
        while index < count {
            sum[index] += factor * row[index]
            index += 1
        }
    }

    /// Perceptron passes over the examples in order: when an example's own prototype does not beat the best
    /// other one by `Refinement.margin` (cosines), the own prototype moves towards the example and that other one
    /// away. The result is the mean of the prototypes after every example (the averaged perceptron), which
    /// generalises better than the last state.
    private static func refine(
        _ weights: inout [Float], squares: inout [Float], vectors: [[(Int32, Float)]], owners: [Int], width: Int,
        passes: Int
    ) {
        let rate = Refinement.rate
        let margin = Refinement.margin
        var raw = [Float](repeating: 0, count: width)
        var inverseNorms = squares.map { $0 > 0 ? 1 / sqrtf($0) : 0 }
        // The mean of W_1...W_T is W_T - (sum over steps t of (t - 1) · update_t) / T; `delayed` holds that sum.
        var delayed = [Float](repeating: 0, count: weights.count)
        var step: Float = 0
        weights.withUnsafeMutableBufferPointer { weights in
            raw.withUnsafeMutableBufferPointer { raw in
                for _ in 0..<passes {
                    for (vector, owner) in zip(vectors, owners) {
                        for index in 0..<width { raw[index] = 0 }
                        for (id, weight) in vector {
                            accumulate(weight, UnsafePointer(weights.baseAddress! + Int(id) * width), into: raw)
                        }
                        let ownScore = raw[owner] * inverseNorms[owner]
                        var rival = -1
                        var rivalScore = -Float.infinity
                        for index in 0..<width where index != owner && inverseNorms[index] > 0 {
                            let score = raw[index] * inverseNorms[index]
                            if score > rivalScore {
                                rivalScore = score
                                rival = index
                            }
                        }
                        step += 1
                        guard rival >= 0, ownScore < rivalScore + margin else { continue }
                        var length: Float = 0
                        for (_, weight) in vector { length += weight * weight }
                        squares[owner] += 2 * rate * raw[owner] + rate * rate * length
                        squares[rival] += -2 * rate * raw[rival] + rate * rate * length
                        inverseNorms[owner] = squares[owner] > 0 ? 1 / sqrtf(squares[owner]) : 0
                        inverseNorms[rival] = squares[rival] > 0 ? 1 / sqrtf(squares[rival]) : 0
                        let late = (step - 1) * rate
                        for (id, weight) in vector {
                            let row = Int(id) * width
                            weights[row + owner] += rate * weight
                            weights[row + rival] -= rate * weight
                            delayed[row + owner] += late * weight
                            delayed[row + rival] -= late * weight
                        }
                    }
                }
            }
        }
        guard step > 0 else { return }
        for index in weights.indices { weights[index] -= delayed[index] / step }
        // Summed again from the weights: the running sums drift in the last bits.
        for index in squares.indices { squares[index] = 0 }
        for feature in 0..<(weights.count / width) {
            for owner in 0..<width {
                squares[owner] += weights[feature * width + owner] * weights[feature * width + owner]
            }
        }
    }

    /// A weighted, normalised vector for a bag of features, keeping only features the index knows.
    static func vector(_ bag: FeatureBag, ids: FeatureTable, idf: [Float]) -> [(Int32, Float)] {
        var vector: [(Int32, Float)] = []
        vector.reserveCapacity(bag.words.count + bag.grams.count)
        func append(_ counts: [(key: UInt64, count: Int)], share: Float) {
            appendHalf(share: share, to: &vector) { add in
                for (key, count) in counts {
                    if let id = ids[key] { add(id, idf[Int(id)], count) }
                }
            }
        }
        append(bag.words, share: wordShare)
        append(bag.grams, share: 1 - wordShare)
        return vector
    }

    /// Appends one half of a vector: the features `each` gives (id, IDF and count, in key order), each weighted
    /// `(1 + ln count) · IDF`, then scaled so that the half's squares sum to `share`.
    private static func appendHalf(
        share: Float, to vector: inout [(Int32, Float)], _ each: ((Int32, Float, Int) -> Void) -> Void
    ) {
        let start = vector.count
        var norm: Float = 0
        each { id, idf, count in
            // log 1 is 0: most features occur once, and skip the logarithm.
            let weight = (count == 1 ? 1 : 1 + logf(Float(count))) * idf
            vector.append((id, weight))
            norm += weight * weight
        }
        guard norm > 0 else { return }
        let scale = sqrtf(share) / sqrtf(norm)
        for slot in start..<vector.count { vector[slot].1 *= scale }
    }

    /// Calls `body` with the first element and the length of every run of equal elements of `sorted`.
    private static func forEachRun<Element>(
        _ sorted: [Element], equal: (Element, Element) -> Bool, _ body: (Element, Int) -> Void
    ) {
        var index = 0
        while index < sorted.count {
            var end = index + 1
            while end < sorted.count && equal(sorted[end], sorted[index]) { end += 1 }
            body(sorted[index], end - index)
            index = end
        }
    }

    /// The vector of a question's analysed tokens: `vector(FeatureBag(tokens:), ...)` to the bit, with each content
    /// word's n-grams read from `wordGrams` (other words' n-grams are hashed and looked up as there).
    func queryVector(_ tokens: [AnalyzedToken]) -> [(Int32, Float)] {
        var wordKeys: [UInt64] = []
        var grams: [KnownGram] = []
        var keys: [UInt64] = []
        var scalars: [UInt32] = []
        wordKeys.reserveCapacity(2 * tokens.count)
        grams.reserveCapacity(8 * tokens.count)
        var previous: UInt64?
        for token in tokens where !token.isStop && !token.stem.isEmpty {
            let stem = FeatureBag.stemKey(token.stem)
            wordKeys.append(stem)
            if let previous { wordKeys.append(FeatureBag.pairKey(previous, stem)) }
            previous = stem
            if let word = wordNumbers[FeatureBag.wordKey(token.folded)] {
                grams += wordGrams[Int(wordGramStart[Int(word)])..<Int(wordGramStart[Int(word) + 1])]
            } else {
                keys.removeAll(keepingCapacity: true)
                FeatureBag.appendGrams(of: token.folded, to: &keys, scalars: &scalars)
                for key in keys {
                    if let id = features[key] { grams.append(KnownGram(key: key, id: id, idf: idf[Int(id)])) }
                }
            }
        }
        // As `vector`: each half counted in key order, features the index lacks left out (n-grams here before
        // counting, which changes no other count), then normalised.
        var vector: [(Int32, Float)] = []
        vector.reserveCapacity(wordKeys.count + grams.count)
        wordKeys.sort()
        Self.appendHalf(share: Self.wordShare, to: &vector) { add in
            Self.forEachRun(wordKeys, equal: ==) { key, count in
                if let id = features[key] { add(id, idf[Int(id)], count) }
            }
        }
        grams.sort { $0.key < $1.key }
        Self.appendHalf(share: 1 - Self.wordShare, to: &vector) { add in
            Self.forEachRun(grams, equal: { $0.key == $1.key }) { gram, count in add(gram.id, gram.idf, count) }
        }
        return vector
    }

    /// Whether an example of an owner for which `counts` holds has a word of this stem (in any form).
    func hasStem(_ stem: String, inExamplesOf counts: (Int) -> Bool) -> Bool {
        guard let feature = features[FeatureBag.stemKey(stem)] else { return false }
        let span = Int(spans[Int(feature)].examples)..<Int(spans[Int(feature) + 1].examples)
        for posting in examplePostings[span] {
            // The owner whose positions hold this one: the last whose first position is not after it.
            let position = posting.item
            var low = 0
            var high = ownerCount - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if ownerFirst[middle] <= position { low = middle } else { high = middle - 1 }
            }
            if counts(low) { return true }
        }
        return false
    }

    /// Adds `weight · posting weight` to each prototype's score for every posting of every feature of `query`.
    private func accumulatePrototypes(_ query: [(Int32, Float)], into scores: UnsafeMutableBufferPointer<Float>) {
        prototypePostings.withUnsafeBufferPointer { postings in
            for (id, weight) in query {
                for index in Int(spans[Int(id)].prototypes)..<Int(spans[Int(id) + 1].prototypes) {
                    let posting = postings[index]
                    scores[Int(posting.item)] += weight * posting.weight
                }
            }
        }
    }

    /// Each owner's similarities to one question, in memory the caller provides (`ownerCount` of each).
    struct Similarities {
        /// The best example's similarity (0 when none was compared).
        let best: UnsafeMutableBufferPointer<Float>
        /// That example's index (-1 for none).
        let bestExample: UnsafeMutableBufferPointer<Int32>
        /// The prototype's similarity.
        let centroid: UnsafeMutableBufferPointer<Float>
    }

    /// Similarities of a question: each owner's prototype and, for the `candidateCount` owners with the best
    /// prototype similarity, their best example (with its index; 0 and -1 for the other owners).
    func similarities(_ bag: FeatureBag) -> (best: [Float], bestExample: [Int32], centroid: [Float]) {
        let query = Self.vector(bag, ids: features, idf: idf)
        var best = [Float](repeating: 0, count: ownerCount)
        var bestExample = [Int32](repeating: -1, count: ownerCount)
        var centroid = [Float](repeating: 0, count: ownerCount)
        best.withUnsafeMutableBufferPointer { best in
            bestExample.withUnsafeMutableBufferPointer { bestExample in
                centroid.withUnsafeMutableBufferPointer { centroid in
                    fill(Similarities(best: best, bestExample: bestExample, centroid: centroid), query: query)
                }
            }
        }
        return (best, bestExample, centroid)
    }

    /// The same for a question's analysed tokens (see `queryVector`), written to `similarities`.
    func similarities(of tokens: [AnalyzedToken], into similarities: Similarities) {
        fill(similarities, query: queryVector(tokens))
    }

    private func fill(_ similarities: Similarities, query: [(Int32, Float)]) {
        let prototype = similarities.centroid
        let best = similarities.best
        let bestExample = similarities.bestExample
        prototype.initialize(repeating: 0)
        best.initialize(repeating: 0)
        bestExample.initialize(repeating: -1)
        func keepBest(_ owner: Int, scores: ArraySlice<Float>) {
            for (offset, score) in zip(0..., scores) where score > best[owner] {
                best[owner] = score
                bestExample[owner] = exampleIndex[Int(ownerFirst[owner]) + offset]
            }
        }
        if candidateCount <= 0 || candidateCount >= ownerCount {
            // A question reaches a few hundred of the examples: only those are compared, in position order (an
            // example no posting reached scores 0 and cannot be best), which picks what a scan of all would.
            // Prototypes and examples in one pass over the features: each feature's two lists are found together.
            // Raw buffers, not arrays: a question makes these for every language it is weighed in, and an array's
            // allocation looks its storage type up in the runtime each time. The scores start at zero and every
            // posting adds to its example's without a test (0 + a value is that value, so the sums are the same as
            // when the first one was written): clearing them costs less than a branch the processor cannot predict
            // for every posting. Only the reached ones (their bits set) are read, and set back to zero as they are:
            // the memory is the thread's own (`ExampleScratch`), kept zeroed between questions, so that a question
            // clears the few hundred examples it reached rather than all of them.
            let scratch = ExampleScratch.forThisThread(count: exampleCount)
            let scores = scratch.scores
            let reached = scratch.reached
            let reachedWords = (exampleCount + 63) / 64
            examplePostings.withUnsafeBufferPointer { postings in
                prototypePostings.withUnsafeBufferPointer { prototypePostings in
                    for (id, weight) in query {
                        let span = spans[Int(id)]
                        let next = spans[Int(id) + 1]
                        for index in Int(span.prototypes)..<Int(next.prototypes) {
                            let posting = prototypePostings[index]
                            prototype[Int(posting.item)] += weight * posting.weight
                        }
                        for index in Int(span.examples)..<Int(next.examples) {
                            let item = Int(postings[index].item)
                            reached[item >> 6] |= UInt64(1) << UInt64(item & 63)
                            scores[item] += weight * postings[index].weight
                        }
                    }
                }
            }
            var owner = 0
            for word in 0..<reachedWords where reached[word] != 0 {
                var bits = reached[word]
                reached[word] = 0
                while bits != 0 {
                    let position = word << 6 + bits.trailingZeroBitCount
                    bits &= bits &- 1
                    while Int(ownerFirst[owner + 1]) <= position { owner += 1 }
                    let score = scores[position]
                    scores[position] = 0
                    if score > best[owner] {
                        best[owner] = score
                        bestExample[owner] = exampleIndex[position]
                    }
                }
            }
        } else {
            accumulatePrototypes(query, into: prototype)
            // The candidates: the best prototypes, ties by owner index.
            var candidates: [Int] = []
            for owner in 0..<ownerCount where prototype[owner] > 0 {
                if candidates.count == candidateCount {
                    guard let last = candidates.last, prototype[owner] > prototype[last] else { continue }
                    candidates.removeLast()
                }
                var slot = candidates.count
                while slot > 0 && prototype[candidates[slot - 1]] < prototype[owner] { slot -= 1 }
                candidates.insert(owner, at: slot)
            }
            // Feature by feature, all candidates at once: their runs in one posting list are read together.
            candidates.sort()
            var offsets: [Int] = [0]
            for owner in candidates {
                offsets.append(offsets[offsets.count - 1] + Int(ownerFirst[owner + 1] - ownerFirst[owner]))
            }
            var scores = [Float](repeating: 0, count: offsets[offsets.count - 1])
            examplePostings.withUnsafeBufferPointer { postings in
                scores.withUnsafeMutableBufferPointer { scores in
                    for (id, weight) in query {
                        let listEnd = Int(spans[Int(id) + 1].examples)
                        let table = Int(runStart[Int(id)])
                        var low = Int(spans[Int(id)].examples)
                        for (slot, owner) in candidates.enumerated() {
                            let first = ownerFirst[owner]
                            var end = listEnd
                            if table >= 0 {
                                low = Int(ownerRuns[table + owner])
                                end = Int(ownerRuns[table + owner + 1])
                            } else {
                                // A short list: the owner's run is found by bisection, after the previous owner's.
                                var high = listEnd
                                while low < high {
                                    let middle = (low + high) / 2
                                    if postings[middle].item < first { low = middle + 1 } else { high = middle }
                                }
                            }
                            let base = offsets[slot] - Int(first)
                            let last = ownerFirst[owner + 1]
                            while low < end && postings[low].item < last {
                                scores[base + Int(postings[low].item)] += weight * postings[low].weight
                                low += 1
                            }
                        }
                    }
                }
            }
            for (slot, owner) in candidates.enumerated() {
                keepBest(owner, scores: scores[offsets[slot]..<offsets[slot + 1]])
            }
        }
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

    init() {}

    /// Features of the non-stop tokens.
    init(tokens: [AnalyzedToken]) {
        var wordKeys: [UInt64] = []
        var gramKeys: [UInt64] = []
        // Each word gives at most two word keys and as many grams as its letters and one more (the edge marks make
        // n + 2 characters, hence n - 1 grams of 4): the lists are made once.
        var letters = 0
        for token in tokens { letters += token.folded.utf8.count }
        wordKeys.reserveCapacity(2 * tokens.count)
        gramKeys.reserveCapacity(letters + tokens.count)
        var previous: UInt64?
        var scalars: [UInt32] = []
        for token in tokens where !token.isStop && !token.stem.isEmpty {
            let stem = Self.stemKey(token.stem)
            wordKeys.append(stem)
            if let previous { wordKeys.append(Self.pairKey(previous, stem)) }
            previous = stem
            Self.appendGrams(of: token.folded, to: &gramKeys, scalars: &scalars)
        }
        words = Self.counted(&wordKeys)
        grams = Self.counted(&gramKeys)
    }

    /// The feature of a stem.
    static func stemKey(_ stem: String) -> UInt64 {
        var key = wordSeed
        for byte in stem.utf8 { key = (key ^ UInt64(byte)) &* prime }
        return key
    }

    /// The feature of two adjacent stems.
    static func pairKey(_ previous: UInt64, _ stem: UInt64) -> UInt64 {
        (previous &* 31) ^ stem ^ 0x9e37_79b9_7f4a_7c15
    }

    /// Appends the character n-grams of a folded word, edge markers included (`scalars` is scratch space).
    static func appendGrams(of folded: String, to keys: inout [UInt64], scalars: inout [UInt32]) {
        // An ASCII word (most of them): its bytes are its scalars, read in place.
        let readASCII = folded.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            let count = bytes.count + 2
            guard count >= gramLength else { return true }
            for start in 0...(count - gramLength) {
                var gram = gramSeed
                for index in start..<start + gramLength {
                    let value: UInt64 = index == 0 ? 0x3C : index == count - 1 ? 0x3E : UInt64(bytes[index - 1])
                    gram = (gram ^ value) &* prime
                }
                keys.append(gram)
            }
            return true
        }
        if readASCII == true { return }
        scalars.removeAll(keepingCapacity: true)
        scalars.append(0x3C)
        for scalar in folded.unicodeScalars { scalars.append(scalar.value) }
        scalars.append(0x3E)
        let n = gramLength
        guard scalars.count >= n else { return }
        for start in 0...(scalars.count - n) {
            var gram = gramSeed
            for index in start..<start + n { gram = (gram ^ UInt64(scalars[index])) &* prime }
            keys.append(gram)
        }
    }

    /// A whole folded word, as `WordGrams` files it (a seed of its own: never compared with features).
    static func wordKey(_ folded: String) -> UInt64 {
        var key: UInt64 = 0x6c62_272e_07bb_0142
        for byte in folded.utf8 { key = (key ^ UInt64(byte)) &* prime }
        return key
    }

    static func counted(_ keys: inout [UInt64]) -> [(key: UInt64, count: Int)] {
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
/// so a lookup is one multiply-free probe sequence instead of hashing the key again. At most three quarters full:
/// at most half full, the tables of the bundled content took 0.5 MB more, and matching was no faster.
struct FeatureTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    /// The table of `keys`, each numbered by its position.
    init(keys entries: [UInt64]) {
        var capacity = 16
        while capacity * 3 < entries.count * 4 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (value, key) in entries.enumerated() {
            var slot = Self.start(key, mask)
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = Int32(value)
        }
    }

    static func start(_ key: UInt64, _ mask: Int) -> Int {
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

/// Numbers feature hashes in the order they are first seen, while an index is built: open addressing like
/// `FeatureTable`, growing as needed (a dictionary would hash every key again).
struct FeatureNumbering {
    /// The keys by number.
    private(set) var keys: [UInt64] = []
    /// Each slot holds a number, or -1.
    private var slots = [Int32](repeating: -1, count: 1024)

    /// The number of `key`: a new one (`keys.count` before the call) when it was not seen before.
    mutating func id(_ key: UInt64) -> Int32 {
        let mask = slots.count - 1
        var slot = FeatureTable.start(key, mask)
        while slots[slot] >= 0 {
            if keys[Int(slots[slot])] == key { return slots[slot] }
            slot = (slot + 1) & mask
        }
        let id = Int32(keys.count)
        keys.append(key)
        slots[slot] = id
        if keys.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            let mask = slots.count - 1
            for (number, key) in keys.enumerated() {
                var slot = FeatureTable.start(key, mask)
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(number)
            }
        }
        return id
    }
}

/// The example scores and reached bits `VectorIndex` fills for one question, one set for each thread that matches,
/// all zero between questions (each question sets back what it wrote). Reached through a thread-specific key, so the
/// matcher stays shared between threads without a lock; grown when a content with more examples is matched, freed
/// when its thread ends.
final class ExampleScratch {
    private(set) var scores = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    private(set) var reached = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)

    deinit {
        scores.deallocate()
        reached.deallocate()
    }

    /// This thread's scratch, with room for `count` examples, all zero.
    static func forThisThread(count: Int) -> ExampleScratch {
        let scratch: ExampleScratch
        if let pointer = pthread_getspecific(key) {
            scratch = Unmanaged<ExampleScratch>.fromOpaque(pointer).takeUnretainedValue()
        } else {
            scratch = ExampleScratch()
            pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
        }
        if scratch.scores.count < count {
            scratch.scores.deallocate()
            scratch.reached.deallocate()
            scratch.scores = .allocate(capacity: count)
            scratch.scores.initialize(repeating: 0)
            scratch.reached = .allocate(capacity: (count + 63) / 64)
            scratch.reached.initialize(repeating: 0)
        }
        return scratch
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        #if canImport(Darwin)
            pthread_key_create(&key) { pointer in Unmanaged<ExampleScratch>.fromOpaque(pointer).release() }
        #else
            pthread_key_create(&key) { pointer in
                guard let pointer else { return }
                Unmanaged<ExampleScratch>.fromOpaque(pointer).release()
            }
        #endif
        return key
    }()
}
