import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real `stapje serve` program on a free loopback port, with its log in a file: for tests that kill and restart
/// the server process.
struct ServeProcess {
    let process: Process
    let port: Int
    let log: URL

    /// Starts `stapje serve --port 0` with `arguments` and waits until it listens. `stateHome` becomes
    /// `$XDG_STATE_HOME` (by default a directory that does not exist), so a server without `--data-dir` never writes
    /// into the real home directory.
    static func start(_ arguments: [String], log: URL, stateHome: URL? = nil) async throws -> ServeProcess {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try LifecycleTests.program()
        process.arguments = ["serve", "--port", "0", "--log-level", "info"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] =
            (stateHome ?? FileManager.default.temporaryDirectory.appendingPathComponent("stapje-nowhere-\(UUID())"))
            .path
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        do {
            let listening = try await LifecycleTests.waitFor("listening", in: log)
            let port = try #require(
                listening.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(listening)")
            return ServeProcess(process: process, port: port, log: log)
        } catch {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw error
        }
    }

    /// SIGKILL: no drain, no last write, no checkpoint.
    func crash() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then waits (a minute at most) for the process to exit; returns its status.
    func terminate() async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while process.isRunning && clock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            crash()
            throw TestFailure("stapje serve did not exit within a minute of SIGTERM")
        }
        return process.terminationStatus
    }
}

/// A protocol client over a TestClient for tests whose server may die at any moment: nil means the connection closed.
struct LineClient {
    let client: TestClient
    /// Every event line (`* ...`) read so far, in order, and not yet taken with `takeEvents()`.
    private(set) var events: [String] = []

    /// Connects and reads the banner; nil when the server is gone.
    static func connect(port: Int) async -> LineClient? {
        guard let client = try? await TestClient.connect(port: port) else { return nil }
        var line = LineClient(client: client)
        guard (try? await line.reply()) != nil else {
            client.close()
            return nil
        }
        return line
    }

    /// Sends `line` and returns its reply (events read on the way are kept aside); nil when the connection closed.
    mutating func exchange(_ line: String) async throws -> [String]? {
        do {
            try await client.send(line + "\n")
        } catch {
            return nil
        }
        return try await reply()
    }

    /// The lines of the next reply; nil when the connection closed first. A server that stays silent for two
    /// minutes is a failure, not a crash.
    mutating func reply() async throws -> [String]? {
        var lines: [String] = []
        while let line = try await client.readLine(timeout: .seconds(120)) {
            if line.hasPrefix("* ") {
                events.append(line)
                continue
            }
            lines.append(line)
            if client.isFinal(line) { return lines }
        }
        return nil
    }

    /// The events read so far, and forgets them.
    mutating func takeEvents() -> [String] {
        defer { events.removeAll() }
        return events
    }

    func close() {
        client.close()
    }

    /// `key=value` from a reply or event line.
    static func parameter(_ key: String, in line: String?) -> String? {
        guard let line else { return nil }
        for word in line.split(separator: " ") where word.hasPrefix(key + "=") {
            return String(word.dropFirst(key.count + 1))
        }
        return nil
    }
}
