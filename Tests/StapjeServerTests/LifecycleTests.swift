import Foundation
import StapjeKnowledge
import StapjeTestSupport
import Testing

@testable import StapjeServer

/// Reloads and graceful shutdown: in process, and as the real `stapje serve` program with real signals.
@Suite(.timeLimit(.minutes(2)))
struct LifecycleTests {
    /// A content directory whose topic list is not YAML and which has no intents.
    static func brokenContent() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-broken-\(UUID())")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("faq"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("intents"), withIntermediateDirectories: true)
        try "topics: [unclosed\n  - {".write(
            to: root.appendingPathComponent("faq/topics.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func aReloadOfBrokenContentKeepsTheOldContent() async throws {
        let broken = try Self.brokenContent()
        defer { try? FileManager.default.removeItem(at: broken) }
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("NEW lang=en\n")
            _ = try await client.readReply()
            let topics = try #require(try await server.stats()["topics"])
            #expect(topics > 10)

            let outcome = await server.server.reloadContent(from: broken.path)
            #expect(!outcome.applied)
            #expect(!outcome.errors.isEmpty)
            #expect(outcome.topics == topics)

            let after = try await server.stats()
            #expect(after["topics"] == topics)
            #expect(after["reloads-refused"] == 1)
            #expect(after["reloads"] == 0)
            try await client.send("ASK how do I apply for a job online\n")
            #expect(
                try await client.readReply().last?.hasPrefix("210 ANSWER kind=answer topic=jobs.apply-online") == true)
        }
    }

    @Test func gracefulShutdownSendsTheRepliesOwedThenCloses() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("NEW lang=nl\n")
            _ = try await client.readReply()
            let questions = ["hoe maak ik een e-mailadres", "wifi werkt niet", "ik ben mijn wachtwoord vergeten"]
            try await client.send(questions.map { "ASK \($0)\n" }.joined() + "PING last\n")
            let first = try #require(try await client.readLine())
            await server.group.triggerGracefulShutdown()
            let lines = [first] + (try await client.readUntilClosed())
            let finals = lines.filter { client.isFinal($0) }
            #expect(finals.count == questions.count + 2, "\(finals)")
            #expect(finals.dropLast(2).allSatisfy { $0.hasPrefix("21") || $0.hasPrefix("330") })
            #expect(finals.suffix(2) == ["250 PONG last", "421 CLOSING reason=shutdown the server is shutting down"])
            // The listener closes asynchronously: on a loaded machine a connect can still slip in just before.
            var refused = false
            for _ in 0..<50 where !refused {
                do {
                    _ = try await server.connect()
                    try await Task.sleep(for: .milliseconds(100))
                } catch {
                    refused = true
                }
            }
            #expect(refused)
        }
    }

    // MARK: - The real program

    @Test func theProgramReloadsOnHangupAndDrainsOnTerminate() async throws {
        let content = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-content-\(UUID())")
        defer { try? FileManager.default.removeItem(at: content) }
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        for folder in ["faq", "intents"] {
            try FileManager.default.copyItem(
                at: Fixtures.repositoryRoot.appendingPathComponent(folder), to: content.appendingPathComponent(folder))
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-serve-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }

        let process = Process()
        process.executableURL = try Self.program()
        process.arguments = ["serve", "--port", "0", "--no-queue", "--content", content.path, "--log-level", "info"]
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let listening = try await Self.waitFor("listening", in: log)
        let port = try #require(
            listening.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(listening)")

        let client = try await TestClient.connect(port: port)
        _ = try await client.readReply()
        try await client.send("HELLO process STAPJE/1\nNEW lang=en\n")
        _ = try await client.readReply()
        _ = try await client.readReply()

        // Break the content on disk, then SIGHUP: the reload is refused and the old content keeps answering.
        try FileManager.default.removeItem(at: content.appendingPathComponent("intents"))
        try "topics: [unclosed".write(
            to: content.appendingPathComponent("faq/topics.yaml"), atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        let refusal = try await Self.waitFor("content reload refused", in: log)
        #expect(refusal.contains("error"))
        try await client.send("ASK how do I apply for a job online\nPING last\n")
        let first = try #require(try await client.readLine())
        kill(process.processIdentifier, SIGTERM)
        let lines = [first] + (try await client.readUntilClosed())
        let finals = lines.filter { client.isFinal($0) }
        #expect(finals.first?.hasPrefix("210 ANSWER kind=answer topic=jobs.apply-online") == true, "\(lines)")
        #expect(finals.suffix(2) == ["250 PONG last", "421 CLOSING reason=shutdown the server is shutting down"])

        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while process.isRunning && clock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("server stopped"))
        #expect(!text.contains("apply for a job"), "a question reached the log")
    }

    /// The `stapje` program from the same build as this test bundle.
    static func program() throws -> URL {
        try StapjeProgram.url()
    }

    /// The first log line containing `text`, waiting up to a minute (a debug build compiles the content slowly).
    static func waitFor(_ text: String, in log: URL) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            let contents = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = contents.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("no '\(text)' in the server log within a minute")
    }
}
