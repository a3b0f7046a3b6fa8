import Foundation
import StapjeKnowledge
import StapjeSheets
import StapjeText
import Testing

struct HTMLSheetTests {
    static func booklet(_ language: Language, region: Region? = nil) -> (Booklet, String) {
        let booklet = Booklet(Fixture.content, language: language, region: region, date: "2026-12-01")
        return (booklet, HTMLSheet().render(booklet))
    }

    @Test(arguments: Language.allCases)
    func bookletIsWellFormedWithCoverContentsAndOneArticlePerTopic(language: Language) throws {
        let (booklet, html) = Self.booklet(language)
        #expect(!booklet.sheets.isEmpty)
        #expect(HTMLCheck.nestingProblems(html).isEmpty, "\(HTMLCheck.nestingProblems(html).prefix(5))")
        #expect(HTMLCheck.strayAmpersands(html) == 0)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">"))
        #expect(html.matches(of: /<section class="cover">/).count == 1)
        #expect(html.matches(of: /<nav class="contents"/).count == 1)
        // One article per topic, each starting a printed page; the rule is written once, for articles only.
        #expect(html.matches(of: /<article class="sheet"/).count == booklet.sheets.count)
        #expect(html.matches(of: /break-before: page/).count == 1)
        #expect(html.contains(".sheet { break-before: page; page-break-before: always; }"))
        let cover = try #require(html.firstRange(of: "<section class=\"cover\">"))
        let contents = try #require(html.firstRange(of: "<nav class=\"contents\""))
        let firstSheet = try #require(html.firstRange(of: "<article class=\"sheet\""))
        #expect(cover.lowerBound < contents.lowerBound && contents.lowerBound < firstSheet.lowerBound)
        // The cover names the language and the region choice, in the booklet's language.
        let coverHTML = String(html[cover.lowerBound..<contents.lowerBound])
        #expect(coverHTML.contains(HTMLSheet.escape(booklet.words.languageName)))
        #expect(coverHTML.contains(HTMLSheet.escape(booklet.words.booklet.allRegions)))
        #expect(coverHTML.contains("2026-12-01"))
    }

