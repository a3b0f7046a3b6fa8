import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a server as the process's main work: SIGTERM and SIGINT drain it gracefully, SIGHUP reloads the content.
public struct ServerProcess: Sendable {
    /// The server.
    public let server: Server
    /// How long a graceful shutdown may take before connections are cut.
    public var shutdownGrace: Duration
    let logger: Logger

    /// Wraps `server`.
    public init(server: Server, shutdownGrace: Duration = .seconds(10), logger: Logger) {
        self.server = server
        self.shutdownGrace = shutdownGrace
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then returns once every connection is drained (or the grace ran out).
    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: server),
                .init(service: HangupReloader(server: server, logger: logger), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownGrace
        configuration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Reloads the server's content on every SIGHUP, until graceful shutdown.
struct HangupReloader: Service {
    let server: Server
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.info("SIGHUP: reloading the content")
                _ = await server.reloadContent()
            }
        }
    }
}
