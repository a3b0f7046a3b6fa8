import StapjeKnowledge
import StapjeSheets
import StapjeText
import Testing

struct SheetTests {
    @Test func bundledContentHasAnswers() {
        #expect(!Fixture.answered.isEmpty, "no answers in \(ContentLocator.bundled)/faq")
    }

    /// Every part of every answer, with its plain version and every region variant, ends up on the sheet.
    @Test func everySheetShowsEveryVersionOfEveryPart() throws {
        for (topic, language) in Fixture.answered {
            let answer = try #require(Fixture.content.answer(topic, language: language))
            let sheet = try Sheet(topic: topic, in: Fixture.content, language: language)
            for kind in AnswerPart.allCases {
                let written = (answer.sections[kind] ?? [:]).filter { !$0.value.text.isEmpty }
                let shown = sheet.part(kind)?.versions ?? []
                #expect(
                    shown.count == written.count, "\(topic) \(language) \(kind): \(shown.count) of \(written.count)")
                #expect(Set(shown.map(\.variant)) == Set(written.keys), "\(topic) \(language) \(kind)")
            }
            #expect(sheet.related.map(\.id) == answer.related)
            #expect(sheet.sources == answer.sources)
            #expect(sheet.lastChecked == answer.lastChecked)
        }
    }

    /// A BE variant beside a region's own is labelled with the Belgian regions that get it: the conversation shows
    /// Flanders its own, so the BE steps of the citizen portal are for Brussels and Wallonia (the label had said
    /// Flanders too, next to the Flemish steps).
    @Test func aBelgianVariantIsLabelledWithTheRegionsThatGetIt() throws {
        let sheet = try Sheet(topic: "gov.citizen-portal", in: Fixture.content, language: .en)
        let steps = try #require(sheet.part(.steps))
        let belgium = try #require(steps.versions.first { $0.variant == .belgium })
        #expect(belgium.label?.contains("Brussels") == true && belgium.label?.contains("Wallonia") == true)
        #expect(belgium.label?.contains("Flanders") == false, "\(belgium.label ?? "")")
        #expect(steps.versions.contains { $0.variant == .region(.VL) })
    }

    /// With a region, each part is the version a person in that region gets in the conversation.
    @Test(arguments: Region.allCases)
    func regionSheetShowsThatRegionsVersion(region: Region) throws {
        for (topic, language) in Fixture.answered {
            let answer = try #require(Fixture.content.answer(topic, language: language))
            let sheet = try Sheet(topic: topic, in: Fixture.content, language: language, region: region)
            for kind in AnswerPart.allCases {
                let expected = answer.section(kind, region: region)
                let shown = sheet.part(kind)?.versions ?? []
                #expect(shown.count == (expected.map { $0.text.isEmpty ? 0 : 1 } ?? 0), "\(topic) \(kind)")
                if let version = shown.first, let expected {
                    #expect(version.label == nil)
                    if kind.isList {
                        #expect(version.items == expected.items)
                    } else {
                        #expect(version.paragraphs.joined(separator: "\n") == expected.text)
                    }
                }
            }
        }
    }

    @Test func variantLabelsNameTheRegions() throws {
        let sheet = try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .en)
        let steps = try #require(sheet.part(.steps))
        #expect(steps.heading == "Steps")
        #expect(steps.versions.map(\.label) == [nil, "For Flanders, Brussels, Wallonia", "For France"])
        #expect(sheet.part(.answer)?.heading == nil)
        #expect(sheet.categoryName == "Tests & <checks>")
        #expect(sheet.related.map(\.title) == ["Other & more", "test.gone"])
    }

    @Test func unknownTopicSuggestsCloseIDs() throws {
        let error = try #require(throws: SheetError.self) {
            try Sheet(topic: "test.escap", in: Fixture.synthetic, language: .en)
        }
        #expect(error.message.contains("did you mean test.escape"))
        #expect(error.message.contains("stapje topics"))
        let language = try #require(throws: SheetError.self) {
            try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .fr)
        }
        #expect(language.message.contains("faq/test.escape/fr.md"))
        #expect(language.message.contains("--lang en"))
    }

    /// Every curriculum topic is listed once, under its category, in curriculum order.
    @Test(arguments: Language.allCases)
    func catalogListsEveryTopicOnce(language: Language) {
        let catalog = Catalog(Fixture.content, language: language)
        let ids = catalog.entries.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Array(ids.prefix(Fixture.content.topics.count)).sorted() == Fixture.content.topics.map(\.id).sorted())
        let words = Fixture.content.words(language)
        for category in catalog.categories {
            #expect(category.name == words.entry("categories", category.id))
            #expect(category.entries.allSatisfy { $0.id.hasPrefix(category.id + ".") })
        }
        let order = catalog.categories.map(\.id)
        let curriculum = Fixture.content.topics.map(\.category).reduce(into: [String]()) { seen, category in
            if !seen.contains(category) { seen.append(category) }
        }
        #expect(Array(order.prefix(curriculum.count)) == curriculum)
    }

    @Test func bookletLeavesOutMissingLanguagesAndSaysSo() {
        let booklet = Booklet(Fixture.synthetic, language: .en, date: "2026-01-02")
        #expect(booklet.sheets.map(\.id) == ["test.escape", "test.other"])
        #expect(booklet.missing.isEmpty)
        let french = Booklet(Fixture.synthetic, language: .fr)
        #expect(french.sheets.isEmpty)
        #expect(french.missing == ["test.escape", "test.other"])
    }
}
