import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One client connection's side of the protocol: turns each line read into the bytes to write back.
///
/// `Server.handle` answers each line in a short-lived task of its own, so the deep async frames of a reply live in
/// that task's memory and are freed with it: a task keeps every slab its deepest call ever needed, and with 10,000
/// idle connections every byte of it counts ten thousand times. Lines are answered one at a time, so the lock around
/// the state is never contended; it only makes the connection `Sendable`.
final class Connection: Sendable {
    /// What to write for one line.
    struct Output {
        /// The reply (and the events after it), as one buffer.
        var bytes: ByteBuffer
        /// Close the connection once it is written.
        var closes: Bool
    }

    private let responder: Responder
    private let parser: RequestParser
    private let channel: any Channel
    private let maximumErrors: Int
    private let maximumLineLength: Int
    private let current: NIOLockedValueBox<ConnectionState>
    /// Whether the guard was last told that the conversation waits for a helper.
    private let waiting = NIOLockedValueBox(false)

    /// Where the connection stands now.
    var state: ConnectionState { current.withLockedValue { $0 } }

    init(id: ConnectionID, responder: Responder, configuration: ServerConfiguration, channel: any Channel) {
        var state = ConnectionState(id: id)
        if let address = channel.remoteAddress?.ipAddress { state.address = address }
        self.responder = responder
        self.parser = RequestParser(maximumQuestionLength: configuration.maximumQuestionLength)
        self.channel = channel
        self.maximumErrors = configuration.maximumErrors
        self.maximumLineLength = configuration.maximumLineLength
        self.current = NIOLockedValueBox(state)
    }

    /// The reply to one line, or nil for a blank line.
    func output(for line: ByteBuffer) async -> Output? {
        let parsed = line.withUnsafeReadableBytes { parser.parse($0) }
        var state = self.state
        let wasGreeted = state.greeted
        let answered = await responder.respond(to: parsed, state: &state)
        current.withLockedValue { $0 = state }
        guard var outcome = answered else { return nil }
        let encoder = WireEncoder(format: state.format)
        var bytes = ByteBuffer()
        encoder.encode(outcome.response, tag: outcome.tag, into: &bytes)
        if state.errors >= maximumErrors && !outcome.closes {
            let closing = Response(
                code: 421, keyword: "CLOSING", parameters: [.init("reason", "too-many-errors")],
                message: "too many errors; closing the connection")
            encoder.encode(closing, tag: nil, into: &bytes)
            outcome.closes = true
            responder.logger.debug("too many errors; closing")
        }
        tellWhetherWaiting(after: outcome.response.code, state: state)
        if !wasGreeted && state.greeted {
            // Before the reply is written: from now on the guard writes its own messages in this format.
            channel.triggerUserOutboundEvent(HelloCompletedEvent(format: state.format), promise: nil)
            responder.desk?.setFormat(state.format, for: state.id)
        }
        return Output(bytes: bytes, closes: outcome.closes)
    }

    /// Tells the guard when the conversation starts or stops waiting for a helper. Looked up only after a reply
    /// that can start the wait (240 QUEUED, 241 HANDOFF, 220 SESSION of a RESUME) or while it waits, so other
    /// replies cost nothing. A wait that ends with no line from the person (a helper resolves it) is noticed at
    /// the next line; until then the connection is not closed for silence.
    private func tellWhetherWaiting(after code: Int, state: ConnectionState) {
        let wasWaiting = waiting.withLockedValue { $0 }
        guard wasWaiting || code == 240 || code == 241 || code == 220 else { return }
        var isWaiting = false
        if let token = state.token, let entry = responder.sessions.peek(token), case .requested = entry.session.handoff
        {
            isWaiting = true
        }
        guard isWaiting != wasWaiting else { return }
        waiting.withLockedValue { $0 = isWaiting }
        channel.triggerUserOutboundEvent(WaitingForHelperEvent(waiting: isWaiting), promise: nil)
    }

    /// `421 CLOSING reason=shutdown`, after the replies owed.
    func shutdownNotice() -> ByteBuffer {
        let closing = Response(
            code: 421, keyword: "CLOSING", parameters: [.init("reason", "shutdown")],
            message: "the server is shutting down")
        return WireEncoder(format: state.format).encoded(closing, tag: nil)
    }

    /// `552 LINE-TOO-LONG`, counted as an error.
    func lineTooLongNotice() -> ByteBuffer {
        responder.stats.record { $0.errors += 1 }
        let response = Response(
            code: 552, keyword: "LINE-TOO-LONG",
            message: "a line may have at most \(maximumLineLength) bytes; closing")
        return WireEncoder(format: state.format).encoded(response, tag: nil)
    }

    /// Detaches the session: it can be resumed from another connection until it expires.
    func close() {
        let state = self.state
        if let token = state.token { responder.sessions.detach(token, owner: state.id) }
        responder.desk?.disconnect(state.id)
    }
}
