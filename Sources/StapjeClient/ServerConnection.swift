public import Logging
import NIOCore
import NIOExtras
import NIOPosix
import Synchronization

/// A connection to a STAPJE/1 server in text mode: requests out, replies matched to them, events as a stream.
///
/// Every request is sent with a tag of its own (`@c7 QUEUE`), and its reply must come back with that tag, in
/// order; anything else is a ``ProtocolViolation`` and closes the connection. Events (`* 6xx`) go to ``events``,
/// in the order they arrived. The type knows lines, not conversations.
public final class ServerConnection: Sendable {
    /// The events the server sent, in order; finishes when the connection closes.
    public let events: AsyncStream<ServerEvent>
    /// The server's greeting (`200 READY`).
    public let banner: ServerReply
    private let core: Core
    private let channel: any Channel

    private init(events: AsyncStream<ServerEvent>, banner: ServerReply, core: Core, channel: any Channel) {
        self.events = events
        self.banner = banner
        self.core = core
        self.channel = channel
    }

    /// Connects to `host:port` and reads the banner.
    ///
    /// With `onEvent`, every event is handed to it on the connection's thread, before the reply it follows is
    /// returned (a reply and the events it caused arrive together); ``events`` then stays empty. Without it, events
    /// go to ``events``.
    ///
    /// - Throws: ``ConnectionRefused`` when nothing answers, ``ConnectionClosed`` or ``ProtocolViolation`` when what
    ///   answers is not a Stapje server.
    public static func connect(
        host: String, port: Int, replyTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        logger: Logger, onEvent: (@Sendable (ServerEvent) -> Void)? = nil
    ) async throws -> ServerConnection {
        let (events, continuation) = AsyncStream.makeStream(of: ServerEvent.self)
        if onEvent != nil { continuation.finish() }
        let core = Core(events: continuation, onEvent: onEvent, replyTimeout: replyTimeout, logger: logger)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(LineHandler(core: core))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            continuation.finish()
            throw ConnectionRefused(host: host, port: port, reason: Self.describe(error))
        }
        let banner = try await core.request(nil, on: channel)
        guard banner.code == 200 else {
            channel.close(promise: nil)
            if banner.code == 421 {
                throw ConnectionClosed("the server turned the connection away (\(banner["reason"] ?? "busy"))")
            }
            throw ProtocolViolation(line: "\(banner.code) \(banner.keyword)", "the banner is 200 READY")
        }
        return ServerConnection(events: events, banner: banner, core: core, channel: channel)
    }

    /// Sends one request line (without its line ending) and returns its reply.
    ///
    /// A 4xx or 5xx reply is returned, not thrown: branch on ``ServerReply/code`` or ``ServerReply/keyword``.
    /// - Throws: ``ConnectionClosed``, ``ProtocolViolation`` or ``InvalidRequest``.
    public func send(_ request: String) async throws -> ServerReply {
        guard !request.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            throw InvalidRequest("a request is one line; it holds a line break")
        }
        return try await core.request(request, on: channel)
    }

    /// True until the connection closed.
    public var isOpen: Bool { core.isOpen }

    /// Closes the connection (without `QUIT`); pending requests fail with ``ConnectionClosed``.
    public func close() async {
        try? await channel.close()
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)"
        }
        return "\(error)"
    }

    /// The connection's state, shared by the caller's tasks and the event loop; it owns its lock.
    final class Core: Sendable {
        struct Waiting: Sendable {
            var tag: String?
            var continuation: CheckedContinuation<ServerReply, any Error>
            var timeout: Scheduled<Void>?
        }

        struct State: Sendable {
            var reader = ReplyReader()
            var waiting: [Waiting] = []
            var nextTag = 1
            /// Set once the connection is unusable: every later request fails with it.
            var failure: (any Error)?
            /// The reason of a `421 CLOSING`, when the server gave one.
            var closing: String?
            /// Replies read in this burst, handed out once it is read (so the events after them come first).
            var answered: [(Waiting, ServerReply)] = []
            /// True once the banner was read.
            var greeted = false
            /// The banner, when it came before anyone waited for it.
            var earlyBanner: ServerReply?
        }

        private let state = Mutex(State())
        private let eventsOut: AsyncStream<ServerEvent>.Continuation
        private let onEvent: (@Sendable (ServerEvent) -> Void)?
        private let replyTimeout: Duration
        private let logger: Logger

        init(
            events: AsyncStream<ServerEvent>.Continuation, onEvent: (@Sendable (ServerEvent) -> Void)?,
            replyTimeout: Duration, logger: Logger
        ) {
            self.eventsOut = events
            self.onEvent = onEvent
            self.replyTimeout = replyTimeout
            self.logger = logger
        }

        var isOpen: Bool { state.withLock { $0.failure == nil } }

        /// Registers a wait for the next reply and writes `line` (nil: only wait, for the banner), in one step so the
        /// order of the writes is the order of the waits.
        func request(_ line: String?, on channel: any Channel) async throws -> ServerReply {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { state in
                    if line == nil, let banner = state.earlyBanner {
                        state.earlyBanner = nil
                        continuation.resume(returning: banner)
                        return
                    }
                    if let failure = state.failure {
                        continuation.resume(throwing: failure)
                        return
                    }
                    var tag: String?
                    if let line {
                        let next = "c\(state.nextTag)"
                        state.nextTag += 1
                        tag = next
                        channel.writeAndFlush(ByteBuffer(string: "@\(next) \(line)\n"), promise: nil)
                    }
                    let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(replyTimeout.nanoseconds)) {
                        [weak self] () -> Void in
                        guard let self else { return }
                        self.fail(ConnectionClosed("no reply within \(self.replyTimeout)"), channel: channel)
                    }
                    state.waiting.append(Waiting(tag: tag, continuation: continuation, timeout: timeout))
                }
            }
        }

        /// One line from the server (on the event loop).
        func received(_ line: String, channel: any Channel) {
            let item: ReplyReader.Item?
            do {
                item = try state.withLock { state throws(ProtocolViolation) in try state.reader.read(line) }
            } catch {
                logger.warning("protocol violation", metadata: ["problem": "\(error.problem)"])
                fail(error, channel: channel)
                return
            }
            switch item {
            case nil:
                break
            case .event(let event):
                if let onEvent { onEvent(event) } else { eventsOut.yield(event) }
            case .reply(let reply):
                let matched = state.withLock { state -> ProtocolViolation? in
                    if reply.code == 421, reply.tag == nil, state.waiting.first?.tag != nil || state.waiting.isEmpty {
                        state.closing = reply["reason"].map { "\($0): \(reply.text ?? "")" } ?? reply.text
                        return nil
                    }
                    if !state.greeted {
                        state.greeted = true
                        guard let first = state.waiting.first else {
                            state.earlyBanner = reply  // the banner can be read before `connect` waits for it
                            return nil
                        }
                        guard first.tag == nil else {
                            return ProtocolViolation(line: line, "expected the banner")
                        }
                    }
                    guard let first = state.waiting.first else {
                        return ProtocolViolation(line: line, "a reply nobody asked for")
                    }
                    guard first.tag == reply.tag else {
                        return ProtocolViolation(line: line, "expected the reply to @\(first.tag ?? "-")")
                    }
                    state.waiting.removeFirst()
                    first.timeout?.cancel()
                    state.answered.append((first, reply))
                    return nil
                }
                if let violation = matched {
                    logger.warning("protocol violation", metadata: ["problem": "\(violation.problem)"])
                    fail(violation, channel: channel)
                }
            }
        }

        /// The end of a burst of reads: the replies read in it are handed out.
        func burstRead() {
            let answered = state.withLock { state in
                defer { state.answered = [] }
                return state.answered
            }
            for (waiting, reply) in answered { waiting.continuation.resume(returning: reply) }
        }

        /// The connection ended: every waiting request fails, the event stream finishes.
        func closed() {
            let reason = state.withLock { state in
                state.closing.map { "the server closed it (\($0))" } ?? "the server closed it"
            }
            fail(ConnectionClosed(reason), channel: nil)
        }

        func fail(_ error: any Error, channel: (any Channel)?) {
            burstRead()
            let waiting = state.withLock { state -> [Waiting] in
                if state.failure == nil { state.failure = error }
                defer { state.waiting = [] }
                return state.waiting
            }
            for entry in waiting {
                entry.timeout?.cancel()
                entry.continuation.resume(throwing: error)
            }
            eventsOut.finish()
            channel?.close(promise: nil)
        }
    }

    /// Hands every line to the core.
    final class LineHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let core: Core

        init(core: Core) { self.core = core }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let line = buffer.readString(length: buffer.readableBytes) ?? ""
            core.received(line, channel: context.channel)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            core.burstRead()
            context.fireChannelReadComplete()
        }

        func channelInactive(context: ChannelHandlerContext) {
            core.closed()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            core.fail(ConnectionClosed(ServerConnection.describe(error)), channel: context.channel)
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
