import StapjeText
import Testing

@testable import StapjeEngine

/// The analyzer's and the language detector's word table: it must answer as a `[String: Value]` does for the words
/// the tokenizer makes.
struct WordTableTests {
    @Test func answersAsADictionaryDoesAfterAnyInsertsAndReplacements() {
        var generator = SeededGenerator(seed: 5)
        // Few letters, short words: many words repeat (replacements) and many lookups miss by one letter.
        let letters = Array("aeéènrstëç'-")
        func word() -> String {
            String(
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
        }
        var table = WordTable<Int>()
        var dictionary: [String: Int] = [:]
        for value in 0..<3000 {
            let key = word()
            #expect(table.updateValue(value, forKey: key) == dictionary.updateValue(value, forKey: key), "\(key)")
        }
        #expect(table.count == dictionary.count)
        for _ in 0..<3000 {
            let key = word()
            #expect(table[key] == dictionary[key], "\(key)")
        }
        for (key, value) in dictionary { #expect(table[key] == value, "\(key)") }
    }

    @Test func growsPastItsFirstSlotsAndKeepsEveryWord() {
        var table = WordTable<Int>(minimumCapacity: 2)
        for number in 0..<20_000 { table["woord\(number)"] = number }
        #expect(table.count == 20_000)
        #expect((0..<20_000).allSatisfy { (number: Int) in table["woord\(number)"] == number })
        #expect(table["woord20000"] == nil)
        #expect(table["woord"] == nil)
        #expect(table[""] == nil)
    }

    @Test func theEmptyWordAndLongWordsAreWordsLikeAnyOther() {
        let long = String(repeating: "wachtwoordherstel", count: 40)
        var table = WordTable<String>()
        table[""] = "empty"
        table[long] = "long"
        #expect(table[""] == "empty")
        #expect(table[long] == "long")
        #expect(table[String(long.dropLast())] == nil)
    }

    @Test func aDefaultWritesTheWordOnce() {
        var table = WordTable<(stop: UInt8, content: UInt8)>()
        table["de", default: (0, 0)].content |= 1
        table["de", default: (0, 0)].stop |= 2
        #expect(table.count == 1)
        #expect(table["de"].map { [$0.stop, $0.content] } == [2, 1])
    }

    @Test func mappedValuesKeepTheirWords() {
        var table = WordTable<Int>()
        for (number, word) in ["trein", "train", "gare", "één"].enumerated() { table[word] = number }
        let doubled = table.mapValues { $0 * 2 }
        #expect(["trein", "train", "gare", "één"].map { doubled[$0] } == [0, 2, 4, 6])
        #expect(doubled["een"] == nil)
    }

    /// Bytes are compared, so the tokenizer must give an accent typed as a combining mark as the one scalar the
    /// content's files use; the table then finds the word either way.
    @Test func aWordTypedWithCombiningAccentsIsTheComposedWord() {
        let tokenizer = Tokenizer()
        let typed = tokenizer.tokens("Te\u{301}le\u{301}charger l'applicatio\u{302}n c\u{327}a")
        let composed = tokenizer.tokens("télécharger l'applicatiôn ça")
        #expect(typed.map { Array($0.lower.utf8) } == composed.map { Array($0.lower.utf8) })
        var table = WordTable<Int>()
        table["télécharger"] = 1
        #expect(table[typed[0].lower] == 1)
    }
}
