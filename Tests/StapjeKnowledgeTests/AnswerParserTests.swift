import Testing

@testable import StapjeKnowledge

/// The answer parser reads lines and list items from bytes; what it reads must be what the character-by-character
/// reading gives.
struct AnswerParserTests {
    @Test(arguments: ["", "\n", "a", "a\n", "a\nb", "\n\nb\n", "---\nid: x\n---\n## Steps\n1. één\n", "é\n🙂\nx"])
    func linesAreCutAtEveryLineFeed(text: String) {
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(AnswerParser.lines(text) == expected)
    }

    @Test(
        arguments: [
            ("1. Open de app", true, 1, "Open de app"), ("12)  Kies  ", true, 12, "Kies"), ("3.", true, 3, ""),
            ("1.5 kg", true, 1, "5 kg"), ("- Een punt", false, nil, "Een punt"), ("*  Nog een", false, nil, "Nog een"),
            ("１. Breed", true, nil, "Breed"),
        ] as [(String, Bool, Int?, String)])
    func listItemsAreRead(line: String, numbered: Bool, number: Int?, text: String) throws {
        let item = try #require(AnswerParser.listItem(line, numbered: numbered))
        #expect(item.number == number)
        #expect(item.text == text)
    }

    @Test(
        arguments: [
            ("Open de app", true), ("a. Open", true), ("1 Open", true), ("x", true), ("", true), ("-Geen", false),
            ("1. Open", false), ("é. Open", true), ("a\u{301}. Open", true), ("- \u{301}Open", false),
            ("1.\u{301} Open", true), ("12", true), ("-", false),
        ] as [(String, Bool)])
    func otherLinesAreNoListItems(line: String, numbered: Bool) {
        #expect(AnswerParser.listItem(line, numbered: numbered) == nil)
    }

    @Test(arguments: [
        ("abc", "abc"), ("  abc", "abc"), ("abc \t", "abc"), ("\r a b \r", "a b"), ("", ""), ("   ", ""),
        ("é ", "é"), (" 🙂", "🙂"),
    ])
    func spacesAreTrimmedAtBothEnds(text: String, expected: String) {
        #expect(text.trimmingSpaces() == expected)
    }
}
