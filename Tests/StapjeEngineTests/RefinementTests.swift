import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeEngine

/// The perceptron refinement of intent prototypes (VectorIndex) for content defined by examples alone.
struct RefinementTests {
    static let block = [
        "block my card", "block my bank card", "please block my card", "block the card now", "card block",
        "block card urgently", "i want to block my card", "how do i block my card", "block my debit card",
        "stop card payments",
    ]
    static let stop = [
        "stop payments", "stop the payments now", "stop all payments", "stop payments please",
        "stop recurring payments", "stop monthly payments", "stop payments today", "stop automatic payments",
        "stop these payments", "stop payments to the gym",
    ]

    static func index(refine: Bool) -> (VectorIndex, Analyzer) {
        let analyzer = Analyzer(language: .en, vocabulary: [], keepSmallWords: true)
        let examples = [block, stop].enumerated().flatMap { owner, texts in
            texts.map { (owner: owner, features: FeatureBag(tokens: analyzer.contentTokens($0))) }
        }
        return (VectorIndex(examples: examples, ownerCount: 2, refine: refine, candidateCount: 0), analyzer)
    }

    static func prototypeScores(_ text: String, refine: Bool) -> [Float] {
        let (index, analyzer) = index(refine: refine)
        return index.similarities(FeatureBag(tokens: analyzer.contentTokens(text))).centroid
    }

    @Test func refinementFixesAnExampleItsCentroidMisranks() {
        // "stop card payments" belongs to blocking a card, but shares two of its three words with stopping payments.
        let centroids = Self.prototypeScores("stop card payments", refine: false)
        let refined = Self.prototypeScores("stop card payments", refine: true)
        #expect(centroids[1] > centroids[0])
        #expect(refined[0] > refined[1])
    }

    @Test(arguments: block.dropLast().map { ($0, 0) } + stop.map { ($0, 1) })
    func refinementKeepsTheOtherExamplesRight(text: String, owner: Int) {
        let refined = Self.prototypeScores(text, refine: true)
        #expect(refined[owner] > refined[1 - owner])
    }

    @Test func twoBuildsGiveTheSameScores() {
        let questions = ["stop my card", "block payments", "card", "stop the gym payments please", "hello"]
        for question in questions {
            let (first, analyzer) = Self.index(refine: true)
            let (second, _) = Self.index(refine: true)
            let bag = FeatureBag(tokens: analyzer.contentTokens(question))
            let a = first.similarities(bag)
            let b = second.similarities(bag)
            #expect(a.centroid.map(\.bitPattern) == b.centroid.map(\.bitPattern))
            #expect(a.best.map(\.bitPattern) == b.best.map(\.bitPattern))
            #expect(a.bestExample == b.bestExample)
        }
    }

    @Test func exampleOnlyContentLooksUpTheBestExampleOfTheBestIntentsOnly() {
        // Seven intents of examples alone: only the five best by prototype get a best example, so only they can
        // be candidates; the best one is right and names its closest example.
        let topics = ["train", "bus", "tram", "boat", "plane", "bike", "taxi"]
        let rules = topics.map { topic in
            Fixture.rules(
                "go.\(topic)", .en,
                examples: ["when does the \(topic) leave", "\(topic) times today", "book a \(topic) ticket"])
        }
        let matcher = Matcher(bundle: ContentBundle(languages: [.en], intents: [.en: rules]))
        let result = matcher.match("book a tram ticket for today", context: MatchContext(language: .en))
        #expect(result.explanation.candidates.first?.id == "go.tram")
        #expect(result.explanation.candidates.first?.evidence.bestExample == "book a tram ticket")
        #expect(result.explanation.candidates.count <= 5)
        let again = Matcher(bundle: ContentBundle(languages: [.en], intents: [.en: rules]))
        #expect(again.match("book a tram ticket for today", context: MatchContext(language: .en)) == result)
    }
}

/// A question's vector with content words' n-grams read from the index's table is the vector of its feature bag.
struct QueryVectorTests {
    @Test(arguments: [
        "block my card", "stop stop stop payments", "blokc my crad now", "the gym", "card card card", "xyz",
        "payments to the gym please stop them", "é à ç card", "",
    ])
    func theQueryVectorIsTheFeatureBagVector(question: String) {
        let analyzer = Analyzer(language: .en, vocabulary: [], keepSmallWords: true)
        let texts = RefinementTests.block + RefinementTests.stop
        let examples = texts.enumerated().map { number, text in
            (
                owner: number < RefinementTests.block.count ? 0 : 1,
                features: FeatureBag(tokens: analyzer.contentTokens(text))
            )
        }
        // Words of some examples only: the others' n-grams are worked out at query time.
        let words = Set(texts.prefix(6).flatMap { analyzer.contentTokens($0).map(\.folded) })
        let index = VectorIndex(examples: examples, ownerCount: 2, refine: false, candidateCount: 0, words: words)
        let tokens = analyzer.contentTokens(question)
        let fromBag = VectorIndex.vector(
            FeatureBag(tokens: tokens), ids: index.featureIDs, idf: index.inverseFrequencies)
        let fromTable = index.queryVector(tokens)
        #expect(fromTable.map(\.0) == fromBag.map(\.0))
        #expect(fromTable.map(\.1.bitPattern) == fromBag.map(\.1.bitPattern))
    }
}

/// A word's character n-grams: ASCII words are read from their bytes, other words scalar by scalar; both must give
/// the n-grams of the word with its edge markers.
struct FeatureGramTests {
    static func reference(_ folded: String) -> [UInt64] {
        let values = [0x3C] + folded.unicodeScalars.map(\.value) + [0x3E]
        guard values.count >= FeatureBag.gramLength else { return [] }
        return (0...(values.count - FeatureBag.gramLength)).map { start in
            values[start..<start + FeatureBag.gramLength].reduce(UInt64(0x84222325_cbf29ce4)) { gram, value in
                (gram ^ UInt64(value)) &* 0x0000_0100_0000_01b3
            }
        }
    }

    @Test(arguments: ["", "a", "ab", "abc", "solliciteren", "e-mail", "x1", "donnees", "données", "café", "ß🙂"])
    func gramsAreTheWordsWindows(word: String) {
        var keys: [UInt64] = [7]
        var scratch: [UInt32] = []
        FeatureBag.appendGrams(of: word, to: &keys, scalars: &scratch)
        #expect(keys == [7] + Self.reference(word))
    }
}
