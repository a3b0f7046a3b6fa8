import NIOCore
import NIOExtras
import NIOPosix

/// Opens many connections to a server and sends questions, timing every reply: the figures behind `stapje load`.
///
/// Every connection first says HELLO and NEW (for a Stapje server), then all start asking together. Closed loop
/// (no rate): each connection sends its next question when the previous reply is complete, so the figure is the
/// most the server answers. Open loop (a rate): each connection sends on a fixed schedule whatever the replies do,
/// and latency counts from the scheduled time, so a stalled server cannot hide its delay.
public struct LoadGenerator: Sendable {
    /// In an open-loop run, how finely sends are timed: each question goes out at the first tick after its time.
    static let tick = TimeAmount.milliseconds(1)

    /// What kind of server is on the other side.
    public enum Target: String, Sendable {
        /// A Stapje server: banner, HELLO, NEW, then `ASK` lines; a reply ends at its final line.
        case stapje
        /// A line-echo server: every line sent comes back as one line.
        case echo
    }

    /// The load to send.
    public struct Configuration: Sendable {
        /// The server's host.
        public var host = "127.0.0.1"
        /// The server's port.
        public var port: Int
        /// Connections held at once.
        public var connections = 200
        /// Questions each connection asks.
        public var questionsPerConnection = 100
        /// The questions, taken in turn (each connection starts at a different one).
        public var questions: [String]
        /// Questions per second over all connections; nil asks as fast as the replies come.
        public var rate: Double?
        /// The kind of server.
        public var target = Target.stapje
        /// Event loop threads for the client side.
        public var threads = 1
        /// What goes before each line of `questions` (`ASK ` for a Stapje server).
        public var prefix = "ASK "

        /// A load against `port` with `questions`.
        public init(port: Int, questions: [String]) {
            self.port = port
            self.questions = questions
        }
    }

    /// What was measured.
    public struct Report: Sendable {
        /// Replies received to questions.
        public var answered: Int
        /// Replies with a 4xx or 5xx code, plus connections that failed.
        public var errors: Int
        /// From the start signal to the last reply.
        public var seconds: Double
        /// Every question's latency in milliseconds, sorted.
        public var latencies: [Double]

        /// Replies per second.
        public var throughput: Double { seconds > 0 ? Double(answered) / seconds : 0 }

