import Foundation
import NIOCore
import Testing

@testable import StapjeServer

/// Bad bytes, bad clients and too many of them, over a real socket.
@Suite(.timeLimit(.minutes(2)))
struct HostileInputTests {
    @Test func aLineOfExactlyTheLimitIsRead() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            let line = "PING x" + String(repeating: " ", count: 2048 - 6)
            try await client.send(line + "\r\n")
            #expect(try await client.readReply() == ["250 PONG x"])
        }
    }

    /// What the client reads after an over-long line until the server closes: the `552` alone.
    static func expectOnlyLineTooLong(_ client: TestClient) async throws {
        let rest = try await client.readUntilClosed()
        #expect(rest.count == 1)
        #expect(rest.first?.hasPrefix("552 LINE-TOO-LONG") == true)
    }

    /// An over-long line gets 552 and the close with its newline and more lines after it, and also when it is one
    /// byte over the limit with no newline and the client waits: it cannot end within the limit any more, so it
    /// is refused at once (that one had waited for more bytes, or the idle time, with no answer).
    @Test(arguments: ["\nPING b\n", ""])
    func anOverlongLineGets552AndIsClosed(after: String) async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("PING a\n" + String(repeating: "A", count: 2049) + after)
            #expect(try await client.readReply() == ["250 PONG a"])
            try await Self.expectOnlyLineTooLong(client)
        }
    }

    @Test func anEndlessLineWithoutNewlineGets552AndIsClosed() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            let chunk = String(repeating: "B", count: 1000)
            for _ in 0..<5 { try? await client.send(chunk) }
            try await Self.expectOnlyLineTooLong(client)
        }
    }

    /// A line of exactly the limit whose CR arrived without its LF is still a line: it is answered once the LF comes.
    @Test func aLineOfTheLimitWaitingForItsNewlineAfterTheCRIsRead() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("PING x" + String(repeating: " ", count: 2048 - 6) + "\r")
            try await Task.sleep(for: .milliseconds(100))
            try await client.send("\nPING y\n")
            #expect(try await client.readReply() == ["250 PONG x"])
            #expect(try await client.readReply() == ["250 PONG y"])
        }
    }

    @Test(arguments: [
        ("", false), ("AB", false), ("ABCD", false), ("ABCD\r", false), ("ABCDE", true), ("ABC\r\r", false),
        ("ABCD\rX", true),
    ])
    func anUnfinishedLineIsRefusedOnceItCannotEndWithinTheLimit(bytes: String, refused: Bool) {
        #expect(LineFraming.cannotEnd(unfinished: ByteBuffer(string: bytes), maximumLineLength: 4) == refused)
    }

    @Test func aLineSplitAcrossManyPacketsIsReadWhole() async throws {
        try await withServer { server in
            let client = try await server.connect()
            _ = try await client.readReply()
            for byte in "HELLO drip STAPJE/1\r\nPING drip\n".utf8 {
                try await client.send(bytes: [byte])
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(try await client.readReply().last?.hasPrefix("250 HELLO") == true)
            #expect(try await client.readReply() == ["250 PONG drip"])
            // "é" split between two writes is still valid UTF-8 (ASK without a session: 503, not 501).
            try await client.send(bytes: Array("ASK caf".utf8) + [0xC3])
            try await Task.sleep(for: .milliseconds(20))
            try await client.send(bytes: [0xA9, 0x0A])
            #expect(try await client.readReply().first?.hasPrefix("503 BAD-SEQUENCE") == true)
        }
    }

    @Test func badBytesGet501AndTheConnectionStays() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            let lines: [[UInt8]] = [
                Array("ASK ".utf8) + [0xC3, 0x28],
                Array("ASK ".utf8) + [0xC0, 0xAF],
                Array("PI".utf8) + [0x00] + Array("NG".utf8),
                [0xFF, 0xF4, 0xFF, 0xFD, 0x06],
                Array("ASK ".utf8) + [0x1B] + Array("[2J".utf8),
            ]
            for line in lines {
                try await client.send(bytes: line + [0x0A])
                let reply = try await client.readReply()
                #expect(reply.count == 1)
                #expect(reply.first?.hasPrefix("501 SYNTAX") == true, "\(line): \(reply)")
            }
            try await client.send("PING still-here\n")
            #expect(try await client.readReply() == ["250 PONG still-here"])
        }
    }

    @Test func replyInjectionIsImpossible() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("NEW\n")
            _ = try await client.readReply()
            try await client.send(#"{"cmd":"ask","text":"hallo\r\n* 621 SESSION-RESET seq=9"}"# + "\n")
            #expect(try await client.readReply().first?.hasPrefix("501 SYNTAX") == true)
            try await client.send("ASK wifi\\r\\n250 OK\n")
            let reply = try await client.readReply()
            let code = try #require(reply.last?.prefix(3))
            #expect(reply.allSatisfy { $0.hasPrefix(code) })
            try await client.send("PING next\n")
            #expect(try await client.readReply() == ["250 PONG next"])
        }
    }

    @Test(arguments: [
        Array("GET / HTTP/1.1\r\nHost: localhost:4242\r\n\r\n".utf8),
        Array("POST /api HTTP/1.0\r\n\r\n".utf8),
        [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, 0x0A, 0x0A],
    ])
    func httpAndTLSOpenersAreClosedQuietly(opener: [UInt8]) async throws {
        try await withServer { server in
            let client = try await server.connect()
            #expect(try await client.readReply().first?.hasPrefix("200 READY") == true)
            try await client.send(bytes: opener)
            #expect(try await client.readUntilClosed().isEmpty)
            #expect(try await server.stats()["foreign"] == 1)
        }
    }

    @Test func aClientThatSendsNothingIsClosedAtTheHelloDeadline() async throws {
        // Three seconds: with one, a test process starved by the other suites (a 27-second run of this test) once
        // sent the greeted client's HELLO after the deadline, and that client was rightly closed too.
        try await withServer({ $0.helloTimeout = .seconds(3) }) { server in
            let silent = try await server.connect()
            let greeted = try await server.connect()
            try await greeted.send("HELLO quick STAPJE/1\n")
            let lines = try await silent.readUntilClosed()
            #expect(lines.count == 2)
            #expect(lines.last == "421 CLOSING reason=hello-timeout closing the connection")
            try await greeted.send("PING after\n")
            let replies = [try await greeted.readReply(), try await greeted.readReply(), try await greeted.readReply()]
            #expect(replies.last == ["250 PONG after"])
            #expect(try await server.stats()["timeouts"] == 1)
        }
    }

    @Test func anIdleConnectionIsClosedButNeverWithARepliesOwed() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { server in
            // Ten questions at once keep the server busy for longer than the idle timeout in a debug build:
            // all ten answers still come, then the idle close.
            let questions = String(repeating: "ASK hoe maak ik een e-mailadres\n", count: 10)
            let client = try await server.connect(sending: "HELLO idle STAPJE/1\nNEW lang=nl\n" + questions)
            for _ in 0..<3 { _ = try await client.readReply() }
            for _ in 0..<10 { #expect(try await client.readReply().last?.hasPrefix("21") == true) }
            let rest = try await client.readUntilClosed()
            #expect(rest == ["421 CLOSING reason=idle closing the connection"])
        }
    }

    /// A person told to stay while a helper is asked for may be silent for longer than the idle timeout: the
    /// connection stays open until the wait ends, then silence closes it as usual.
    @Test func aConnectionWaitingForAHelperIsNotClosedForSilence() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { server in
            // HUMAN with the opening lines: silence before it would rightly be closed.
            let client = try await server.connect(sending: "HELLO waiting STAPJE/1\nNEW lang=nl\nHUMAN\n")
            for _ in 0..<3 { _ = try await client.readReply() }
            #expect(try await client.readReply().last?.hasPrefix("241 HANDOFF ") == true)
            #expect(try await client.readLine()?.hasPrefix("* 614 HANDOFF-REQUESTED ") == true)
            try await Task.sleep(for: .milliseconds(1_200))
            try await client.send("PING still-here\n")
            #expect(try await client.readReply() == ["250 PONG still-here"])
            try await client.send("CANCEL\n")
            #expect(try await client.readReply().last?.hasPrefix("250 CANCELLED") == true)
            let rest = try await client.readUntilClosed()
            #expect(rest.last == "421 CLOSING reason=idle closing the connection", "\(rest)")
        }
    }

    @Test(.serialized, arguments: [Deadline.hello, .idle])
    func aLineWaitingWhileItsLoopIsBusyMeetsItsDeadline(deadline: Deadline) async throws {
        // One event loop for every connection. While it answers 40 connections' pipelined questions (in a debug build,
        // for longer than the deadline) it reads no socket, so another connection's line, sent well before its
        // HELLO deadline or idle timeout, waits unread until that has passed. It was in time, so it must be answered.
        // On a machine so loaded that this process itself sends the line late, the server is right to close and the
        // attempt proves nothing: it is run again, up to three times.
        for _ in 0..<3 {
            if let answered = try await Self.lineWhileTheLoopIsBusy(deadline) {
                #expect(answered)
                return
            }
        }
    }

    enum Deadline: Sendable, CustomStringConvertible {
        /// A connection that has not said HELLO yet, and then says it.
        case hello
        /// A greeted connection that has been silent, and then sends PING.
        case idle

        var description: String { self == .hello ? "HELLO deadline" : "idle timeout" }
    }

    /// Whether a line sent in time while the only event loop was busy was answered; nil when the attempt proves
    /// nothing (this process was too slow: the line went out late, or a busy client missed a deadline of its own).
    private static func lineWhileTheLoopIsBusy(_ deadline: Deadline) async throws -> Bool? {
        let limit = Duration.milliseconds(1500)
        let questions = String(repeating: "ASK hoe maak ik een e-mailadres\n", count: 100)
        return try await withServer({
            if deadline == .hello { $0.helloTimeout = limit } else { $0.idleTimeout = limit }
            $0.maximumConnectionsPerAddress = 64
            $0.eventLoops = 1
        }) { server in
            do {
                var busy: [TestClient] = []
                for _ in 0..<40 {
                    let client = try await server.greetedClient()
                    try await client.send("NEW lang=nl\n")
                    guard try await client.readReply().last?.hasPrefix("2") == true else { return nil }
                    busy.append(client)
                }
                let late = deadline == .hello ? try await server.connect() : try await server.greetedClient()
                let silentSince = ContinuousClock.now
                if deadline == .hello { _ = try await late.readReply() }
                for client in busy { try await client.send(questions) }
                try await Task.sleep(for: .milliseconds(300))
                let line = deadline == .hello ? "HELLO late STAPJE/1\n" : "PING late\n"
                let sent = (try? await late.send(line)) != nil
                guard sent, ContinuousClock.now - silentSince < limit - .milliseconds(300) else { return nil }
                let expected = deadline == .hello ? "250 HELLO" : "250 PONG"
                let answered = (try? await late.readReply().last?.hasPrefix(expected)) == true
                for client in busy {
                    for _ in 0..<100 { #expect(try await client.readReply().last?.hasPrefix("21") == true) }
                }
                return answered
            } catch is ChannelError {
                return nil
            }
        }
    }

    @Test func repeatedErrorsCloseTheConnection() async throws {
        try await withServer({ $0.maximumErrors = 3 }) { server in
            let client = try await server.greetedClient()
            try await client.send("FROB\nFROB\nFROB\nPING never\n")
            let lines = try await client.readUntilClosed()
            #expect(lines.count == 4)
            #expect(lines.prefix(3).allSatisfy { $0.hasPrefix("500 UNKNOWN-COMMAND") })
            #expect(lines.last == "421 CLOSING reason=too-many-errors too many errors; closing the connection")
        }
    }

    @Test func tooManyConnectionsGet421AndTheSlotComesBack() async throws {
        try await withServer({ $0.maximumConnections = 2 }) { server in
            let first = try await server.greetedClient()
            let second = try await server.greetedClient()
            let third = try await server.connect()
            let refused = try await third.readUntilClosed()
            #expect(refused == ["421 CLOSING reason=too-many-connections too many connections; try again later"])
            first.close()
            var admitted: [String] = []
            for _ in 0..<100 {
                let next = try await server.connect()
                admitted = try await next.readReply()
                if admitted.first?.hasPrefix("200") == true { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(admitted.first?.hasPrefix("200 READY") == true)
            try await second.send("PING ok\n")
            #expect(try await second.readReply() == ["250 PONG ok"])
        }
    }

    @Test func tooManyConnectionsFromOneAddressGet421() async throws {
        try await withServer({ $0.maximumConnectionsPerAddress = 1 }) { server in
            let first = try await server.greetedClient()
            let second = try await server.connect()
            #expect(
                try await second.readUntilClosed().first?.contains("reason=too-many-connections-from-address") == true)
            try await first.send("PING ok\n")
            #expect(try await first.readReply() == ["250 PONG ok"])
        }
    }

    /// Lines the client sent after the one that ends the connection.
    enum LastWord: String, CaseIterable, Sendable {
        case quit, lineTooLong, tooManyErrors
    }

    /// A close with input left unread becomes a reset, which throws away the replies the kernel had not sent yet:
    /// the server reads and drops what follows the last reply and closes with a FIN.
    @Test(arguments: LastWord.allCases)
    func theLastReplyArrivesThoughTheClientSentMore(_ word: LastWord) async throws {
        try await withServer({ $0.maximumErrors = 3 }) { server in
            // A client that reads late: the replies to its first lines still wait in the server's send buffer
            // when the connection ends.
            let client = try await server.connect(autoRead: false, receiveBuffer: 4096)
            let ending: String
            let expected: String
            switch word {
            case .quit:
                ending = "QUIT\n"
                expected = "221 BYE"
            case .lineTooLong:
                ending = String(repeating: "x", count: 3000) + "\n"
                expected = "552 LINE-TOO-LONG"
            case .tooManyErrors:
                ending = "FROB\nFROB\nFROB\n"
                expected = "421 CLOSING reason=too-many-errors"
            }
            let early = 3000
            let flood = String(repeating: "PING more\n", count: 30_000)
            // The server may close before it has all of it; the write then fails, and that is no failure.
            try? await client.send(
                "HELLO late STAPJE/1\n" + String(repeating: "PING first\n", count: early) + ending + flood)
            try await Task.sleep(for: .milliseconds(300))
            try await client.startReading()
            let lines = try await client.readUntilClosed()
            #expect(lines.filter { $0 == "250 PONG first" }.count == early)
            #expect(lines.last?.hasPrefix(expected) == true, "\(lines.suffix(3))")
            #expect(!lines.contains("250 PONG more"))
        }
    }

    @Test func aDrainingServerSaysGoodbyeThoughTheClientKeepsSending() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("PING first\n")
            #expect(try await client.readReply() == ["250 PONG first"])
            let sender = Task {
                // A client that pipelines without pause: input is always waiting when the server closes.
                let burst = String(repeating: "PING more\n", count: 200)
                while (try? await client.send(burst)) != nil { try await Task.sleep(for: .milliseconds(1)) }
            }
            defer { sender.cancel() }
            try await Task.sleep(for: .milliseconds(100))
            await server.group.triggerGracefulShutdown()
            let lines = try await client.readUntilClosed()
            #expect(lines.last == "421 CLOSING reason=shutdown the server is shutting down", "\(lines.suffix(3))")
        }
    }

    @Test func aClientThatNeverReadsIsDroppedAndOthersCarryOn() async throws {
        try await withServer({ $0.maximumUnsentBytes = 32_768 }) { server in
            let sluggard = try await server.connect(autoRead: false, receiveBuffer: 4096)
            let commands = 4000
            try await sluggard.send("HELLO slow STAPJE/1\n" + String(repeating: "HELP\n", count: commands))
            let other = try await server.greetedClient()
            var dropped = 0
            for _ in 0..<300 {
                dropped = try await server.stats()["slow-readers"] ?? 0
                if dropped > 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(dropped == 1)
            try await other.send("PING fine\n")
            #expect(try await other.readReply() == ["250 PONG fine"])
            // The server resets a slow reader, so the client's channel may already be closed
            // (nothing to read) or may deliver what had arrived before the reset.
            try? await sluggard.startReading()
            let received = (try? await sluggard.readUntilClosed(timeout: .seconds(5))) ?? []
            #expect(received.filter { $0 == "214 HELP the protocol is described in docs/PROTOCOL.md" }.count < commands)
        }
    }
}
