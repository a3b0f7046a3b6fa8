import Foundation
import StapjeText
import Testing

/// The Snowball reference stems (Snowball 3.1 outputs for about 6,000 words per language).
struct StemmerTests {
    static func vectors(_ name: String) throws -> [(word: String, stem: String)] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "tsv"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else { return nil }
            return (String(fields[0]), String(fields[1]))
        }
    }

    @Test(arguments: [("dutch", Language.nl), ("french", .fr), ("english", .en)])
    func referenceStems(file: String, language: Language) throws {
        let vectors = try Self.vectors(file)
        #expect(vectors.count > 6000)
        var wrong: [String] = []
        for (word, expected) in vectors {
            let got: String
            switch language {
            case .nl: got = DutchStemmer().stem(word)
            case .fr: got = FrenchStemmer().stem(word)
            case .en: got = EnglishStemmer().stem(word)
            }
            if got != expected { wrong.append("\(word): expected \(expected), got \(got)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(vectors.count) differ, first: \(wrong.prefix(5))")
    }

    @Test(arguments: ["éléphants", "créées", "oubliées", "téléphonait"])
    func stemmerFoldsAccentsAfterStemming(word: String) {
        let stem = Stemmer(language: .fr).stem(word)
        #expect(stem == TextFolding.fold(FrenchStemmer().stem(word)))
        #expect(stem.unicodeScalars.allSatisfy { $0.isASCII })
    }
}
