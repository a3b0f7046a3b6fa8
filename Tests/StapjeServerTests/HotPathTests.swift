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
}
