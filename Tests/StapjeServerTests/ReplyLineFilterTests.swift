import NIOCore
import NIOEmbedded
import Testing

@testable import StapjeServer

/// The load generator's line filter: what it passes on, however the bytes are cut into reads.
struct ReplyLineFilterTests {
    /// The lines passed on for `chunks` read one after the other.
    func passed(_ chunks: [String], everyLine: Bool = false) throws -> [String] {
        let channel = EmbeddedChannel(handler: ReplyLineFilter(everyLine: everyLine))
        var lines: [String] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(string: chunk))
            while let line = try channel.readInbound(as: ByteBuffer.self) {
                lines.append(String(buffer: line))
            }
        }
        _ = try channel.finish()
        return lines
    }

    static let answer =
        "210-Online solliciteren\n210-Stap 1 van 7\n210-1. Open de vacature.\n"
        + "210 ANSWER kind=answer topic=jobs.apply-online step=1/7 lang=nl region=VL\n"

    @Test func onlyTheFinalLineOfAReplyIsPassedOn() throws {
        #expect(
            try passed([Self.answer]) == ["210 ANSWER kind=answer topic=jobs.apply-online step=1/7 lang=nl region=VL"])
    }

    @Test func theEventThatEndsASessionIsPassedOnAndOtherEventsAreNot() throws {
        let reply = "230-Tot ziens!\n230 BYE\n* 621 SESSION-ENDED reason=goodbye\n* 614 HANDOFF-REQUESTED topic=none\n"
        #expect(try passed([reply]) == ["230 BYE", "* 621 SESSION-ENDED reason=goodbye"])
    }

    /// Every way of cutting the same bytes into two or three reads gives the same lines as one read.
    @Test func linesCutAcrossReadsComeOutWhole() throws {
        let bytes = Array((Self.answer + "@t7 250 PONG\n" + "502 UNKNOWN-COMMAND try HELP\n").utf8)
        let whole = try passed([String(decoding: bytes, as: UTF8.self)])
        #expect(whole.count == 3)
        for first in 1..<bytes.count {
            let second = min(bytes.count, first + 7)
            let chunks = [bytes[..<first], bytes[first..<second], bytes[second...]].map {
                String(decoding: $0, as: UTF8.self)
            }
            #expect(try passed(chunks) == whole, "cut at \(first) and \(second)")
        }
    }

    @Test func aLineWithoutItsEndIsHeldBack() throws {
        #expect(try passed(["210-Stap 1\n210 ANS"]) == [])
        #expect(try passed(["210-Stap 1\n210 ANS", "WER\n"]) == ["210 ANSWER"])
    }

    @Test func theEchoServersLinesAllPassOn() throws {
        #expect(
            try passed(["ASK een\nASK twee\nAS", "K drie\n"], everyLine: true) == ["ASK een", "ASK twee", "ASK drie"])
    }
}
