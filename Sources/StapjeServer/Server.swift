import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import StapjeCore
import StapjeStore

/// The Stapje line server: the STAPJE/1 protocol (docs/PROTOCOL.md) over TCP, as a swift-service-lifecycle service.
///
/// Graceful shutdown stops accepting, lets every connection finish the replies it owes for the lines it already
/// read, tells it `421 CLOSING reason=shutdown` and closes it; `run()` then returns.
public struct Server: Service {
    /// The address and limits.
    public let configuration: ServerConfiguration
    let content: LiveContent
    let sessions: SessionStore
    let stats = ServerStats()
    let limiter: ConnectionLimiter
    /// New conversations and requests for a person per client address.
    let quotas: AddressQuotas
    let registry = ConnectionRegistry()
    let logger: Logger
    let onListening: @Sendable (SocketAddress) -> Void
    /// The durable handoff queue and the helpers, when the server has a data directory.
    let desk: HandoffDesk?
    /// The anonymous statistics, when the server keeps them.
    let statistics: Statistics?
    /// The purge of closed tickets, whenever there is a queue (with or without statistics).
    let retention: TicketRetention?
    private let connectionCounter = NIOLockedValueBox(0)

    /// Creates a server answering from `conversation`; `contentRoot` is the directory reloads read.
    /// `onListening` is called with the bound address (useful with port 0). With a `store`, a request for a person
    /// becomes a durable ticket (docs/HANDOFF.md) and helpers can sign in; without one it is only announced.
    /// With `statistics`, every reply is counted (docs/PRIVACY.md). With a `store`, closed tickets are purged
    /// `closedTicketDays` after they closed, at start and once a day (counted first when there are `statistics`).
    public init(
        configuration: ServerConfiguration, conversation: Conversation, contentRoot: String?, logger: Logger,
        store: StoreDatabase? = nil, statistics: Statistics? = nil,
        closedTicketDays: Int = StatisticsPolicy().closedTicketDays,
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.statistics = statistics
        self.content = LiveContent(conversation, root: contentRoot)
        self.sessions = SessionStore(
            timeToLive: TimeAmount(configuration.sessionTimeToLive), capacity: configuration.maximumSessions,
            eventMemory: configuration.rememberedEvents)
        self.limiter = ConnectionLimiter(
            maximum: configuration.maximumConnections,
            maximumPerAddress: configuration.maximumConnectionsPerAddress)
        self.quotas = AddressQuotas(
            sessions: .init(limit: configuration.maximumNewSessionsPerAddress, window: .seconds(60)),
            handoffs: .init(limit: configuration.maximumHandoffsPerAddress, window: .seconds(600)))
        self.logger = logger
        self.onListening = onListening
        if let store {
            self.desk = HandoffDesk(
                database: store, timeouts: configuration.handoffTimeouts, sessions: sessions, content: content,
                logger: logger)
            self.retention = TicketRetention(
                database: store, closedTicketDays: closedTicketDays, statistics: statistics, logger: logger)
        } else {
            self.desk = nil
            self.retention = nil
        }
    }

    /// Checks the content directory fully and swaps it in only if it has no errors; otherwise keeps serving the old
    /// content and logs why. This is what SIGHUP does.
    public func reloadContent(from root: String? = nil) async -> ContentReload {
        let outcome = await content.reload(from: root, logger: logger)
        stats.record { outcome.applied ? ($0.reloads += 1) : ($0.reloadsRefused += 1) }
        return outcome
    }

    /// Listens until graceful shutdown, then drains the connections.
    public func run() async throws {
        let loops = ServerEventLoops(threads: configuration.eventLoops)
        do {
            try await serve(on: loops)
        } catch {
            await loops.shutdown()
            throw error
        }
        await loops.shutdown()
    }

