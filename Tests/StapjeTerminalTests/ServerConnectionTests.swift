import Foundation
import Logging
import StapjeClient
import Testing

/// StapjeClient's connection against a real `stapje serve` process.
@Suite(.timeLimit(.minutes(2)))
struct ServerConnectionTests {
    static let logger = Logger(label: "stapje.client.test") { _ in SwiftLogNoOpLogHandler() }

    @Test func concurrentRequestsGetTheirOwnRepliesAndEventsStream() async throws {
        // The pseudo-terminal tests block the test process's few concurrency threads for a while; the server must
        // not give up on a HELLO that is late because of that.
        let server = try ServeProcess(helpers: [], arguments: ["--hello-timeout", "600"])
        let connection = try await ServerConnection.connect(host: "127.0.0.1", port: server.port, logger: Self.logger)
        #expect(connection.banner.code == 200)
        #expect(connection.banner.keyword == "READY")
        let hello = try await connection.send("HELLO test STAPJE/1")
        #expect(hello.keyword == "HELLO")
        #expect(hello.lines.contains("HANDOFF durable=yes"))

        let words = (0..<25).map { "w\($0)" }
        let pongs = try await withThrowingTaskGroup(of: (String, ServerReply).self) { group in
            for word in words { group.addTask { (word, try await connection.send("PING \(word)")) } }
            var pongs: [String: ServerReply] = [:]
            for try await (word, reply) in group { pongs[word] = reply }
            return pongs
        }
        for word in words { #expect(pongs[word]?.text == word, "the reply to PING \(word)") }

        #expect(try await connection.send("NEW lang=en").code == 220)
        let asked = try await connection.send("ASK how do I make an e-mail address")
        #expect(asked.code == 210)
        #expect(asked["topic"] == "email.create")
        #expect(asked.lines.count > 3)
        let queued = try await connection.send("HUMAN")
        #expect(queued.code == 240)
        #expect(queued.number("ticket") == 1)
        var events = connection.events.makeAsyncIterator()
        let requested = await events.next()
        #expect(requested?.code == 614)
        #expect(requested?["ticket"] == "1")
        #expect(requested?.sequence == 1)

        let refused = try await connection.send("TAKE 1")
        #expect(refused.code == 530)
        #expect(refused.outcome == .refused)

        await #expect(throws: InvalidRequest.self) { try await connection.send("PING a\nQUIT") }
        #expect(try await connection.send("QUIT").code == 221)
        await #expect(throws: ConnectionClosed.self) { try await connection.send("PING") }
        #expect(await events.next() == nil)
        #expect(!connection.isOpen)
    }

    @Test func nothingListeningIsARefusedConnection() async throws {
        let port = try ClosedPort.make()
        let error = await #expect(throws: ConnectionRefused.self) {
            try await ServerConnection.connect(host: "127.0.0.1", port: port, logger: Self.logger)
        }
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
    }
}
