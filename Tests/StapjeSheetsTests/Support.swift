import Foundation
import StapjeKnowledge
import StapjeSheets
import StapjeText
import Testing

/// The content the tests read: the real, bundled content (as far as it is written), and a small synthetic topic
/// full of characters that must be escaped.
enum Fixture {
    /// The bundled content, loaded once.
    static let content: ContentBundle = ContentLoader(root: ContentLocator.bundled).load().bundle

    /// Every (topic, language) pair that has an answer in the bundled content.
    static var answered: [(topic: String, language: Language)] {
        content.answers.keys.sorted().flatMap { topic in
            (content.answers[topic] ?? [:]).keys.sorted().map { (topic, $0) }
        }
    }

    /// The answered topic with the most region variants, in `language` (the best test of "every variant").
    static func richest(_ language: Language) throws -> Answer {
        let answers = content.answers.values.compactMap { $0[language] }
        let best = answers.max { lhs, rhs in
            let left = AnswerPart.allCases.map { lhs.variants(of: $0).count }.reduce(0, +)
            let right = AnswerPart.allCases.map { rhs.variants(of: $0).count }.reduce(0, +)
            return left != right ? left < right : lhs.id > rhs.id
        }
        return try #require(best, "no answer in \(language.rawValue) in \(ContentLocator.bundled)/faq")
    }

    static let location = SourceLocation(file: "synthetic.md", line: 1)

    static func list(_ items: [String]) -> AnswerSection {
        AnswerSection(items: items, text: items.joined(separator: "\n"), location: location)
    }

    static func paragraph(_ text: String) -> AnswerSection {
        AnswerSection(items: [], text: text, location: location)
    }

    /// The nasty strings, each of which must come out literally.
    static let nasty = [
        "Type <script>alert('x')</script> & press \"OK\"",
        "# not a heading",
        "1. not a list",
        "*not bold* and _not italic_ [not a link](x)",
        "Tap \"Send\" <now>",
    ]

    /// A synthetic English topic with markup-like text in every part and variants for BE, BXL and FR.
    static let synthetic: ContentBundle = {
        let answer = Answer(
            id: "test.escape", language: .en, title: "Tags <b> & \"quotes\"", related: ["test.other", "test.gone"],
            lastChecked: "2026-01-02",
            sources: ["https://example.org/a?b=1&c=<2>", "javascript:alert(1)", "the paper leaflet"],
            sections: [
                .answer: [nil: paragraph(nasty[0]), .region(.BXL): paragraph(nasty[1])],
                .youNeed: [nil: list([nasty[3]])],
                .steps: [
                    nil: list([nasty[4], nasty[2], "Plain step three"]),
                    .belgium: list(["Belgian step"]),
                    .region(.FR): list(["French step one", "French step two"]),
                ],
                .ifNotWorking: [nil: paragraph("Ask a helper.\nOr call the line.")],
                .safety: [nil: paragraph("Never give <codes>.")],
                .helperNotes: [nil: list(["Let them <tap> & type."])],
            ],
            location: location)
        let other = Answer(
            id: "test.other", language: .en, title: "Other & more", related: [], lastChecked: nil, sources: [],
            sections: [.answer: [nil: paragraph("Short.")], .steps: [nil: list(["One"])]], location: location)
        let words = Messages(
            language: .en,
            values: [
                "language_name": .text("English"), "you_need": .text("You need"), "steps": .text("Steps"),
                "if_not_working": .text("If it fails"), "safety": .text("Careful"),
                "helper_notes": .text("For helpers"), "related": .text("See also"), "sources": .text("Sources"),
                "last_checked": .text("Checked"), "region_variant": .text("For {region}"),
                "regions": .table([
                    "VL": .text("Flanders"), "BXL": .text("Brussels"), "WAL": .text("Wallonia"), "FR": .text("France"),
                ]),
                "categories": .table(["test": .text("Tests & <checks>")]),
            ])
        return ContentBundle(
            topics: [
                TopicInfo(id: "test.escape", regions: [.VL, .BXL, .WAL, .FR], location: location),
                TopicInfo(id: "test.other", regions: [.FR], location: location),
            ],
            answers: ["test.escape": [.en: answer], "test.other": [.en: other]], messages: [.en: words])
    }()
}

/// Small checks on generated HTML.
enum HTMLCheck {
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "input", "wbr"]

    /// The problems with the nesting of tags: unclosed, unexpected or mismatched ones.
    static func nestingProblems(_ html: String) -> [String] {
        var stack: [String] = []
        var problems: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                problems.append("unterminated tag")
                break
            }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let closing = tag.hasPrefix("/")
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
            if voidElements.contains(name) { continue }
            if closing {
                if stack.last == name {
                    stack.removeLast()
                } else {
                    problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
                }
            } else {
                stack.append(name)
            }
        }
        return problems + stack.map { "<\($0)> never closed" }
    }

    /// The text of `html` without tags, with entities still in place.
    static func text(_ html: String) -> String {
        html.replacing(/<[^>]*>/, with: " ")
    }

    /// Every `&` outside a known entity (a sign of text that was not escaped).
    static func strayAmpersands(_ html: String) -> Int {
        html.matches(of: /&(?!amp;|lt;|gt;|quot;|#39;)/).count
    }

    /// Decodes the five entities the renderer writes.
    static func decode(_ text: String) -> String {
        text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
            .replacing("&#39;", with: "'").replacing("&amp;", with: "&")
    }

    /// The HTML with every `<a href="X">X</a>` whose X is one of `sources` removed: what is left must not
    /// name a web address.
    static func withoutSourceLinks(_ html: String, sources: Set<String>) -> String {
        var result = html
        for source in sources {
            let escaped = HTMLSheet.escape(source)
            result = result.replacing("<a href=\"\(escaped)\">\(escaped)</a>", with: "")
        }
        return result
    }

    /// Collapses white space, so a text can be searched for whatever the wrapping was.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
