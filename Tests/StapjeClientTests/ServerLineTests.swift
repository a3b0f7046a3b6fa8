import Foundation
import StapjeClient
import Testing

/// The reply and event parser, on the lines docs/PROTOCOL.md shows.
struct ServerLineTests {
    static let protocolDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/PROTOCOL.md")

    @Test func aFinalLineHasCodeKeywordParametersAndText() throws {
        let line = try ServerLine.parse("242 RELAYED ticket=1 your helper reads this")
        #expect(
            line
                == .final(
                    ServerReply(
                        code: 242, keyword: "RELAYED", parameters: [Parameter("ticket", "1")],
                        text: "your helper reads this")))
    }

    @Test func aTaggedReplyKeepsItsTag() throws {
        var reader = ReplyReader()
        #expect(try reader.read("@q1 213-All steps") == nil)
        #expect(try reader.read("@q1 213-  1. Open the app") == nil)
        #expect(reader.isInsideReply)
        let item = try reader.read("@q1 213 STEP kind=step topic=email.create step=1/5 options=2 lang=en region=VL")
        guard case .reply(let reply) = item else {
            Issue.record("no reply: \(String(describing: item))")
            return
        }
        #expect(reply.tag == "q1")
        #expect(reply.code == 213)
        #expect(reply.keyword == "STEP")
        #expect(reply.lines == ["All steps", "  1. Open the app"])
        #expect(reply["topic"] == "email.create")
        #expect(reply.number("options") == 2)
        #expect(reply.text == nil)
        #expect(reply.outcome == .done)
        #expect(!reader.isInsideReply)
    }

    @Test(
        arguments: [
            ("* 614 HANDOFF-REQUESTED seq=1 topic=email.create durable=yes ticket=1", 614, 1, "ticket", "1", nil),
            ("* 615 HELPER seq=4 ticket=1 helper=An Hallo, ik ben An", 615, 4, "helper", "An", "Hallo, ik ben An"),
            ("* 602 STARTER seq=8 ticket=1 ik vind de knop niet", 602, 8, "ticket", "1", "ik vind de knop niet"),
            (
                "* 612 HANDOFF-ENDED seq=5 state=resolved ticket=1 Graag gedaan! Heb je nog een vraag?", 612, 5,
                "state",
                "resolved", "Graag gedaan! Heb je nog een vraag?"
            ),
            ("* 613 HANDOFF-QUEUED seq=6 ticket=3 ahead=0", 613, 6, "ahead", "0", nil),
            (
                "* 601 TICKET seq=12 ticket=3 state=queued cause=enqueued lang=nl region=VL topic=none", 601, 12,
                "cause",
                "enqueued", nil
            ),
        ] as [(String, Int, Int, String, String, String?)])
    func eventsFromTheDocument(
        line: String, code: Int, sequence: Int, key: String, value: String, text: String?
    ) throws {
        guard case .event(let event) = try ServerLine.parse(line) else {
            Issue.record("not an event: \(line)")
            return
        }
        #expect(event.code == code)
        #expect(event.sequence == sequence)
        #expect(event[key] == value)
        #expect(event["seq"] == nil)
        #expect(event.text == text)
    }

    @Test func typedTextThatLooksLikeParametersStaysText() throws {
        guard case .event(let helper) = try ServerLine.parse("* 615 HELPER seq=2 ticket=1 helper=An pin=1234 is wrong")
        else {
            Issue.record("not an event")
            return
        }
        #expect(helper.parameters == [Parameter("ticket", "1"), Parameter("helper", "An")])
        #expect(helper.text == "pin=1234 is wrong")
        guard case .event(let starter) = try ServerLine.parse("* 602 STARTER seq=9 ticket=2 a=b") else {
            Issue.record("not an event")
            return
        }
        #expect(starter.text == "a=b")
        // As the server writes them now: after a lone `:`, on any line.
        guard
            case .event(let marked) = try ServerLine.parse("* 615 HELPER seq=3 ticket=1 helper=An : pin=1234 is wrong")
        else {
            Issue.record("not an event")
            return
        }
        #expect(marked.parameters == [Parameter("ticket", "1"), Parameter("helper", "An")])
        #expect(marked.text == "pin=1234 is wrong")
        guard case .final(let reply) = try ServerLine.parse("250 SAID ticket=1 : : smile") else {
            Issue.record("not a final line")
            return
        }
        #expect(reply.parameters == [Parameter("ticket", "1")] && reply.text == ": smile")
    }

    @Test func refusalsCarryTheirParameters() throws {
        let line = try ServerLine.parse("454 AUTH-LIMITED retry-after=42 too many failed sign-ins")
        guard case .final(let reply) = line else {
            Issue.record("not a final line")
            return
        }
        #expect(reply.number("retry-after") == 42)
        #expect(reply.outcome == .tryLater)
        #expect(!reply.isSuccess)
        #expect(reply.text == "too many failed sign-ins")
    }

    @Test(arguments: [
        "hello there", "21 SHORT", "2100 ANSWER", "210 answer lowercase", "210", "@tagonly", "* 210 X seq=1",
        "* 614 HANDOFF-REQUESTED topic=a seq=1", "* 614", "{\"code\":250}", "700 WHAT",
    ])
    func linesThatAreNotTheProtocol(line: String) {
        #expect(throws: ProtocolViolation.self) { try ServerLine.parse(line) }
    }

    @Test func aReplyWhoseLinesDisagreeIsAViolation() throws {
        var reader = ReplyReader()
        _ = try reader.read("210-Title")
        #expect(throws: ProtocolViolation.self) { try reader.read("211 FALLBACK kind=fallback") }
        var tagged = ReplyReader()
        _ = try tagged.read("@a 250-1 queued wait=3")
        #expect(throws: ProtocolViolation.self) { try tagged.read("@b 250 QUEUE open=1") }
    }

    /// Every `S:` line of the document's text-mode examples parses, and they add up to replies and events.
    @Test func everyServerLineOfTheDocumentParses() throws {
        let document = try String(contentsOf: Self.protocolDocument, encoding: .utf8)
        var reader = ReplyReader()
        var replies: [ServerReply] = []
        var events: [ServerEvent] = []
        var inBlock = false
        for raw in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if raw.hasPrefix("```") {
                inBlock.toggle()
                reader = ReplyReader()
                continue
            }
            guard inBlock, raw.hasPrefix("S: ") else { continue }
            let line = String(raw.dropFirst(3))
            // `…` stands for left-out text or lines; JSON belongs to JSON mode.
            if line == "…" || line.hasPrefix("{") { continue }
            switch try reader.read(line.replacingOccurrences(of: "…", with: "x")) {
            case .reply(let reply): replies.append(reply)
            case .event(let event): events.append(event)
            case nil: break
            }
        }
        #expect(replies.count >= 25)
        #expect(events.count >= 8)
        #expect(replies.contains { $0.code == 240 && $0.keyword == "QUEUED" && $0.number("ticket") == 1 })
        #expect(replies.contains { $0.keyword == "TAKEN" && $0.lines.contains("reason: asked for a person") })
        #expect(events.contains { $0.code == 615 && $0.text == "Hallo, ik ben An" && $0["helper"] == "An" })
        #expect(events.contains { $0.code == 602 && $0.text == "ik vind de knop niet" })
        #expect(replies.contains { $0.code == 221 && $0.keyword == "BYE" && $0.text == "goodbye" })
    }
}
