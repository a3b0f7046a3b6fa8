import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Raised into the pipeline when a line is longer than the limit; the connection answers `552` and closes.
struct LineTooLongError: Error, Sendable {}

/// Told to the guard by the connection (an outbound user event) once `HELLO` succeeded.
struct HelloCompletedEvent: Sendable {
    /// The format the guard's own messages must use from now on.
    var format: WireFormat
}

/// Told to the guard by the connection (an outbound user event) after its last reply: close gracefully.
struct LingeringCloseEvent: Sendable {}

/// Fired into the pipeline at graceful shutdown: read no more lines (the ones read are still answered).
struct StopReadingEvent: Sendable {}

/// Sent down the pipeline when the connection's conversation starts or stops waiting for a helper: while it waits,
/// silence is no reason to close it (the person was told to stay; a sweep of the queue counts the connection as
/// a sign of life, and closing it would let the ticket be abandoned).
struct WaitingForHelperEvent: Sendable {
    var waiting: Bool
}

/// Holds one connection to its limits, on the event loop, in front of the async code that answers it.
///
/// - On connect: admission (total and per-address limits: `421` and close), else the `200 READY` banner, written
///   here so that it never counts as the reply to a line.
/// - Lines longer than the limit are turned into a `LineTooLongError` (after the lines before them), and nothing
///   after them is read: once a line was too long, the framing cannot be trusted.
/// - Blank lines are dropped here, so every line that passes gets exactly one reply.
/// - An HTTP request line or `Host:` header closes the connection without a word.
/// - Idle timeout and HELLO deadline: `421` and close, but only when no reply is owed (a line read and not yet
///   answered keeps the connection open: the idle timer must never cut a reply in flight) and only once the event
///   loop has looked at the socket since the deadline (a line waiting there, unread while the loop was busy
///   answering, is no silence). Silence counts from the last complete line; a line that never ends is none.
/// - A client that does not read: when unsent replies pass the write buffer's high-water mark, it is dropped.
/// - Every other close is a lingering one (`LingeringCloseEvent`, `StopReadingEvent`): the replies already written
///   go out, then a FIN, and what the client still sends is read and thrown away until it closes too, for at most
///   `lingerLimit`. Closing a socket with unread input makes the kernel send a reset at once and throw away the
///   replies not yet sent, so a client that had pipelined lines lost the last reply (`552`, `421`, `221`).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maximumLineLength: Int
    private let helloTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let polls: LoopPolls?
    private let limiter: ConnectionLimiter
    private let stats: ServerStats
    private let logger: Logger
    private var address: String?
    private var admitted = false
    private var started = false
    private var unanswered = 0
    private var format = WireFormat.text
    private var greeted = false
    private var refusing = false
    private var firstLine = true
    private var helloDeadline: Scheduled<Void>?
    private var helloDue = NIODeadline.distantFuture
    private var idleCheck: Scheduled<Void>?
    private var lastLine = NIODeadline.now()
    /// The conversation waits for a helper (`WaitingForHelperEvent`): no idle close.
    private var waitingForHelper = false
    /// No more lines are passed on: what arrives is read and dropped (graceful shutdown, or a close under way).
    private var discarding = false
    /// The client sent its FIN (or the input ended otherwise).
    private var inputEnded = false
    /// The connection closes once the client has closed too, or at this deadline.
    private var lingerDeadline: Scheduled<Void>?

    /// How long a closing connection waits for the client's FIN while it drops what the client still sends.
    static let lingerLimit = TimeAmount.seconds(2)

    /// A guard with these limits; `polls` tells whether the loop has looked at the socket since a deadline (without
    /// it, a deadline closes as soon as no reply is owed).
    init(
        maximumLineLength: Int, helloTimeout: TimeAmount, idleTimeout: TimeAmount, polls: LoopPolls?,
        limiter: ConnectionLimiter, stats: ServerStats, logger: Logger
    ) {
        self.maximumLineLength = maximumLineLength
        self.helloTimeout = helloTimeout
        self.idleTimeout = idleTimeout
        self.polls = polls
        self.limiter = limiter
        self.stats = stats
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        helloDeadline?.cancel()
        helloDeadline = nil
        idleCheck?.cancel()
        idleCheck = nil
        lingerDeadline?.cancel()
        lingerDeadline = nil
        if admitted, let address {
            admitted = false
            limiter.release(address)
            stats.record { $0.connections -= 1 }
        }
        context.fireChannelInactive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.address = address
        if let refusal = limiter.admit(address) {
            stats.record { $0.connectionsRefused += 1 }
            logger.notice("connection refused", metadata: ["reason": "\(refusal.rawValue)", "address": "\(address)"])
            refusing = true
            let response = Response(
                code: 421, keyword: "CLOSING", parameters: [.init("reason", refusal.rawValue)],
                message: "too many connections; try again later")
            let bytes = WireEncoder(format: .text).encoded(response, tag: nil)
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            context.close(promise: nil)
            return
        }
        admitted = true
        logger.debug("connection opened", metadata: ["address": "\(address)"])
        stats.record { counters in
            counters.connections += 1
            counters.connectionsTotal += 1
        }
        let banner = WireEncoder(format: .text).encoded(Responder.banner(), tag: nil)
        context.writeAndFlush(wrapOutboundOut(banner), promise: nil)
        lastLine = .now()
        helloDue = lastLine + helloTimeout
        armHelloDeadline(context: context, after: helloTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing, !discarding else { return }
        lastLine = .now()
        let line = unwrapInboundIn(data)
        if line.readableBytes > maximumLineLength {
            refuse(context: context)
            return
        }
        if line.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        if Self.isHTTP(line, first: firstLine) {
            stats.record { $0.foreignProtocols += 1 }
            logger.debug("HTTP request on the protocol port; closing")
            refusing = true
            context.close(promise: nil)
            return
        }
        firstLine = false
        unanswered += 1
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While dropping input, read on whatever the async side's back-pressure says: the client's FIN must be
        // seen, and input left unread turns the close into a reset.
        if discarding { context.read() }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The framing's complaints about bytes that are being dropped anyway (a socket error closes the channel
        // whatever a handler does).
        if discarding { return }
        if error is ByteToMessageDecoderError.PayloadTooLargeError {
            refuse(context: context)
        } else {
            context.fireErrorCaught(error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        unanswered = max(0, unanswered - 1)
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if let hello = event as? HelloCompletedEvent {
            greeted = true
            format = hello.format
            helloDeadline?.cancel()
            helloDeadline = nil
            promise?.succeed()
        } else if let waiting = event as? WaitingForHelperEvent {
            waitingForHelper = waiting.waiting
            promise?.succeed()
        } else if event is LingeringCloseEvent {
            lingeringClose(context: context)
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable {
            stats.record { $0.slowReaders += 1 }
            logger.info(
                "client does not read its replies; dropping it", metadata: ["address": "\(address ?? "unknown")"])
            refusing = true
            // An abortive close (a reset): the replies it left unread are thrown away at once. A graceful close
            // left them to the kernel, up to its send buffer (4 MB) a connection, for minutes, outside every limit.
            if let socket = context.channel as? any SocketOptionProvider {
                socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in context.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: -

    private func refuse(context: ChannelHandlerContext) {
        refusing = true
        context.fireErrorCaught(LineTooLongError())
    }

    private func armHelloDeadline(context: ChannelHandlerContext, after delay: TimeAmount) {
        guard !greeted else { return }
        helloDeadline?.cancel()
        helloDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.helloDeadlinePassed(context: context)
        }
    }

    private func helloDeadlinePassed(context: ChannelHandlerContext) {
        helloDeadline = nil
        guard !greeted, context.channel.isActive else { return }
        if unanswered > 0 {
            // A reply is owed (perhaps to HELLO itself): look again shortly.
            armHelloDeadline(context: context, after: .seconds(1))
        } else if !socketLookedAt(since: helloDue) {
            armHelloDeadline(context: context, after: Self.recheck)
        } else {
            close(context: context, reason: "hello-timeout")
        }
    }

    /// `IdleStateHandler` (before this handler) reports a connection without a complete line for the idle timeout.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case IdleStateHandler.IdleStateEvent.read = event {
            checkIdle(context: context)
        } else if event is StopReadingEvent {
            stopReading(context: context)
        } else if case ChannelEvent.inputClosed = event {
            inputEnded = true
            if lingerDeadline != nil {
                // The client closed its side: nothing is left unread, so the close is a clean FIN.
                context.close(promise: nil)
            } else if !discarding {
                context.fireUserInboundEventTriggered(event)
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Closes the connection when it has been silent for the idle timeout with nothing owed, once the loop has looked
    /// at its socket since (else looks again shortly). With a reply owed, or while the conversation waits for a
    /// helper, it stays open; `IdleStateHandler` reports again after another timeout.
    private func checkIdle(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        guard context.channel.isActive, !refusing, !discarding, unanswered == 0, !waitingForHelper else { return }
        let due = lastLine + idleTimeout
        let now = NIODeadline.now()
        if now >= due && socketLookedAt(since: due) {
            close(context: context, reason: "idle")
            return
        }
        // Not silent long enough yet (the handler's clock started a moment before this one), or a line may be
        // waiting unread: look again then.
        let delay = now < due ? due - now : Self.recheck
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.checkIdle(context: context)
        }
    }

    /// How soon a deadline is looked at again when the loop has not read its sockets since.
    private static let recheck = TimeAmount.milliseconds(10)

    /// Whether the event loop has looked at the socket since `time`: only then is nothing read since a silence.
    private func socketLookedAt(since time: NIODeadline) -> Bool {
        polls?.haveLooked(since: time) ?? true
    }

    private func close(context: ChannelHandlerContext, reason: String) {
        guard !refusing, !discarding else { return }
        refusing = true
        stats.record { $0.timeouts += 1 }
        logger.debug("closing", metadata: ["reason": "\(reason)"])
        let response = Response(
            code: 421, keyword: "CLOSING", parameters: [.init("reason", reason)], message: "closing the connection")
        let bytes = WireEncoder(format: format).encoded(response, tag: nil)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        lingeringClose(context: context)
    }

    /// Passes no more lines on; the async side sees the input end after the lines it already has.
    private func stopReading(context: ChannelHandlerContext) {
        guard !discarding else { return }
        discarding = true
        if !inputEnded { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        context.read()
    }

    /// Sends what was written, then a FIN; drops what the client still sends until its FIN or `lingerLimit`.
    private func lingeringClose(context: ChannelHandlerContext) {
        guard lingerDeadline == nil, context.channel.isActive else { return }
        stopReading(context: context)
        lingerDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerLimit) {
            context.close(promise: nil)
        }
        if inputEnded {
            // Nothing more can arrive: close once the writes before this point are done (writes complete in order).
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: written)
            written.futureResult.whenComplete { _ in context.close(promise: nil) }
        } else {
            // The FIN goes after the pending writes. A channel that cannot half-close is closed outright.
            let shut = context.eventLoop.makePromise(of: Void.self)
            context.close(mode: .output, promise: shut)
            shut.futureResult.whenFailure { _ in context.close(promise: nil) }
        }
    }

    /// An HTTP request line (`GET / HTTP/1.1`) first, or a `Host:` header at any time.
    static func isHTTP(_ line: ByteBuffer, first: Bool) -> Bool {
        let view = line.readableBytesView
        if view.count >= 5, view.prefix(5).lazy.map({ $0 | 0x20 }).elementsEqual("host:".utf8) { return true }
        guard first, let space = view.firstIndex(of: 0x20) else { return false }
        let method = view[view.startIndex..<space]
        let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE", "PRI"]
        guard methods.contains(where: { method.elementsEqual($0.utf8) }) else { return false }
        let text = String(decoding: view, as: UTF8.self)
        return text.contains(" HTTP/")
    }
}

/// Closes a connection whose first byte starts a TLS handshake (0x16), then steps out of the pipeline.
final class TLSSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let stats: ServerStats
    private let logger: Logger

    init(stats: ServerStats, logger: Logger) {
        self.stats = stats
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.readableBytesView.first else { return }
        if first == 0x16 {
            stats.record { $0.foreignProtocols += 1 }
            logger.debug("TLS handshake on the plain-text port; closing")
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
