import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import StapjeCore
import StapjeKnowledge
import StapjeStore
import Testing

@testable import StapjeServer

/// The bundled content, loaded and compiled once for the whole test run.
enum Fixtures {
    static let conversation: Conversation = {
        let loaded = ContentLoader(root: ContentLocator.bundled).load()
        return Conversation(content: loaded.bundle)
    }()

    /// The repository root (for docs/PROTOCOL.md and the bundled content).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var logger: Logger {
        var logger = Logger(label: "stapje.server.test")
        logger.logLevel = .critical
        return logger
    }
}

/// A real server on a free loopback port, run as a service in a ServiceGroup, for one test.
struct RunningServer {
    let server: Server
    let port: Int
    let group: ServiceGroup

    /// A new client connection.
    func connect(autoRead: Bool = true, receiveBuffer: Int? = nil) async throws -> TestClient {
        try await TestClient.connect(port: port, autoRead: autoRead, receiveBuffer: receiveBuffer)
    }

    /// A new connection that has sent `opening` (its replies unread). A test process starved for longer than a
    /// short idle timeout between connecting and sending finds the connection rightly closed (CI once did); it
    /// connects again, `attempts` times in all.
    func connect(sending opening: String, attempts: Int = 3) async throws -> TestClient {
        var attempt = 1
        while true {
            let client = try await connect()
            do {
                try await client.send(opening)
                return client
            } catch  where attempt < attempts {
                attempt += 1
            }
        }
    }

    /// A connection that has read the banner and said HELLO.
    func greetedClient(format: String = "text") async throws -> TestClient {
        let client = try await connect()
        _ = try await client.readReply()
        try await client.send("HELLO test STAPJE/1 format=\(format)\n")
        _ = try await client.readReply()
        return client
    }

    /// The server's counters, through `STATS` on a fresh connection.
    func stats() async throws -> [String: Int] {
        let client = try await connect()
        defer { client.close() }
        _ = try await client.readReply()
        try await client.send("STATS\n")
        let line = try #require(try await client.readReply().last)
        var counters: [String: Int] = [:]
        for word in line.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { counters[String(parts[0])] = value }
        }
        return counters
    }
}

/// Runs a server configured by `configure` (with the handoff `store`, if any) around `body`, then shuts it down
/// gracefully and waits for it.
func withServer<T: Sendable>(
    store: StoreDatabase? = nil, _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (RunningServer) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = Server(
        configuration: configuration, conversation: Fixtures.conversation, contentRoot: ContentLocator.bundled,
        logger: Fixtures.logger, store: store, onListening: { continuation.yield($0.port ?? 0) })
    let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: Fixtures.logger)
    return try await group.runAround(finished: { continuation.finish() }) {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
        return try await body(RunningServer(server: server, port: port, group: group))
    }
}

/// A test's own failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
