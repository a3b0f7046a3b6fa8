import Foundation
import Testing

/// `stapje serve` as a program: where its durable queue lives by default, and running without one.
@Suite(.timeLimit(.minutes(3)))
struct ServeProgramTests {
    static func temporaryDirectory(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("stapje-\(name)-\(UUID())")
    }

    /// The `HANDOFF durable=` capability of the server on `port`.
    static func durability(port: Int) async throws -> String? {
        var client = try #require(await LineClient.connect(port: port))
        defer { client.close() }
        let capabilities = try #require(try await client.exchange("CAPA"))
        return capabilities.first { $0.hasPrefix("250-HANDOFF ") }.flatMap { LineClient.parameter("durable", in: $0) }
    }

    @Test func theQueueIsOnByDefaultInTheStateDirectory() async throws {
        let state = Self.temporaryDirectory("state")
        let log = Self.temporaryDirectory("serve").appendingPathExtension("log")
        defer {
            try? FileManager.default.removeItem(at: state)
            try? FileManager.default.removeItem(at: log)
        }
        let server = try await ServeProcess.start([], log: log, stateHome: state)
        let durable = try await Self.durability(port: server.port)
        #expect(try await server.terminate() == 0)
        #expect(durable == "yes")
        // A normal stop is no problem: the handoff sweep used to run once more in its cancelled task and log the
        // store's refusal as two warnings.
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(!lines.contains { $0.contains(" warning ") || $0.contains(" error ") }, "\(lines)")
        let store = state.appendingPathComponent("stapje/stapje.sqlite")
        #expect(FileManager.default.fileExists(atPath: store.path), "no store at \(store.path)")
        let mode =
            try FileManager.default.attributesOfItem(atPath: store.deletingLastPathComponent().path)[
                .posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func noQueueWritesNothing() async throws {
        let state = Self.temporaryDirectory("state")
        let log = Self.temporaryDirectory("serve").appendingPathExtension("log")
        defer {
            try? FileManager.default.removeItem(at: state)
            try? FileManager.default.removeItem(at: log)
        }
        let server = try await ServeProcess.start(["--no-queue"], log: log, stateHome: state)
        var client = try #require(await LineClient.connect(port: server.port))
        _ = try await client.exchange("HELLO t STAPJE/1")
        _ = try await client.exchange("NEW lang=en")
        let human = try await client.exchange("HUMAN")
        let auth = try await client.exchange("AUTH stapje_whatever")
        client.close()
        let durable = try await Self.durability(port: server.port)
        #expect(try await server.terminate() == 0)
        #expect(durable == "no")
        #expect(human?.last?.hasPrefix("241 HANDOFF ") == true, "\(human ?? [])")
        #expect(auth?.last?.hasPrefix("504 ") == true, "\(auth ?? [])")
        #expect(!FileManager.default.fileExists(atPath: state.path), "--no-queue created \(state.path)")
    }

    /// A line cut off when its connection ends (a kiosk's Wi-Fi drops mid-line) is what a person typed: even at the
    /// most talkative log level, its bytes are not written (they had been, as hex, in the error that ends the
    /// connection).
    @Test func anUnfinishedLineIsNotLoggedEvenAtTrace() async throws {
        let log = Self.temporaryDirectory("serve").appendingPathExtension("log")
        defer { try? FileManager.default.removeItem(at: log) }
        let server = try await ServeProcess.start(["--no-queue", "--log-level", "trace"], log: log)
        var client = try #require(await LineClient.connect(port: server.port))
        _ = try await client.exchange("HELLO t STAPJE/1")
        _ = try await client.exchange("NEW lang=nl")
        try await client.client.send("ASK ik ben Jan Peeters, mijn gsm is 0471 23 45 67")
        try await Task.sleep(for: .milliseconds(200))
        client.close()
        let observer = try #require(await LineClient.connect(port: server.port))
        observer.close()
        #expect(try await server.terminate() == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("connection ended"), "the end of the connection was not logged:\n\(text)")
        // The service that connected is named by its address (an operator looks for the program at fault).
        #expect(text.contains("address=127.0.0.1") && text.contains("connection opened"), "\(text)")
        let hex = Array("Peeters".utf8).map { String(format: "%02x", $0) }.joined()
        for secret in ["Peeters", "0471", hex] { #expect(!text.contains(secret), "\(secret) in the log") }
    }

    /// Runs `stapje serve` with `arguments` until it exits: its status and what it said on standard error.
    static func failedStart(_ arguments: [String]) throws -> (status: Int32, said: String) {
        let process = Process()
        process.executableURL = try LifecycleTests.program()
        process.arguments = ["serve"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    /// A server that cannot start says why in words and exits with a status a service manager can act on: 75 for
    /// a port in use (a restart may mend it), 69 for an address that cannot be used, 73 for a queue that cannot be
    /// opened. (It had printed the socket call's own error and exited 1 for all of them.)
    @Test func aServerThatCannotStartSaysWhyAndExitsWithItsStatus() async throws {
        // The port of a server that is running.
        try await withServer { server in
            let inUse = try Self.failedStart(["--no-queue", "--port", "\(server.port)"])
            #expect(inUse.status == 75)
            #expect(
                inUse.said.contains("cannot listen on 127.0.0.1:\(server.port): the port is in use"), "\(inUse.said)")
            #expect(!inUse.said.contains("errno"), "\(inUse.said)")
        }

        let noSuchHost = try Self.failedStart(["--no-queue", "--port", "0", "--host", "no-such-host.invalid"])
        #expect(noSuchHost.status == 69)
        #expect(noSuchHost.said.contains("no machine has that name"), "\(noSuchHost.said)")

        let file = Self.temporaryDirectory("file")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let noStore = try Self.failedStart(["--port", "0", "--data-dir", file.path])
        #expect(noStore.status == 73)
        #expect(noStore.said.contains("stapje: cannot create the data directory"), "\(noStore.said)")
    }

    @Test func noQueueAndADataDirectoryExcludeEachOther() throws {
        let (status, said) = try Self.failedStart(["--no-queue", "--data-dir", Self.temporaryDirectory("unused").path])
        #expect(status != 0)
        #expect(said.contains("--no-queue and --data-dir"), "\(said)")
    }
}
