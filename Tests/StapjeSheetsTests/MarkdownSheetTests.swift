import StapjeKnowledge
import StapjeSheets
import StapjeText
import Testing

struct MarkdownSheetTests {
    @Test func structureHasOneTitleAPartHeadingAndAVariantHeadingEach() throws {
        for language in Language.allCases {
            let answer = try Fixture.richest(language)
            let sheet = try Sheet(topic: answer.id, in: Fixture.content, language: language)
            let markdown = MarkdownSheet().render(sheet)
            let lines = markdown.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("# ") } == ["# " + MarkdownSheet.escape(sheet.title)])
            let partHeadings = lines.filter { $0.hasPrefix("## ") }
            var expected = sheet.parts.compactMap(\.heading).map { "## " + MarkdownSheet.escape($0) }
            if !sheet.related.isEmpty { expected.append("## " + MarkdownSheet.escape(sheet.words.heading("related"))) }
            if !sheet.sources.isEmpty { expected.append("## " + MarkdownSheet.escape(sheet.words.heading("sources"))) }
            #expect(partHeadings == expected)
            let variants = sheet.parts.filter { $0.heading != nil }.flatMap(\.versions).compactMap(\.label)
            #expect(lines.filter { $0.hasPrefix("### ") } == variants.map { "### " + MarkdownSheet.escape($0) })
            let summaryVariants = sheet.part(.answer)?.versions.compactMap(\.label) ?? []
            for label in summaryVariants {
                #expect(markdown.contains("**\(MarkdownSheet.escape(label))**  \n"))
            }
            let steps = try #require(sheet.part(.steps)?.versions.first?.items)
            for (index, step) in steps.enumerated() {
                #expect(lines.contains("\(index + 1). " + MarkdownSheet.escape(step)))
            }
        }
    }

    @Test func contentCannotMakeMarkup() throws {
        let markdown = MarkdownSheet().render(try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .en))
        #expect(markdown.contains("# Tags \\<b\\> \\& \"quotes\"\n"))
        #expect(markdown.contains("**For Brussels**  \n\\# not a heading"))
        #expect(markdown.contains("2. 1\\. not a list"))
        #expect(markdown.contains("- \\*not bold\\* and \\_not italic\\_ \\[not a link\\](x)"))
        #expect(markdown.contains("\\<script\\>alert('x')\\</script\\>"))
        #expect(!markdown.contains("<script>"))
        // A web address becomes a link; anything else stays text.
        #expect(markdown.contains("- javascript:alert(1)\n"))
        #expect(!markdown.contains("<javascript"))
        #expect(markdown.contains("- the paper leaflet"))
    }

    @Test func escapeLeavesOrdinaryTextAlone() {
        let text = "Tap \"Send\". Wait 10 minutes, then look in the spam folder!"
        #expect(MarkdownSheet.escape(text) == text)
        #expect(MarkdownSheet.escape("  - dash") == "  \\- dash")
        #expect(MarkdownSheet.escape("12) twelve") == "12\\) twelve")
    }

    @Test func bookletHasContentsThenEverySheet() {
        let booklet = Booklet(Fixture.content, language: .nl)
        let markdown = MarkdownSheet().render(booklet)
        #expect(markdown.components(separatedBy: "\n---\n").count == booklet.sheets.count + 1)
        for chapter in booklet.chapters { #expect(markdown.contains("### " + MarkdownSheet.escape(chapter.name))) }
    }
}
