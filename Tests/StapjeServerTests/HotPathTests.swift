import StapjeText
import Testing

@testable import StapjeCore
@testable import StapjeServer

/// The shortcuts on the per-question path give the same results as the general code they skip.
struct HotPathTests {
    @Test func textLinesSplitAtEveryLineFeed() {
        var response = Response(code: 210, keyword: "ANSWER")
        response.lines = ["a\n\nb\n", "\nc\r\nd", ""]
        let text = WireEncoder(format: .text).encodedText(response, tag: nil)
        #expect(text == "210-a\n210-\n210-b\n210-\n210-\n210-c \n210-d\n210-\n210 ANSWER\n")
    }

    @Test func aQuestionIsMeasuredInCharactersNotBytes() {
        let parser = RequestParser(maximumQuestionLength: 10)
        guard case .request(let request) = parser.parse(Array("ASK éééééééééé".utf8)) else {
            Issue.record("ten accented letters are ten characters")
            return
        }
        #expect(request.command == .ask("éééééééééé"))
        guard case .refused = parser.parse(Array("ASK ééééééééééé".utf8)) else {
            Issue.record("eleven characters are one too many")
            return
        }
        guard case .refused = parser.parse(Array("ASK a\u{85}b".utf8)) else {
            Issue.record("a C1 control is refused")
            return
        }
    }

    /// The byte scan for line breaks and control characters agrees with the definition on scalars, for random text
    /// mixing the characters whose UTF-8 starts with the same bytes (C2, E2) as the ones it must catch.
    @Test func theBreakScanAgreesWithTheScalars() {
        let pieces = [
            "a", " ", "é", "\u{85}", "\u{9F}", "\u{A0}", "\u{A9}", "\u{2028}", "\u{2029}", "\u{2019}", "→", "…",
            "\u{7F}",
            "\t", "€", "\u{2027}", "\u{202A}", "👍",
        ]
        var generator = SeededGenerator(seed: 11)
        var found = 0
        for _ in 0..<4000 {
            let text = (0..<Int(generator.next() % 6)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            let expected = text.unicodeScalars.contains { scalar in
                let value = scalar.value
                return value < 0x20 || value == 0x7F || (value >= 0x80 && value < 0xA0) || value == 0x2028
                    || value == 0x2029
            }
            if expected { found += 1 }
            #expect(WireEncoder.hasBreak(text[...].utf8) == expected, "\(text.unicodeScalars.map(\.value))")
        }
        #expect(found > 1000 && found < 3000)
    }

    /// The same on longer text (the scan reads eight bytes at a time), mostly plain letters so that many lines hold
    /// nothing, and the parser's test for control characters in a question (a tab is allowed there).
    @Test func theBreakScanAgreesOnLongTextAndAllowsTabsInQuestions() {
        let rare = [
            "é", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{2019}", "→", "\u{7F}", "\t", "\u{1}", "👍",
            "\u{2027}", "\u{C2}",
        ]
        var generator = SeededGenerator(seed: 12)
        var found = (breaks: 0, controls: 0)
        for _ in 0..<6000 {
            let text = (0..<Int(generator.next() % 40)).map { _ in
                generator.next() % 12 == 0 ? rare[Int(generator.next() % UInt64(rare.count))] : "ab c"
            }.joined()
            let isBreak = { (value: UInt32) in
                value < 0x20 || value == 0x7F || (value >= 0x80 && value < 0xA0) || value == 0x2028 || value == 0x2029
            }
            let breaks = text.unicodeScalars.contains { isBreak($0.value) }
            let controls = text.unicodeScalars.contains { $0 != "\t" && isBreak($0.value) }
            found.breaks += breaks ? 1 : 0
            found.controls += controls ? 1 : 0
            #expect(WireEncoder.hasBreak(text[...].utf8) == breaks, "\(text.unicodeScalars.map(\.value))")
            #expect(RequestParser.holdsControl(text[...]) == controls, "\(text.unicodeScalars.map(\.value))")
        }
        #expect(found.breaks > 1000 && found.breaks < 5000 && found.controls < found.breaks)
    }
}
