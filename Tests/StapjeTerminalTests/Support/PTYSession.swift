import Foundation
import Glibc

/// `stapje` on a pseudo-terminal: keystrokes in, the screen's bytes out.
///
/// The child gets the pty as stdin, stdout and stderr but not as its controlling terminal, so a `^C` byte
/// raises no signal (the line discipline swallows it): use ``interrupt()``.
final class PTYSession {
    private let process = Process()
    private let master: Int32
    private var bytes: [UInt8] = []
    /// How much of the output earlier expectations consumed.
    private var consumed = 0
    private var closed = false

    /// Generous: a debug build on a loaded 2-core machine takes seconds to load the content.
    static let patience: Duration = .seconds(60)

    init(arguments: [String], environment: [String: String], columns: Int = 100) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw PTYError("openpty failed: errno \(errno)") }
        self.master = master
        process.executableURL = try StapjeBinary.url()
        process.arguments = arguments
        process.environment = environment
        if let home = environment["HOME"] { process.currentDirectoryURL = URL(fileURLWithPath: home) }
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        do {
            try process.run()
        } catch {
            Glibc.close(slave)
            Glibc.close(master)
            throw error
        }
        Glibc.close(slave)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        Glibc.close(master)
    }

    /// Everything shown so far, without the terminal's carriage returns.
    var screen: String { Self.text(bytes[...]) }

    /// Types `keys`.
    func send(_ keys: String) {
        var rest = Array(keys.utf8)[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            rest = rest.dropFirst(written)
        }
    }

    /// Waits until `needle` appears after what earlier expectations consumed, and returns the text up to it.
    @discardableResult
    func expect(_ needle: String, within patience: Duration = PTYSession.patience) throws -> String {
        let deadline = ContinuousClock.now + patience
        while true {
            let text = Self.text(bytes[consumed...])
            if let range = text.range(of: needle) {
                let before = String(text[..<range.upperBound])
                consumed += text[..<range.upperBound].utf8.count
                return before
            }
            guard !closed, ContinuousClock.now < deadline else {
                throw PTYError("waited for \(needle.debugDescription); the screen shows:\n\(text)")
            }
            pump(milliseconds: 100)
        }
    }

    /// Waits for the prompt: readline has put the terminal in raw mode by then (typing earlier races).
    func expectPrompt() throws { try expect("\n> ") }

    /// Sends SIGINT, as Ctrl-C on a real terminal does.
    func interrupt() { process.interrupt() }

    /// Sends SIGTERM.
    func terminate() { process.terminate() }

    /// SIGKILL: the program gets no chance to tidy up, as when it crashes.
    func crash() { _ = Glibc.kill(process.processIdentifier, SIGKILL) }

    /// Waits for the program to end and returns its exit status; kills it after `patience`.
    func waitForExit(within patience: Duration = PTYSession.patience) -> Int32? {
        let deadline = ContinuousClock.now + patience
        while process.isRunning && ContinuousClock.now < deadline { pump(milliseconds: 50) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)  // a blocked signal mask must not hang the test run
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Reads whatever arrives within `milliseconds`.
    private func pump(milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard !closed, poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes += buffer[..<count].filter { $0 != 13 }  // "\r\n" from the tty's output processing
        } else if count == 0 || errno != EINTR {
            closed = true  // EIO: the child closed its side
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    struct PTYError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