    func serve(on loops: ServerEventLoops) async throws {
        let configuration = self.configuration
        let listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            listener = try await bind(on: loops)
        } catch {
            throw ListenFailure(host: configuration.host, port: configuration.port, underlying: error)
        }
        if let address = listener.channel.localAddress {
            logger.info("listening", metadata: ["address": "\(address)", "protocol": "\(Responder.protocolVersion)"])
            onListening(address)
        }
        if !configuration.isLoopback {
            logger.warning(
                """
                listening beyond loopback: the protocol has no authentication and no TLS; \
                put a firewall or a TLS terminator in front
                """)
        }
        // Leases and waits that ran out while the server was down are handled before the first connection.
        await desk?.start()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.sweepSessions() }
                if desk != nil { group.addTask { await self.sweepHandoffs() } }
                if let statistics { group.addTask { await cancelWhenGracefulShutdown { await statistics.run() } } }
                if let retention { group.addTask { await cancelWhenGracefulShutdown { await retention.run() } } }
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        let executor = loops.executor(for: connection.channel.eventLoop)
                        group.addTask(executorPreference: executor) { await self.handle(connection, on: executor) }
                    }
                }
            }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
            registry.drain()
        }
        // The replies written while draining are counted too.
        statistics?.close()
        logger.info("server stopped")
    }

    /// Opens the listening socket; every connection gets its pipeline (`configurePipeline`).
    private func bind(on loops: ServerEventLoops) async throws
        -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    {
        let configuration = self.configuration
        return try await ServerBootstrap(group: loops.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Each connection keeps its receive buffer: start small (commands are short) and grow when needed.
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)
            )
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: configuration.maximumUnsentBytes / 2, high: configuration.maximumUnsentBytes)
            )
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.configurePipeline(channel, polls: loops.polls)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 32)))
                }
            }
    }

    func configurePipeline(_ channel: any Channel, polls: LoopPolls?) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(TLSSniffer(stats: stats, logger: logger))
        // The framing refuses a line that can no longer end within the limit (it never buffers more than a line and
        // its CR); ConnectionGuard checks each complete line.
        try pipeline.addHandler(
            ByteToMessageHandler(LineFraming(maximumLineLength: configuration.maximumLineLength)))
        try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(configuration.idleTimeout)))
        try pipeline.addHandler(
            ConnectionGuard(
                maximumLineLength: configuration.maximumLineLength,
                helloTimeout: TimeAmount(configuration.helloTimeout),
                idleTimeout: TimeAmount(configuration.idleTimeout), polls: polls, limiter: limiter, stats: stats,
                logger: logger))
    }

    /// Removes expired sessions now and then, until shutdown.
    func sweepSessions() async {
        let ttl = configuration.sessionTimeToLive
        let interval = min(max(ttl / 4, .milliseconds(100)), .seconds(60))
        await repeatUntilShutdown(every: interval) {
            let removed = sessions.sweep()
            if removed > 0 { logger.debug("sessions expired", metadata: ["count": "\(removed)"]) }
        }
    }

    /// Applies the handoff timeouts every `handoffSweepInterval`, until shutdown.
    func sweepHandoffs() async {
        guard let desk else { return }
        let interval = configuration.handoffSweepInterval
        await repeatUntilShutdown(every: interval) { await desk.sweep() }
    }

    /// Runs `body` every `interval` until graceful shutdown. Shutdown cancels the sleep, and `body` does not run
    /// after it (the store refuses work from a cancelled task).
    func repeatUntilShutdown(every interval: Duration, _ body: @escaping @Sendable () async -> Void) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await body()
            }
        }
    }

    // MARK: - One connection

    /// Answers one connection; its tasks run on `executor`, its channel's event loop.
    func handle(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, on executor: EventLoopTaskExecutor?) async {
        let id = connectionCounter.withLockedValue { counter in
            counter += 1
            return counter
        }
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(id)"
        let responder = Responder(
            configuration: configuration, content: content, sessions: sessions, stats: stats, logger: logger,
            desk: desk, recorder: statistics, quotas: quotas)
        desk?.connect(id, channel: channel.channel)
        let connection = Connection(
            id: id, responder: responder, configuration: configuration, channel: channel.channel)
        do {
            try await channel.executeThenClose { inbound, outbound in
                // On graceful shutdown the registry stops the reading: the inbound stream ends after the lines
                // already read, and their replies are still written.
                if !registry.register(id, channel.channel) {
                    channel.channel.pipeline.fireUserInboundEventTriggered(StopReadingEvent())
                }
                defer { registry.unregister(id) }
                do {
                    var saidGoodbye = false
                    for try await line in inbound {
                        // In a task of its own: its frames are freed once the reply is ready (see `Connection`).
                        let answer = Task(executorPreference: executor) { await connection.output(for: line) }
                        guard let output = await answer.value else { continue }
                        try await outbound.write(output.bytes)
                        if output.closes {
                            saidGoodbye = true
                            break
                        }
                    }
                    if registry.isDraining && !saidGoodbye { try await outbound.write(connection.shutdownNotice()) }
                } catch is LineTooLongError {
                    try await outbound.write(connection.lineTooLongNotice())
                }
                // The last reply goes out before the close, and so does whatever the client had sent unread (see
                // `ConnectionGuard`): then the close is no reset that throws the reply away.
                // (A channel the client closed already refuses the event: nothing is left to send.)
                try? await channel.channel.triggerUserOutboundEvent(LingeringCloseEvent()).get()
                try? await channel.channel.closeFuture.get()
            }
        } catch {
            // The error's kind only: its description may carry the bytes of an unfinished line, which are what a
            // person typed (a name, a phone number), and the log never holds those.
            logger.debug("connection ended", metadata: ["error": "\(type(of: error))"])
        }
        connection.close()
    }
}