        /// The latency at `fraction` (0.99 for p99), in milliseconds.
        public func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]
        }
    }

    /// The load.
    public let configuration: Configuration

    /// Creates a generator.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs the load and returns the figures.
    public func run() async throws -> Report {
        let configuration = self.configuration
        precondition(!configuration.questions.isEmpty, "the load needs at least one question")
        return try await withEventLoopGroup(threads: configuration.threads) { group in
            try await run(on: group)
        }
    }

    func run(on group: MultiThreadedEventLoopGroup) async throws -> Report {
        let configuration = self.configuration
        let lines = configuration.questions.map { question in
            ByteBuffer(string: configuration.prefix + question + "\n")
        }
        let start = group.next().makePromise(of: NIODeadline.self)
        var readies: [EventLoopFuture<Void>] = []
        var results: [EventLoopFuture<LoadClient.Result>] = []
        var channels: [any Channel] = []
        for index in 0..<configuration.connections {
            let interval = configuration.rate.map {
                TimeAmount.nanoseconds(Int64(1e9 * Double(configuration.connections) / $0))
            }
            let loop = group.next()
            let ready = loop.makePromise(of: Void.self)
            let finished = loop.makePromise(of: LoadClient.Result.self)
            let client = LoadClient.Settings(
                target: configuration.target, lines: lines, first: index % lines.count,
                count: configuration.questionsPerConnection, interval: interval,
                phase: Double(index) / Double(configuration.connections))
            do {
                let channel = try await ClientBootstrap(group: loop)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                ReplyLineFilter(everyLine: configuration.target == .echo))
                            try channel.pipeline.syncOperations.addHandler(
                                LoadClient(
                                    settings: client, ready: ready, finished: finished,
                                    start: start.futureResult))
                        }
                    }
                    .connect(host: configuration.host, port: configuration.port).get()
                channels.append(channel)
            } catch {
                ready.fail(error)
                finished.fail(error)
                start.fail(error)
                for channel in channels { channel.close(promise: nil) }
                throw LoadError(message: "connection \(index + 1) failed: \(error); is the server running?")
            }
            readies.append(ready.futureResult)
            results.append(finished.futureResult)
        }
        do {
            try await EventLoopFuture.andAllSucceed(readies, on: group.next()).get()
        } catch {
            start.fail(error)
            for channel in channels { channel.close(promise: nil) }
            throw LoadError(message: "the handshake failed: \(error)")
        }
        let startTime = NIODeadline.now()
        start.succeed(startTime)
        var answered = 0
        var errors = 0
        var latencies: [Double] = []
        var last = startTime
        for future in results {
            do {
                let result = try await future.get()
                answered += result.latencies.count
                errors += result.errors
                latencies += result.latencies.map { Double($0) / 1e6 }
                last = max(last, result.finished)
            } catch {
                errors += 1
            }
        }
        for channel in channels { channel.close(promise: nil) }
        latencies.sort()
        let seconds = Double((last - startTime).nanoseconds) / 1e9
        return Report(answered: answered, errors: errors, seconds: seconds, latencies: latencies)
    }

    /// Opens `count` connections that say HELLO and then stay silent, then asks the server for `STATS` on one more
    /// connection and returns that reply line. All connections are closed before it returns.
    public static func holdIdle(host: String, port: Int, count: Int) async throws -> String {
        try await withEventLoopGroup(threads: 1) { group in
            try await holdIdle(host: host, port: port, count: count, on: group)
        }
    }

    static func holdIdle(host: String, port: Int, count: Int, on group: MultiThreadedEventLoopGroup) async throws
        -> String
    {
        var channels: [any Channel] = []
        defer { for channel in channels { channel.close(promise: nil) } }
        var readies: [EventLoopFuture<Void>] = []
        for index in 0..<count {
            let ready = group.next().makePromise(of: Void.self)
            do {
                let channel = try await ClientBootstrap(group: group)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                ByteToMessageHandler(LineBasedFrameDecoder()))
                            try channel.pipeline.syncOperations.addHandler(IdleClient(ready: ready))
                        }
                    }
                    .connect(host: host, port: port).get()
                channels.append(channel)
            } catch {
                ready.fail(error)
                throw LoadError(message: "idle connection \(index + 1) failed: \(error); raise `ulimit -n`?")
            }
            readies.append(ready.futureResult)
        }
        try await EventLoopFuture.andAllSucceed(readies, on: group.next()).get()
        let probe = try await ClientBootstrap(group: group)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await probe.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "STATS\n"))
            var finals = 0
            for try await line in inbound where isFinalReplyLine(line) {
                finals += 1
                if finals == 2 { return String(buffer: line) }
            }
            throw LoadError(message: "the server closed the connection before answering STATS")
        }
    }
}

/// Runs `body` with a fresh event loop group and shuts the group down afterwards.
func withEventLoopGroup<T>(threads: Int, _ body: (MultiThreadedEventLoopGroup) async throws -> T) async throws -> T {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
    do {
        let result = try await body(group)
        try await group.shutdownGracefully()
        return result
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}

/// A load run that could not be made.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to check.
    public var message: String
    public var description: String { message }
}

