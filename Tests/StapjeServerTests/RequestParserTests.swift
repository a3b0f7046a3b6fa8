import Testing

@testable import StapjeServer

/// The line parser on its own: every command, and the lines it must refuse.
struct RequestParserTests {
    let parser = RequestParser(maximumQuestionLength: 1000)

    func parse(_ text: String) -> RequestParser.Outcome {
        parser.parse(Array(text.utf8))
    }

    static let wellFormed: [(String, Command, String?)] = [
        ("HELLO", .hello(client: nil, version: nil, format: nil), nil),
        ("hello kiosk-3 STAPJE/1 format=JSON", .hello(client: "kiosk-3", version: "STAPJE/1", format: "json"), nil),
        ("CAPA", .capa, nil),
        ("help ask", .help(verb: "ASK"), nil),
        (
            "NEW lang=fr region=BXL channel=kiosk site=bib-1",
            .new(.init(lang: "fr", region: "BXL", channel: "kiosk", site: "bib-1")), nil
        ),
        ("RESUME ABCD-EFGH-JKLM-NPQR since=4", .resume(token: "ABCD-EFGH-JKLM-NPQR", since: 4), nil),
        ("RESUME abcd-efgh-jklm-npqr", .resume(token: "ABCD-EFGH-JKLM-NPQR", since: nil), nil),
        ("LANG nl", .lang("nl"), nil),
        ("REGION wal", .region("wal"), nil),
        ("ASK  hoe maak ik een e-mailadres?  ", .ask("hoe maak ik een e-mailadres?"), nil),
        ("@q7 ask comment créer\tun mot de passe", .ask("comment créer\tun mot de passe"), "q7"),
        ("NEXT", .navigate(.next), nil),
        ("back", .navigate(.back), nil),
        ("Repeat", .navigate(.repeat), nil),
        ("ALL", .navigate(.all), nil),
        ("RESTART", .navigate(.restart), nil),
        ("FOLLOW 2", .follow(2), nil),
        ("HUMAN ik snap stap 2 niet", .human, nil),
        ("CANCEL", .cancel, nil),
        ("STATUS", .status, nil),
        ("END", .end, nil),
        ("@p.1 PING hello", .ping("hello"), "p.1"),
        ("QUIT", .quit, nil),
        ("STATS", .stats, nil),
        (#"{"cmd":"ask","text":"wifi werkt niet","tag":"j1"}"#, .ask("wifi werkt niet"), "j1"),
        (#"{"cmd":"new","lang":"en","site":"lille-2"}"#, .new(.init(lang: "en", site: "lille-2")), nil),
        (#"{"cmd":"follow","n":3}"#, .follow(3), nil),
        (
            #"{"cmd":"resume","token":"ABCD-EFGH-JKLM-NPQR","since":0}"#,
            .resume(token: "ABCD-EFGH-JKLM-NPQR", since: 0), nil
        ),
        (#"{"cmd":"hello","format":"json","unknown":[1,2]}"#, .hello(client: nil, version: nil, format: "json"), nil),
        ("AUTH stapje_abc-DEF_12", .auth("stapje_abc-DEF_12"), nil),
        ("QUEUE", .queue, nil),
        ("WATCH", .watch, nil),
        ("TAKE 17", .take(17), nil),
        ("SAY 17  Hallo, ik ben An ", .say(17, "Hallo, ik ben An"), nil),
        ("TRANSCRIPT 17", .transcript(17), nil),
        ("RELEASE 17", .release(17), nil),
        ("RESOLVE 17", .resolve(17), nil),
        (#"{"cmd":"auth","token":"stapje_abc-DEF_12","tag":"a1"}"#, .auth("stapje_abc-DEF_12"), "a1"),
        (#"{"cmd":"queue"}"#, .queue, nil),
        (#"{"cmd":"watch"}"#, .watch, nil),
        (#"{"cmd":"take","ticket":17}"#, .take(17), nil),
        (#"{"cmd":"say","ticket":17,"text":" Hallo, ik ben An"}"#, .say(17, "Hallo, ik ben An"), nil),
        (#"{"cmd":"transcript","ticket":17}"#, .transcript(17), nil),
        (#"{"cmd":"release","ticket":17}"#, .release(17), nil),
        (#"{"cmd":"resolve","ticket":17,"tag":"r9"}"#, .resolve(17), "r9"),
    ]

    @Test(arguments: wellFormed)
    func wellFormedLines(line: String, command: Command, tag: String?) {
        #expect(parse(line) == .request(Request(tag: tag, command: command)))
    }

    static let refused: [(String, Int)] = [
        ("FOO", 500),
        ("АSK cyrillic A", 500),
        ("VERYLONGVERBNAMEXX", 500),
        ("NEXT please", 501),
        ("FOLLOW 0", 501),
        ("FOLLOW -1", 501),
        ("FOLLOW abc", 501),
        ("FOLLOW 99999999999999999999", 501),
        ("FOLLOW", 501),
        ("ASK", 501),
        ("ASK " + String(repeating: "a", count: 1001), 501),
        ("LANG", 501),
        ("LANG nl fr", 501),
        ("NEW lang", 501),
        ("NEW colour=red", 501),
        ("NEW lang=nl lang=fr", 501),
        ("NEW site=<script>", 501),
        ("RESUME", 501),
        ("RESUME tok since=x", 501),
        ("PING a b", 501),
        ("PING <b>", 501),
        ("@" + String(repeating: "t", count: 65) + " PING", 501),
        ("@bad/tag PING", 501),
        ("@tag", 501),
        ("HELLO a b", 501),
        ("HELLO format=text format=json", 501),
        ("{", 501),
        (#"{"cmd":"ask"}"#, 501),
        (#"{"cmd":"ask","text":"hi\r\n250 OK"}"#, 501),
        (#"{"cmd":"ask","text":12}"#, 501),
        (#"{"cmd":"frobnicate"}"#, 500),
        (#"{"cmd":"lang","lang":"nl fr"}"#, 501),
        ("TAKE", 501),
        ("TAKE 0", 501),
        ("TAKE 17 18", 501),
        ("SAY 17", 501),
        ("AUTH a b", 501),
        (#"{"cmd":"auth"}"#, 501),
        (#"{"cmd":"auth","token":"has space"}"#, 501),
        (#"{"cmd":"take"}"#, 501),
        (#"{"cmd":"take","ticket":0}"#, 501),
        (#"{"cmd":"take","ticket":"17"}"#, 501),
        (#"{"cmd":"resolve","n":17}"#, 501),
        (#"{"cmd":"say","ticket":17}"#, 501),
        (#"{"cmd":"say","ticket":17,"text":"  "}"#, 501),
        (#"{"cmd":"say","ticket":17,"text":"hi\r\n250 OK"}"#, 501),
        ("[[[[[[[[[[", 500),
    ]

    @Test(arguments: refused)
    func refusedLines(line: String, code: Int) {
        guard case .refused(let error) = parse(line) else {
            Issue.record("\(line) was not refused")
            return
        }
        #expect(error.code == code)
    }

    /// A JSON field of the wrong type is named, and the tag comes back with the refusal.
    @Test(arguments: [
        (#"{"cmd":"take","ticket":"1","tag":"t1"}"#, #""ticket" must be a whole number"#),
        (#"{"cmd":"follow","n":"1","tag":"t1"}"#, #""n" must be a whole number"#),
        (#"{"cmd":"ask","text":5,"tag":"t1"}"#, #""text" must be a string"#),
        (#"{"cmd":"resume","token":"ABCD-EFGH-JKLM-NPQR","since":"3","tag":"t1"}"#, #""since" must be a whole number"#),
        (#"{"tag":"t1"}"#, #"needs "cmd""#),
    ])
    func aJSONFieldOfTheWrongTypeIsNamed(line: String, message: String) {
        expectRefusalNamingTheField(line, message)
    }

    /// `line` is refused with 501, its tag `t1` and a message holding `message`.
    func expectRefusalNamingTheField(_ line: String, _ message: String) {
        guard case .refused(let error) = parse(line) else {
            Issue.record("\(line) was not refused")
            return
        }
        #expect(error.code == 501)
        #expect(error.tag == "t1")
        #expect(error.message.contains(message), "\(error.message)")
    }

    /// A field given twice is refused: which of the two values is meant cannot be known (a gateway in front could
    /// have read the other one). Names written with escapes count as the names they decode to; a repeated name
    /// inside a value is no repeated field.
    @Test(arguments: [
        (#"{"cmd":"ping","cmd":"quit","tag":"t1"}"#, #""cmd" is given twice"#),
        (#"{"tag":"t1","cmd":"ask","text":"a","text":"b"}"#, #""text" is given twice"#),
        (#"{"tag":"t1","cmd":"ask","text":"a","\u0074ext":"b"}"#, #""text" is given twice"#),
        (#"{"tag":"t1", "cmd" : "ask", "x":1, "x" :[1]}"#, #""x" is given twice"#),
    ])
    func aJSONFieldGivenTwiceIsRefused(line: String, message: String) {
        expectRefusalNamingTheField(line, message)
    }

    @Test(arguments: [
        #"{"cmd":"ask","text":"cmd, \"cmd\": cmd","tag":"t1"}"#,
        #"{"cmd":"ask","text":"x","extra":{"cmd":"ping","cmd":1},"list":[{"a":1},{"a":2}]}"#,
        #"{"cmd":"ask","text":"{\"cmd\":1,\"cmd\":2}"}"#,
    ])
    func aNameRepeatedInsideAValueIsNoRepeatedField(line: String) {
        guard case .request(let request) = parse(line) else {
            Issue.record("\(line) was refused")
            return
        }
        #expect(request.command.verb == "ASK")
    }

    @Test func aRepeatedTagIsRefusedWithoutATag() {
        guard case .refused(let error) = parse(#"{"cmd":"ping","tag":"a","tag":"b"}"#) else {
            Issue.record("not refused")
            return
        }
        #expect(error.code == 501)
        #expect(error.tag == nil)
    }

    static let badBytes: [[UInt8]] = [
        Array("PI".utf8) + [0x00] + Array("NG".utf8),  // NUL
        [0xFF, 0xF4, 0xFF, 0xFD, 0x06],  // telnet IAC IP, IAC DO TIMING-MARK
        Array("ASK ".utf8) + [0x1B] + Array("[2J".utf8),  // ANSI escape
        Array("PING a".utf8) + [0x0D] + Array("b".utf8),  // a CR inside the line
        Array("ASK ".utf8) + [0xC3, 0x28],  // invalid continuation
        Array("ASK ".utf8) + [0xC0, 0xAF],  // overlong '/'
        Array("ASK ".utf8) + [0xED, 0xA0, 0x80],  // encoded surrogate
        Array("ASK ".utf8) + [0x80],  // lone continuation byte
        Array("ASK caf".utf8) + [0xC3],  // truncated at the end
        Array("ASK ".utf8) + [0xC2, 0x85],  // U+0085 NEXT LINE
        Array("ASK a".utf8) + [0xE2, 0x80, 0xA8] + Array("b".utf8),  // U+2028 LINE SEPARATOR
        [0x7F],  // DEL
    ]

    @Test(arguments: badBytes)
    func badBytesAreRefusedWith501(bytes: [UInt8]) {
        guard case .refused(let error) = parser.parse(bytes) else {
            Issue.record("\(bytes) was not refused")
            return
        }
        #expect(error.code == 501)
        #expect(error.tag == nil)
    }

    @Test func blankLinesAreIgnored() {
        #expect(parse("") == .blank)
        #expect(parse(" \t ") == .blank)
    }

    @Test func errorsKeepAValidTag() {
        guard case .refused(let error) = parse("@t9 FROB") else {
            Issue.record("FROB was not refused")
            return
        }
        #expect(error.tag == "t9")
        #expect(error.code == 500)
    }

    @Test func errorMessagesNeverRepeatFreeText() {
        for line in ["ASK " + String(repeating: "x", count: 1001), "NEW site=<script>", "PING <b>", "ZZZ <evil>"] {
            guard case .refused(let error) = parse(line) else { continue }
            #expect(!error.message.contains("<"))
            #expect(!error.message.contains("xxxx"))
        }
    }
}

/// The encoder: nothing from content or clients can break a line or forge one.
struct WireEncoderTests {
    @Test func textLinesLoseControlCharacters() {
        var response = Response(code: 210, keyword: "ANSWER", message: "a\r\n* 621 SESSION-RESET")
        response.lines = ["one\ntwo", "tab\there\u{85}x\u{2028}y"]
        let text = WireEncoder(format: .text).encodedText(response, tag: "t1")
        #expect(
            text == "@t1 210-one\n@t1 210-two\n@t1 210-tab here x y\n@t1 210 ANSWER a  * 621 SESSION-RESET\n")
    }

    /// Accents, typographic quotes and arrows (bytes C2, C3 and E2 that start no break) pass untouched; the
    /// breaks hidden among them do not.
    @Test(arguments: [
        ("Klik op ‘Verlengen’ → klaar… à bientôt", "Klik op ‘Verlengen’ → klaar… à bientôt"),
        ("prix : 5 € · 10 €", "prix : 5 € · 10 €"),
        ("a\u{85}b", "a b"), ("a\u{9F}b", "a b"), ("a\u{2028}b\u{2029}c", "a b c"), ("é\u{7F}", "é "),
        ("‘\u{2028}’", "‘ ’"),
    ])
    func cleanKeepsTextAndDropsBreaks(input: String, expected: String) {
        var output = ""
        WireEncoder.appendClean(input[...], to: &output)
        #expect(output == expected)
    }

    /// A text that looks like parameters comes after a lone `:`, so no client takes it for more of them.
    @Test(arguments: [
        ("ticket=99 helper=Mallory seq=1 hello", " : ticket=99 helper=Mallory seq=1 hello"),
        (": hello", " : : hello"), (":", " : :"), ("a=b", " : a=b"),
        ("hello ticket=99", " hello ticket=99"), (":-) fine", " :-) fine"), ("prix : 5 €", " prix : 5 €"),
    ])
    func textThatLooksLikeParametersIsMarked(message: String, expected: String) {
        let event = WireEvent(
            code: 615, keyword: "HELPER", sequence: 3, parameters: [.init("ticket", 7)], message: message)
        let response = Response(code: 250, keyword: "SAID", parameters: [.init("ticket", 7)], message: message)
        var withEvent = response
        withEvent.events = [event]
        let text = WireEncoder(format: .text).encodedText(withEvent, tag: nil)
        #expect(text == "250 SAID ticket=7\(expected)\n* 615 HELPER seq=3 ticket=7\(expected)\n")
    }

    @Test func parameterValuesStayOneWord() {
        let response = Response(code: 250, keyword: "STATUS", parameters: [.init("site", "a b\nc=d")])
        #expect(WireEncoder(format: .text).encodedText(response, tag: nil) == "250 STATUS site=a_b_c_d\n")
    }

    @Test func jsonEscapesEverything() throws {
        var response = Response(code: 212, keyword: "CHAT", parameters: [.init("n", 3)], message: "q\"\\\u{1}")
        response.lines = ["x\u{2028}y"]
        response.events = [WireEvent(code: 614, keyword: "HANDOFF-REQUESTED", sequence: 2)]
        let text = WireEncoder(format: .json).encodedText(response, tag: "j")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"tag":"j","code":212,"kw":"CHAT","n":3,"text":"q\"\\\u0001","lines":["x\u2028y"]}"#)
        #expect(lines[1] == #"{"event":614,"kw":"HANDOFF-REQUESTED","seq":2}"#)
    }
}
