/// The server could not be reached: nothing listens there, or the address is wrong.
public struct ConnectionRefused: Error, Sendable, CustomStringConvertible {
    /// The host asked for.
    public var host: String
    /// The port asked for.
    public var port: Int
    /// What the system said.
    public var reason: String

    /// Creates the error.
    public init(host: String, port: Int, reason: String) {
        self.host = host
        self.port = port
        self.reason = reason
    }

    /// The message.
    public var description: String {
        "cannot reach a Stapje server at \(host):\(port) (\(reason)); is `stapje serve` running there?"
    }
}

/// The connection ended (the server closed it, went away, or did not answer in time); nothing more can be sent.
public struct ConnectionClosed: Error, Sendable, CustomStringConvertible {
    /// Why, as far as the client knows.
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }

    /// The message.
    public var description: String { "the connection to the server is closed: \(reason)" }
}

/// The server sent something STAPJE/1 does not allow; the client closes the connection.
public struct ProtocolViolation: Error, Sendable, CustomStringConvertible {
    /// The offending line (cut to 200 characters).
    public var line: String
    /// What is wrong with it.
    public var problem: String

    /// Creates the error.
    public init(line: String, _ problem: String) {
        self.line = String(line.prefix(200))
        self.problem = problem
    }

    /// The message.
    public var description: String {
        "the server broke the STAPJE/1 protocol: \(problem) (line: \(line.debugDescription)); is it a Stapje server?"
    }
}

/// A request that cannot be sent as one line.
public struct InvalidRequest: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var problem: String

    /// Creates the error.
    public init(_ problem: String) { self.problem = problem }

    /// The message.
    public var description: String { "cannot send that request: \(problem)" }
}
