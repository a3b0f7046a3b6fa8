import StapjeKnowledge
import StapjeSheets
import StapjeText
import Testing

struct TextSheetTests {
    /// No line is wider than asked, except a single word that is wider by itself (a web address).
    @Test(arguments: [30, 50, 80, 120])
    func linesFitTheWidth(width: Int) throws {
        let renderer = TextSheet(width: width)
        for (topic, language) in Fixture.answered {
            let sheet = try Sheet(topic: topic, in: Fixture.content, language: language)
            for line in renderer.lines(sheet) where line.count > width {
                let words = line.split(separator: " ")
                #expect(words.count <= 2, "\(topic) \(language), \(line.count) > \(width): \(line)")
                #expect(!line.hasSuffix(" "))
            }
        }
    }

    /// Wrapping loses nothing: every step, note, variant label, source and heading is in the text.
    @Test func textHoldsTheWholeAnswer() throws {
        for language in Language.allCases {
            let answer = try Fixture.richest(language)
            let sheet = try Sheet(topic: answer.id, in: Fixture.content, language: language)
            let text = HTMLCheck.flat(TextSheet(width: 40).render(sheet))
            for part in sheet.parts {
                if let heading = part.heading { #expect(text.contains(HTMLCheck.flat(heading))) }
                for version in part.versions {
                    if let label = version.label { #expect(text.contains(HTMLCheck.flat(label))) }
                    for item in version.items + version.paragraphs {
                        #expect(text.contains(HTMLCheck.flat(item)), "\(answer.id) \(language): \(item)")
                    }
                }
            }
            for source in sheet.sources { #expect(text.contains(source)) }
            for related in sheet.related { #expect(text.contains("\(HTMLCheck.flat(related.title)) (\(related.id))")) }
            if let date = sheet.lastChecked { #expect(text.contains(date)) }
        }
    }

    @Test func stepsAreNumberedWithAHangingIndent() throws {
        let sheet = try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .en)
        let lines = TextSheet(width: 30).lines(sheet)
        let steps = try #require(lines.firstIndex(of: "Steps"))
        #expect(lines[steps + 1] == "  1. Tap \"Send\" <now>")
        #expect(lines[steps + 2] == "  2. 1. not a list")
        #expect(lines.contains("  For Flanders, Brussels,"))
        #expect(lines.contains("  For France"))
        #expect(lines.contains("    1. French step one"))
        let wrapped = TextSheet(width: 30).lines(
            try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .en, region: .FR))
        #expect(wrapped.contains("  1. French step one"))
        #expect(!wrapped.contains { $0.contains("Belgian step") })
    }

    @Test func topicListHasEveryCategoryAndTopic() {
        let catalog = Catalog(Fixture.content, language: .fr)
        let text = TextSheet(width: 100).render(catalog)
        for category in catalog.categories {
            #expect(text.contains("\(category.name) (\(category.id))"))
            for entry in category.entries {
                let line = text.split(separator: "\n").first { $0.hasPrefix("  \(entry.id) ") }
                #expect(line != nil, "\(entry.id) missing")
                if let title = entry.title { #expect(line?.hasSuffix(title) == true || text.contains(title)) }
            }
        }
    }
}