/// The final line of a STAPJE/1 reply: optional `@tag `, three digits, then a space (`-` marks a continuation).
func isFinalReplyLine(_ line: ByteBuffer) -> Bool {
    var view = line.readableBytesView[...]
    if view.first == UInt8(ascii: "@") {
        guard let space = view.firstIndex(of: UInt8(ascii: " ")) else { return false }
        view = view[(space + 1)...]
    }
    guard view.count >= 4 else { return view.count == 3 && view.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    let start = view.startIndex
    return view[start] >= 0x30 && view[start] <= 0x39 && view[start + 3] == UInt8(ascii: " ")
}

/// Splits what a server sends into lines and passes on only the lines a load client reads: a reply's final line
/// and the event that ends a session (`* 621`); with `everyLine` (the echo server), every line. A STAPJE/1 answer is
/// about ten lines, of which the client needs one: splitting each into a buffer of its own and handing it on cost the
/// generator a third of its time an ASK, time taken from the server it measures on the same cores.
final class ReplyLineFilter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let everyLine: Bool
    /// The start of a line whose end has not come yet.
    private var partial: ByteBuffer?

    init(everyLine: Bool) { self.everyLine = everyLine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var head = partial {
            head.writeBuffer(&buffer)
            buffer = head
            partial = nil
        }
        var start = buffer.readerIndex
        let end = buffer.writerIndex
        let breaks = buffer.withUnsafeReadableBytes { bytes in
            // Offsets (from the reader index) of the line breaks.
            bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        }
        for offset in breaks {
            let lineEnd = buffer.readerIndex + offset
            if let line = buffer.getSlice(at: start, length: lineEnd - start), everyLine || Self.isRead(line) {
                context.fireChannelRead(wrapInboundOut(line))
            }
            start = lineEnd + 1
        }
        if start < end { partial = buffer.getSlice(at: start, length: end - start) }
    }

    /// A line the client reads: the final line of a reply, or the event that ends a session.
    static func isRead(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.first == UInt8(ascii: "*")
            ? line.readableBytesView.starts(with: "* 621 ".utf8) : isFinalReplyLine(line)
    }
}

