import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// The bytes a test connection received, collected on the event loop and read by the test.
final class Inbox: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    func append(_ buffer: ByteBuffer) {
        state.withLockedValue { $0.bytes += buffer.readableBytesView }
    }

    func markClosed() {
        state.withLockedValue { $0.closed = true }
    }

    enum Next {
        case line(String)
        case closed
        case nothingYet
    }

    /// The next complete line (without its LF), or whether the connection closed.
    func next() -> Next {
        state.withLockedValue { state in
            if let newline = state.bytes.firstIndex(of: 0x0A) {
                let line = String(decoding: state.bytes[..<newline], as: UTF8.self)
                state.bytes.removeSubrange(...newline)
                return .line(line)
            }
            return state.closed ? .closed : .nothingYet
        }
    }
}

final class InboxHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.markClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A raw TCP client for tests: writes bytes as given, reads lines with a generous timeout.
struct TestClient: Sendable {
    let channel: any Channel
    let inbox: Inbox

    static func connect(port: Int, autoRead: Bool = true, receiveBuffer: Int? = nil) async throws -> TestClient {
        let inbox = Inbox()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: autoRead)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel, inbox: inbox)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// The next line, or nil when the server closed the connection.
    func readLine(timeout: Duration = .seconds(30)) async throws -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            switch inbox.next() {
            case .line(let line): return line
            case .closed: return nil
            case .nothingYet:
                guard clock.now < deadline else { throw TestFailure("no line from the server within \(timeout)") }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// The lines of one reply, up to and including its final line (`ddd ` after an optional tag).
    func readReply(timeout: Duration = .seconds(30)) async throws -> [String] {
        var lines: [String] = []
        while let line = try await readLine(timeout: timeout) {
            lines.append(line)
            if isFinal(line) { return lines }
        }
        throw TestFailure("the connection closed in the middle of a reply: \(lines)")
    }

    /// Every line until the server closes the connection.
    func readUntilClosed(timeout: Duration = .seconds(30)) async throws -> [String] {
        var lines: [String] = []
        while let line = try await readLine(timeout: timeout) { lines.append(line) }
        return lines
    }

    /// Starts reading (for a client created with `autoRead: false`).
    func startReading() async throws {
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
    }

    func close() {
        channel.close(promise: nil)
    }

    /// True for a reply's final line: `ddd ` (after an optional `@tag `), or a JSON reply object.
    func isFinal(_ line: String) -> Bool {
        if line.hasPrefix("{") { return !line.hasPrefix("{\"event\"") }
        var text = Substring(line)
        if text.hasPrefix("@"), let space = text.firstIndex(of: " ") { text = text[text.index(after: space)...] }
        let code = text.prefix(3)
        return code.count == 3 && code.allSatisfy(\.isNumber) && (text.count == 3 || text.dropFirst(3).first == " ")
    }
}
