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
}