/// One connection of a load run.
final class LoadClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings: Sendable {
        var target: LoadGenerator.Target
        var lines: [ByteBuffer]
        var first: Int
        var count: Int
        var interval: TimeAmount?
        /// Where in the interval this connection's schedule starts (0..<1), to spread the sends.
        var phase: Double
    }

    struct Result: Sendable {
        var latencies: [UInt64]
        var errors: Int
        var finished: NIODeadline
    }

    private enum Phase { case banner, hello, new, ready, asking, done }

    private let settings: Settings
    private let ready: EventLoopPromise<Void>
    private let finished: EventLoopPromise<Result>
    private let start: EventLoopFuture<NIODeadline>
    private var phase = Phase.banner
    private var sent = 0
    private var latencies: [UInt64] = []
    private var errors = 0
    /// When each question in flight was (meant to be) sent, in order; nil for a NEW in between.
    private var waiting: [NIODeadline?] = []
    /// The server ended the session (the question was a goodbye): start a new one before the next question.
    private var sessionEnded = false
    private var askAfterRead = false
    private var waitingHead = 0
    private var schedule: Scheduled<Void>?

    init(
        settings: Settings, ready: EventLoopPromise<Void>, finished: EventLoopPromise<Result>,
        start: EventLoopFuture<NIODeadline>
    ) {
        self.settings = settings
        self.ready = ready
        self.finished = finished
        self.start = start
        latencies.reserveCapacity(settings.count)
    }

    func channelActive(context: ChannelHandlerContext) {
        if settings.target == .echo {
            phase = .ready
            ready.succeed()
        }
        start.hop(to: context.eventLoop).assumeIsolated().whenSuccess { startTime in
            self.begin(context: context, at: startTime)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        schedule?.cancel()
        struct ClosedEarly: Error {}
        switch phase {
        case .banner, .hello, .new:
            ready.fail(ClosedEarly())
            finished.fail(ClosedEarly())
        case .ready, .asking:
            finished.fail(ClosedEarly())
        case .done:
            break
        }
        phase = .done
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        // `ReplyLineFilter` passes on only a reply's final line and the event that ends a session (every line from the
        // echo server).
        if settings.target == .stapje && line.readableBytesView.first == UInt8(ascii: "*") {
            sessionEnded = true
            return
        }
        switch phase {
        case .banner:
            send("HELLO load STAPJE/1\n", context: context)
            phase = .hello
        case .hello:
            send("NEW channel=load\n", context: context)
            phase = .new
        case .new:
            phase = .ready
            ready.succeed()
        case .ready, .done:
            break
        case .asking:
            let now = NIODeadline.now()
            let question = waiting[waitingHead]
            waitingHead += 1
            // The reply to a NEW sent after the person said goodbye: not a question.
            guard let sentAt = question else { return }
            latencies.append(UInt64(max(0, (now - sentAt).nanoseconds)))
            if let first = line.readableBytesView.first(where: { $0 != UInt8(ascii: "@") }),
                settings.target == .stapje, first == UInt8(ascii: "4") || first == UInt8(ascii: "5")
            {
                errors += 1
            }
            if latencies.count == settings.count {
                phase = .done
                schedule?.cancel()
                finished.succeed(Result(latencies: latencies, errors: errors, finished: now))
            } else if settings.interval == nil {
                // After this read: an event that ends the session comes right after the reply, in the same buffer.
                askAfterRead = true
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if askAfterRead && phase == .asking {
            askAfterRead = false
            ask(context: context, scheduledAt: .now())
        }
        context.fireChannelReadComplete()
    }

    private func begin(context: ChannelHandlerContext, at startTime: NIODeadline) {
        guard phase == .ready else { return }
        phase = .asking
        waiting.reserveCapacity(settings.count)
        guard let interval = settings.interval else {
            ask(context: context, scheduledAt: .now())
            return
        }
        let offset = TimeAmount.nanoseconds(Int64(Double(interval.nanoseconds) * settings.phase))
        scheduleNext(context: context, from: startTime + offset, interval: interval)
    }

    /// Schedules the next question at its fixed time; a late send keeps its intended time for the latency.
    ///
    /// The send itself waits for the next tick of `LoadGenerator.tick` (a millisecond): the questions of every
    /// connection that fall due within one tick go out together, so the generator's event loop wakes a thousand times
    /// a second instead of once for every question (20,000 wake-ups a second took a third of a core from the server it
    /// measures). Latency still counts from the intended time, so the wait for the tick is in the figures.
    private func scheduleNext(context: ChannelHandlerContext, from origin: NIODeadline, interval: TimeAmount) {
        guard sent < settings.count, phase == .asking else { return }
        let intended = origin + TimeAmount.nanoseconds(interval.nanoseconds * Int64(sent))
        let tick = UInt64(LoadGenerator.tick.nanoseconds)
        let due = NIODeadline.uptimeNanoseconds((intended.uptimeNanoseconds + tick - 1) / tick * tick)
        schedule = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) {
            guard self.phase == .asking else { return }
            self.ask(context: context, scheduledAt: intended)
            self.scheduleNext(context: context, from: origin, interval: interval)
        }
    }

    private func ask(context: ChannelHandlerContext, scheduledAt: NIODeadline) {
        if sessionEnded {
            sessionEnded = false
            waiting.append(nil)
            context.write(wrapOutboundOut(ByteBuffer(string: "NEW channel=load\n")), promise: nil)
        }
        let line = settings.lines[(settings.first + sent) % settings.lines.count]
        sent += 1
        waiting.append(scheduledAt)
        context.writeAndFlush(wrapOutboundOut(line), promise: nil)
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }
}

/// A connection that says HELLO and then waits.
final class IdleClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let ready: EventLoopPromise<Void>
    private var greeted = false

    init(ready: EventLoopPromise<Void>) {
        self.ready = ready
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        guard isFinalReplyLine(line), !greeted else { return }
        if line.readableBytesView.starts(with: "200".utf8) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HELLO idle STAPJE/1\n")), promise: nil)
        } else {
            greeted = true
            ready.succeed()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !greeted {
            struct ClosedEarly: Error {}
            ready.fail(ClosedEarly())
        }
        context.fireChannelInactive()
    }
}
