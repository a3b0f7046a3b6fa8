import NIOCore
import StapjeKnowledge
import StapjeStore
import StapjeText

/// Where the server listens and the limits it holds every client to. The defaults suit a server on loopback
/// behind a bridge; `stapje serve --help` lists every one.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to listen on. Loopback unless told otherwise: the protocol has no authentication and no TLS.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port = 4242
    /// The longest line in bytes, not counting its line ending. A longer one gets `552` and the connection closes.
    public var maximumLineLength = 2048
    /// The longest question `ASK` takes, in characters.
    public var maximumQuestionLength = 1000
    /// Connections held at once; one more gets `421` and is closed.
    public var maximumConnections = 256
    /// Connections held at once from one client address (mind kiosks behind one NAT address).
    public var maximumConnectionsPerAddress = 32
    /// The time a new connection has to send `HELLO`.
    public var helloTimeout: Duration = .seconds(60)
    /// The time a connection may stay silent; never applied while a reply is still being computed or written.
    public var idleTimeout: Duration = .seconds(300)
    /// Error replies (4xx, 5xx) after which the connection is closed with `421`.
    public var maximumErrors = 10
    /// Bytes of replies waiting for a client to read them; past this the client is too slow and is dropped.
    public var maximumUnsentBytes = 1 << 20
    /// How long an untouched session lives, attached or not.
    public var sessionTimeToLive: Duration = .seconds(600)
    /// Sessions held at once; `NEW` beyond this gets `452`.
    public var maximumSessions = 100_000
    /// New conversations (`NEW`) one client address may start in a minute; one more gets `452`.
    public var maximumNewSessionsPerAddress = 300
    /// Requests for a person one client address may make in ten minutes; one more gets `451`.
    public var maximumHandoffsPerAddress = 30
    /// Events each session remembers for `RESUME ... since=`.
    public var rememberedEvents = 32
    /// The language of a session started without `lang=`; it follows the person's language until they choose one.
    public var defaultLanguage: Language = .nl
    /// The region of a session started without `region=`.
    public var defaultRegion: Region = .VL

    /// The handoff timeouts (maximum wait, starter gone, helper lease); used with a data directory.
    public var handoffTimeouts = HandoffTimeouts()
    /// How often the handoff timeouts are applied; their precision.
    public var handoffSweepInterval: Duration = .seconds(5)
    /// Event loop threads; each connection's lines are read, answered and written on one of them.
    var eventLoops = System.coreCount

    /// The defaults.
    public init() {}

    /// True when `host` is a loopback address.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
