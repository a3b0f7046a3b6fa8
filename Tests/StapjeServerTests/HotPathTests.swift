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

    /// A reply's lines give the same bytes whether they are copied in one write (no line break or control
    /// character in any of them) or split and cleaned line by line: checked against the definition (split at LF,
    /// every other control character a space) on random replies, tagged or not, about half of them plain; and the
    /// final line's parameters, written in one go, as `safeValue` and the numbers' decimal text give them, and an
    /// event's line, written by the same code, likewise.
    @Test func repliesEncodeAsTheDefinitionSays() {
        let pieces = [
            "Stap 1 van 8", " ", "é", "vdab.be", "→", "\n", "\r", "\t", "\u{85}", "\u{2028}", "👍", "\"volgende\"",
        ]
        var generator = SeededGenerator(seed: 20)
        var plain = 0
        for round in 0..<2000 {
            var response = Response(code: 210, keyword: "ANSWER")
            let values = ["jobs.register", "a b", "é", "x=y", "", "GERS-GYAT", "1/8"]
            let numbers = [0, 7, -3, 1_000_000, Int.max, Int.min]
            response.parameters = (0..<Int(generator.next() % 6)).map { index in
                generator.next() % 2 == 0
                    ? .init("k\(index)", values[Int(generator.next() % UInt64(values.count))])
                    : .init("n\(index)", numbers[Int(generator.next() % UInt64(numbers.count))])
            }
            let clean = generator.next() % 2 == 0
            response.lines = (0..<Int(generator.next() % 12)).map { _ in
                (0..<Int(generator.next() % 6)).map { _ in
                    clean ? pieces[Int(generator.next() % 5)] : pieces[Int(generator.next() % UInt64(pieces.count))]
                }.joined()
            }
            let tag = round % 3 == 0 ? "t\(round)" : nil
            let prefix = tag.map { "@\($0) 210" } ?? "210"
            var expected = ""
            for line in response.lines {
                // Split on scalars: "\r\n" is one Character, and its LF still ends a line.
                for part in line.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
                    let cleaned = String(
                        String.UnicodeScalarView(part.map { ControlCharacters.contains($0) ? " " : $0 }))
                    expected += prefix + "-" + cleaned + "\n"
                }
            }
            // A message, and an event after the reply: its line is written as the final line is.
            let message = { () -> String? in
                generator.next() % 3 == 0
                    ? nil
                    : (0..<Int(generator.next() % 4)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            }
            response.message = message()
            let sequence = Int(generator.next() % 20)
            response.events = [
                WireEvent(
                    code: 602, keyword: "STARTER", sequence: sequence, parameters: response.parameters.reversed(),
                    message: message())
            ]
            func line(_ words: String, _ parameters: [Response.Parameter], _ message: String?) -> String {
                var line = words
                for parameter in parameters {
                    switch parameter.value {
                    case .text(let value): line += " \(parameter.key)=\(WireEncoder.safeValue(value))"
                    case .number(let value): line += " \(parameter.key)=\(value)"
                    }
                }
                if let message {
                    let scalars = message.unicodeScalars.map { ControlCharacters.contains($0) ? " " : $0 }
                    line += " " + String(String.UnicodeScalarView(scalars))
                }
                return line + "\n"
            }
            expected += line(prefix + " ANSWER", response.parameters, response.message)
            expected += line("* 602 STARTER seq=\(sequence)", response.events[0].parameters, response.events[0].message)
            if !response.lines.isEmpty
                && WireEncoder.plainLength(response.lines, prefixLength: prefix.utf8.count) != nil
            {
                plain += 1
            }
            #expect(WireEncoder(format: .text).encodedText(response, tag: tag) == expected, "\(response.lines)")
        }
        #expect(plain > 700 && plain < 1300)
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
            #expect(ControlCharacters.found(in: text[...].utf8) == expected, "\(text.unicodeScalars.map(\.value))")
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
            #expect(ControlCharacters.found(in: text[...].utf8) == breaks, "\(text.unicodeScalars.map(\.value))")
            #expect(RequestParser.holdsControl(text[...]) == controls, "\(text.unicodeScalars.map(\.value))")
        }
        #expect(found.breaks > 1000 && found.breaks < 5000 && found.controls < found.breaks)
    }
}
