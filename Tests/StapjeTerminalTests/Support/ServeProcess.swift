import Foundation
import Glibc
import StapjeClient

/// A real `stapje serve --port 0 --data-dir <tmp>` with helper accounts, for one test.
final class ServeProcess {
    private(set) var port: Int
    /// Each helper's token, by name.
    let tokens: [String: String]
    let directory: TemporaryDirectory
    private var process: Process
    private let extraArguments: [String]

    /// Adds `helpers` to a fresh data directory, starts the server on `port` (0: a free one) and waits until it
    /// listens.
    init(helpers: [String] = ["An"], arguments: [String] = [], port: Int = 0) throws {
        directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data").path
        var tokens: [String: String] = [:]
        for name in helpers {
            let output = try Self.run(["helper", "add", name, "--data-dir", data])
            guard let token = output.split(separator: "\n").last.map(String.init), token.hasPrefix("stapje_") else {
                throw Failure("`stapje helper add \(name)` printed no token: \(output)")
            }
            tokens[name] = token
        }
        self.tokens = tokens
        extraArguments = arguments
        (process, self.port) = try Self.start(port: port, in: directory, arguments: arguments)
    }

    /// Starts `stapje serve` on `port` (0: a free one) with the data directory of `directory`, and waits until it
    /// listens.
    private static func start(
        port wanted: Int, in directory: TemporaryDirectory, arguments: [String]
    ) throws -> (Process, Int) {
        let data = directory.url.appendingPathComponent("data").path
        let log = directory.url.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try StapjeBinary.url()
        process.arguments =
            ["serve", "--port", "\(wanted)", "--data-dir", data, "--log-level", "info"] + arguments
        process.environment = StapjeBinary.environment(home: directory.url)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(90)
        var port: Int?
        while port == nil {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening") }) {
                port = line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }
                if port == nil { throw Failure("no port in \(line)") }
            } else if !process.isRunning || ContinuousClock.now > deadline {
                throw Failure("the server did not start listening:\n\(text)")
            } else {
                usleep(50_000)
            }
        }
        return (process, port ?? 0)
    }

    /// Stops the server (SIGTERM: it closes every connection with `421 CLOSING`) and waits for it.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// Kills the server (SIGKILL: a crash) and waits for it.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts the server again on the same port and data directory (after `stop()` or `kill()`).
    func restart() throws {
        (process, port) = try Self.start(port: port, in: directory, arguments: extraArguments)
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Runs `stapje` with `arguments` to its end and returns what it printed.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try StapjeBinary.url()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("stapje \(arguments) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A blocking STAPJE/1 connection for tests that drive a pseudo-terminal at the same time: plain sockets and
/// `poll`, parsed by StapjeClient's ``ReplyReader``; events are kept until asked for.
final class LineClient {
    private let socket: Int32
    private var buffer: [UInt8] = []
    private var reader = ReplyReader()
    private(set) var events: [ServerEvent] = []
    static let patience: Duration = .seconds(60)

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ServeProcess.Failure("connect failed: errno \(errno)") }
        let banner = try reply()
        guard banner.code == 200 else { throw ServeProcess.Failure("no banner: \(banner)") }
    }

    deinit { Glibc.close(socket) }

    /// Sends one line and returns its reply.
    @discardableResult
    func send(_ line: String) throws -> ServerReply {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
        return try reply()
    }

    /// Waits for an event with `code` (and, if given, a matching text), returning it and forgetting the ones
    /// before it.
    func event(_ code: Int, where matches: (ServerEvent) -> Bool = { _ in true }) throws -> ServerEvent {
        let deadline = ContinuousClock.now + Self.patience
        while true {
            if let index = events.firstIndex(where: { $0.code == code && matches($0) }) {
                let event = events[index]
                events.removeFirst(index + 1)
                return event
            }
            guard ContinuousClock.now < deadline else {
                throw ServeProcess.Failure("no event \(code) within \(Self.patience); got \(events)")
            }
            guard let line = try nextLine(until: deadline) else { continue }
            if case .event(let event) = try reader.read(line) { events.append(event) }
        }
    }

    private func reply() throws -> ServerReply {
        let deadline = ContinuousClock.now + Self.patience
        while true {
            guard let line = try nextLine(until: deadline) else { continue }
            switch try reader.read(line) {
            case .reply(let reply): return reply
            case .event(let event): events.append(event)
            case nil: break
            }
        }
    }

    /// The next line, or nil after a short wait with nothing; throws at the deadline or when the server closed.
    private func nextLine(until deadline: ContinuousClock.Instant) throws -> String? {
        if let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            return line
        }
        guard ContinuousClock.now < deadline else { throw ServeProcess.Failure("no line from the server in time") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 100) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ServeProcess.Failure("the server closed the connection") }
        buffer += chunk[..<count]
        return nil
    }
}

/// A loopback port nothing listens on: bound, then closed again.
enum ClosedPort {
    static func make() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ServeProcess.Failure("cannot bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