    /// The contents are grouped by category, named from the conversation words, and every entry links to its page.
    @Test(arguments: Language.allCases)
    func contentsGroupTopicsByCategoryAndLinkToThem(language: Language) throws {
        let (booklet, html) = Self.booklet(language)
        let start = try #require(html.firstRange(of: "<nav class=\"contents\""))
        let end = try #require(html.firstRange(of: "</nav>"))
        let contents = String(html[start.lowerBound..<end.upperBound])
        let headings = contents.matches(of: /<h3>([^<]*)<\/h3>/).map { HTMLCheck.decode(String($0.1)) }
        let words = Fixture.content.words(language)
        #expect(headings == booklet.chapters.map { words.entry("categories", $0.category) })
        let links = contents.matches(of: /<a href="#([^"]+)">/).map { String($0.1) }
        #expect(links.count == booklet.sheets.count)
        let anchors = Set(html.matches(of: /<article class="sheet" id="([^"]+)"/).map { String($0.1) })
        #expect(Set(links) == anchors)
    }

    @Test(arguments: Language.allCases)
    func nothingIsFetchedAndOnlySourcesAreWebAddresses(language: Language) {
        let (booklet, html) = Self.booklet(language)
        let lower = html.lowercased()
        for banned in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "@font-face"] {
            #expect(!lower.contains(banned), "\(banned) in the booklet")
        }
        let sources = Set(booklet.sheets.flatMap(\.sources))
        let rest = HTMLCheck.withoutSourceLinks(html, sources: sources).lowercased()
        #expect(!rest.contains("http:") && !rest.contains("https:") && !rest.contains("//"))
    }

    /// Every region variant of every part is on the page, in a labelled box.
    @Test(arguments: Language.allCases)
    func everyRegionVariantIsPrinted(language: Language) throws {
        let (booklet, html) = Self.booklet(language)
        let variants = booklet.sheets.flatMap(\.parts).flatMap(\.versions).filter { $0.label != nil }
        #expect(html.matches(of: /<div class="variant">/).count == variants.count)
        let answer = try Fixture.richest(language)
        let article = try #require(
            html.firstRange(of: "<article class=\"sheet\" id=\"topic-\(answer.id)\"").map { html[$0.lowerBound...] })
        let page = HTMLCheck.decode(
            String(article[..<(article.firstRange(of: "</article>")?.upperBound ?? article.endIndex)]))
        for kind in AnswerPart.allCases {
            for (qualifier, section) in answer.variants(of: kind) {
                #expect(page.contains(booklet.words.variantLabel(qualifier)), "\(answer.id) \(kind) \(qualifier)")
                for item in section.items { #expect(page.contains(item)) }
            }
        }
    }

    @Test func regionBookletShowsOnlyThatRegion() throws {
        let (booklet, html) = Self.booklet(.en, region: .BXL)
        #expect(!html.contains("<div class=\"variant\">"))
        let answer = try Fixture.richest(.en)
        let steps = answer.steps(region: .BXL)
        let decoded = HTMLCheck.decode(html)
        for step in steps { #expect(decoded.contains("<li>\(step)</li>")) }
        #expect(decoded.contains(booklet.words.regionName(.BXL)))
    }

    @Test func everythingFromTheContentIsEscaped() throws {
        let sheet = try Sheet(topic: "test.escape", in: Fixture.synthetic, language: .en)
        let html = HTMLSheet().render(sheet)
        #expect(HTMLCheck.nestingProblems(html).isEmpty, "\(HTMLCheck.nestingProblems(html))")
        #expect(HTMLCheck.strayAmpersands(html) == 0)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<now>") && !html.contains("<tap>") && !html.contains("<codes>"))
        #expect(html.contains("<title>Tags &lt;b&gt; &amp; &quot;quotes&quot;</title>"))
        #expect(html.contains("Type &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; press &quot;OK&quot;"))
        #expect(html.contains("Tests &amp; &lt;checks&gt;"))
        // The web source is a link showing its own (escaped) address; the others are plain text.
        let source = "https://example.org/a?b=1&amp;c=&lt;2&gt;"
        #expect(html.contains("<li><a href=\"\(source)\">\(source)</a></li>"))
        #expect(html.contains("<li>javascript:alert(1)</li>"))
        #expect(!html.contains("href=\"javascript"))
        // A single sheet links to no other page.
        #expect(!html.contains("href=\"#"))
        #expect(html.contains("Other &amp; more"))
        let text = HTMLCheck.decode(HTMLCheck.text(html))
        for nasty in Fixture.nasty { #expect(text.contains(nasty), "\(nasty)") }
    }

    /// Body text is at least 14pt, and nothing but the page footer (topic and page number) is smaller than 12pt.
    @Test func typeIsLarge() throws {
        let html = HTMLSheet().render(Booklet(Fixture.synthetic, language: .en))
        let rule = try #require(html.firstMatch(of: /html \{[^}]*font-size: (\d+(?:\.\d+)?)pt/))
        #expect(try #require(Double(rule.1)) >= 14)
        let sizes = html.matches(of: /font-size: (\d+(?:\.\d+)?)pt/).compactMap { Double($0.1) }
        #expect(sizes.filter { $0 < 12 }.count == 2, "\(sizes)")
        #expect(html.contains("@bottom-right { content: counter(page); font-size: 11pt;"))
        #expect(!html.contains(/font-size: [0-9.]+(px|em|rem|%)/))
    }

    /// Every printed page of a topic, continuation pages too, carries the topic's number and title in its footer.
    @Test func everyPrintedPageNamesItsTopic() throws {
        let html = HTMLSheet().render(Booklet(Fixture.synthetic, language: .en))
        #expect(html.contains("<article class=\"sheet\" id=\"topic-test.escape\" lang=\"en\" style=\"page: topic-1\">"))
        // The title is a CSS string: its <, > and & are code points, so it cannot close the style element.
        #expect(html.contains(#"@page topic-1 { @bottom-left { content: "1 · Tags \3C b\3E  \26  \"quotes\""; } }"#))
        #expect(html.contains(#"@page topic-2 { @bottom-left { content: "2 · Other \26  more"; } }"#))
        let (booklet, real) = Self.booklet(.fr)
        let pages = real.matches(of: /style="page: (topic-\d+)"/).map { String($0.1) }
        #expect(pages == (1...booklet.sheets.count).map { "topic-\($0)" })
        for page in pages { #expect(real.contains("@page \(page) { @bottom-left { content: \"")) }
    }

    @Test func relatedTopicsLinkInsideTheBooklet() {
        let html = HTMLSheet().render(Booklet(Fixture.synthetic, language: .en))
        #expect(
            html.contains(
                "<li><a href=\"#topic-test.other\">Other &amp; more</a> <span class=\"id\">test.other</span></li>"))
        #expect(html.contains("<li>test.gone <span class=\"id\">test.gone</span></li>"))
    }
}
