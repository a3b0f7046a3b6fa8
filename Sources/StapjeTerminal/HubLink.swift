import Dispatch
import Logging
import StapjeClient
import Synchronization

/// A server connection for the readline faces, whose loop is synchronous: requests block until their reply, and
/// events wait in an inbox that the loop empties between keystrokes.
final class HubLink {
    let connection: ServerConnection
    private let inbox: EventInbox

    private init(connection: ServerConnection, inbox: EventInbox) {
        self.connection = connection
        self.inbox = inbox
    }

    /// Connects and reads the banner, waiting for it.
    ///
    /// Events land in the inbox before the reply they follow is returned, so ``drain()`` right after ``send(_:)``
    /// sees the events that request caused.
    static func open(
        host: String, port: Int, connectTimeout: Duration = .seconds(10), logger: Logger
    ) throws -> HubLink {
        let inbox = EventInbox()
        let connection = try blocking {
            try await ServerConnection.connect(
                host: host, port: port, connectTimeout: connectTimeout, logger: logger, onEvent: { inbox.append($0) })
        }
        return HubLink(connection: connection, inbox: inbox)
    }

    /// Sends one request and waits for its reply.
    func send(_ request: String) throws -> ServerReply {
        let connection = self.connection
        return try blocking { try await connection.send(request) }
    }

    /// The events that arrived since the last call.
    func drain() -> [ServerEvent] { inbox.drain() }

    /// True until the connection closed.
    var isOpen: Bool { connection.isOpen }

    /// Closes the connection and waits until it is closed.
    func close() {
        let connection = self.connection
        try? blocking { await connection.close() }
    }

    /// Runs `body` on the concurrency pool and waits for it on this thread (the readline loop's, never a pool
    /// thread: blocking one of those could starve the body).
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.set(.success(try await body()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try Self.blocking(body)
    }
}

@available(*, unavailable)
extension HubLink: Sendable {}

/// One result handed from a task to a waiting thread; it owns its lock.
private final class Outcome<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }

    func get() throws -> T {
        guard let result = value.withLock({ $0 }) else { throw ConnectionClosed("no result") }
        return try result.get()
    }
}

/// Events received and not yet shown; it owns its lock.
private final class EventInbox: Sendable {
    private let events = Mutex<[ServerEvent]>([])

    func append(_ event: ServerEvent) { events.withLock { $0.append(event) } }

    func drain() -> [ServerEvent] {
        events.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
