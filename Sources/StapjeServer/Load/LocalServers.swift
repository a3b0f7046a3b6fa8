import Logging
import NIOCore
import ServiceLifecycle
import StapjeCore

/// Servers started inside this process for a measurement, on free loopback ports.
public enum LocalServers {
    /// The ports the servers got.
    public struct Ports: Sendable {
        /// The Stapje server's port.
        public var stapje: Int
        /// The echo server's port, when one was asked for.
        public var echo: Int?
    }

    /// Starts a Stapje server with `configuration` (its host and port are replaced by loopback and a free port),
    /// and an echo server if `echo`, runs `body`, then shuts both down gracefully.
    public static func run<T: Sendable>(
        configuration: ServerConfiguration, conversation: Conversation, echo: Bool, logger: Logger,
        _ body: (Ports) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let (addresses, continuation) = AsyncStream.makeStream(of: (String, Int).self)
        let server = Server(
            configuration: configuration, conversation: conversation, contentRoot: nil, logger: logger,
            onListening: { continuation.yield(("stapje", $0.port ?? 0)) })
        var services: [any Service] = [server]
        if echo {
            services.append(EchoServer(onListening: { continuation.yield(("echo", $0.port ?? 0)) }))
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
        let count = services.count
        return try await group.runAround(finished: { continuation.finish() }) {
            var ports = Ports(stapje: 0, echo: nil)
            var expected = count
            for await (name, port) in addresses {
                if name == "stapje" { ports.stapje = port } else { ports.echo = port }
                expected -= 1
                if expected == 0 { break }
            }
            guard expected == 0 else { throw LoadError(message: "the local servers did not start") }
            return try await body(ports)
        }
    }
}
