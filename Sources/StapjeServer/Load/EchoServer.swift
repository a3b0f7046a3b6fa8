import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// A bare line-echo server on the same framework and pipeline shape as `Server` (NIOAsyncChannel, line framing with
/// a limit, one task per connection): the baseline `stapje load --echo` compares the real server with. Its tasks run
/// on Swift's global pool, as the server's did before they ran on their connections' event loops: the baseline
/// stays the one earlier figures were measured against.
public struct EchoServer: Service {
    let host: String
    let port: Int
    let maximumLineLength: Int
    let onListening: @Sendable (SocketAddress) -> Void

    /// Creates an echo server; `onListening` gets the bound address.
    public init(
        host: String = "127.0.0.1", port: Int = 0, maximumLineLength: Int = 2048,
        onListening: @escaping @Sendable (SocketAddress) -> Void
    ) {
        self.host = host
        self.port = port
        self.maximumLineLength = maximumLineLength
        self.onListening = onListening
    }

    /// Echoes every line back until graceful shutdown.
    public func run() async throws {
        let maximumLineLength = self.maximumLineLength
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: maximumLineLength + 1))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 32)))
                }
            }
        if let address = listener.channel.localAddress { onListening(address) }
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await Self.echo(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
        }
    }

    static func echo(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        try? await connection.executeThenClose { inbound, outbound in
            try await withGracefulShutdownHandler {
                for try await var line in inbound {
                    line.writeInteger(UInt8(ascii: "\n"))
                    try await outbound.write(line)
                }
            } onGracefulShutdown: {
                connection.channel.close(mode: .input, promise: nil)
            }
        }
    }
}
