import ArgumentParser
import Foundation
import Logging
import StapjeKnowledge
import StapjeServer
import StapjeStore
import StapjeText

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the line-based TCP server (protocol STAPJE/1, see docs/PROTOCOL.md).",
        discussion: """
            Try it with `nc 127.0.0.1 4242` and follow the greeting. SIGTERM or SIGINT: finish the replies owed, \
            close every connection, exit 0. SIGHUP: reload the content; it is checked fully first, and if it has \
            errors the old content stays and the log says why. Logs go to standard error and never hold what \
            people typed. A request for a person becomes a ticket in the durable queue in the data directory \
            (default $XDG_STATE_HOME/stapje or ~/.local/state/stapje; --data-dir to choose, --no-queue for none).
            """)

    private static let defaults = ServerConfiguration()

    @OptionGroup var contentOptions: ContentOptions

    @Option(
        name: .long,
        help: """
            The data directory of the durable handoff queue and the helper accounts (see docs/HANDOFF.md). \
            Default: $XDG_STATE_HOME/stapje, else ~/.local/state/stapje.
            """)
    var dataDir: String?

    @Flag(
        help: """
            Run without the durable queue: a request for a person is only announced (durable=no), nothing is \
            written to disk and helpers cannot sign in.
            """)
    var noQueue = false

    @OptionGroup var retention: RetentionOptions

    @Option(help: "Seconds a ticket may wait for a helper before it expires.")
    var maxWait = Double(HandoffTimeouts().maximumWait.components.seconds)

    @Option(help: "Seconds without a sign of life after which a starter counts as gone.")
    var starterGone = Double(HandoffTimeouts().starterGone.components.seconds)

    @Option(help: "Seconds a helper's lease lasts without a command or heartbeat.")
    var helperLease = Double(HandoffTimeouts().helperLease.components.seconds)

    @Option(help: "The address to listen on. Anything but loopback exposes a server without authentication or TLS.")
    var host = defaults.host

    @Option(help: "The port (0: any free port).")
    var port = defaults.port

    @Option(help: "The longest line in bytes, line ending excluded; a longer one gets 552 and the connection closes.")
    var maxLine = defaults.maximumLineLength

    @Option(help: "The longest question ASK takes, in characters.")
    var maxQuestion = defaults.maximumQuestionLength

    @Option(help: "Connections held at once; one more gets 421 and is closed.")
    var maxConnections = defaults.maximumConnections

    @Option(help: "Connections held at once from one client address.")
    var maxConnectionsPerAddress = defaults.maximumConnectionsPerAddress

    @Option(help: "Seconds a new connection has to send HELLO.")
    var helloTimeout = Double(defaults.helloTimeout.components.seconds)

    @Option(help: "Seconds a connection may stay silent (never while a reply is owed).")
    var idleTimeout = Double(defaults.idleTimeout.components.seconds)

    @Option(help: "Error replies after which the connection is closed with 421.")
    var maxErrors = defaults.maximumErrors

    @Option(help: "Bytes of replies a client may leave unread before it is dropped as a slow reader.")
    var maxUnsent = defaults.maximumUnsentBytes

    @Option(help: "Seconds an untouched conversation lives (RESUME works until then).")
    var sessionTtl = Double(defaults.sessionTimeToLive.components.seconds)

    @Option(help: "Conversations held at once; NEW beyond this gets 452.")
    var maxSessions = defaults.maximumSessions

    @Option(help: "New conversations one client address may start in a minute; NEW beyond this gets 452.")
    var maxNewPerAddress = defaults.maximumNewSessionsPerAddress

    @Option(help: "Requests for a person one client address may make in ten minutes; one more gets 451.")
    var maxHandoffsPerAddress = defaults.maximumHandoffsPerAddress

    @Option(
        help: ArgumentHelp(
            "The language of a conversation started without lang= (nl, fr, en), until its messages show theirs.",
            discussion: "Default: the usual language of --default-region (nl for VL, fr for BXL, WAL and FR)."))
    var defaultLang: String?

    @Option(help: "The region of a conversation started without region= (VL, BXL, WAL, FR).")
    var defaultRegion = defaults.defaultRegion.rawValue

    @Option(help: "Seconds a graceful shutdown may take before connections are cut.")
    var shutdownGrace = 10.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    /// The longest duration an option takes: 30 days.
    static let longestSeconds = 2_592_000.0

    func validate() throws {
        if let defaultLang, Language(rawValue: defaultLang) == nil {
            throw ValidationError("--default-lang: use nl, fr or en")
        }
        guard Region(code: defaultRegion) != nil else {
            throw ValidationError("--default-region: use VL, BXL, WAL or FR")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: use trace, debug, info, notice, warning, error or critical")
        }
        if noQueue && dataDir != nil {
            throw ValidationError("--no-queue and --data-dir exclude each other: choose one")
        }
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port: use 1 to 65535, or 0 for any free port (got \(port))")
        }
        // Every duration: a number of seconds above 0 and at most 30 days (0 had made the idle check spin on every
        // core; nan, inf and 1e300 had crashed the program at start).
        let seconds: [(String, Double)] = [
            ("--max-wait", maxWait), ("--starter-gone", starterGone), ("--helper-lease", helperLease),
            ("--hello-timeout", helloTimeout), ("--idle-timeout", idleTimeout), ("--session-ttl", sessionTtl),
            ("--shutdown-grace", shutdownGrace),
        ]
        for (option, value) in seconds where !(value.isFinite && value > 0 && value <= Self.longestSeconds) {
            throw ValidationError("\(option): use a number of seconds above 0 and at most 2592000 (30 days)")
        }
        guard maxLine >= 64, maxUnsent >= 16_384, maxConnections >= 1, maxConnectionsPerAddress >= 1 else {
            throw ValidationError("limits too small: --max-line >= 64, --max-unsent >= 16384, connections >= 1")
        }
        guard maxErrors >= 1, maxQuestion >= 1, maxSessions >= 1, maxNewPerAddress >= 1, maxHandoffsPerAddress >= 1
        else {
            throw ValidationError(
                "--max-errors, --max-question, --max-sessions, --max-new-per-address and --max-handoffs-per-address "
                    + "must be 1 or more")
        }
    }

    func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maximumLineLength = maxLine
        configuration.maximumQuestionLength = maxQuestion
        configuration.maximumConnections = maxConnections
        configuration.maximumConnectionsPerAddress = maxConnectionsPerAddress
        configuration.helloTimeout = .milliseconds(Int64(helloTimeout * 1000))
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        configuration.maximumErrors = maxErrors
        configuration.maximumUnsentBytes = maxUnsent
        configuration.sessionTimeToLive = .milliseconds(Int64(sessionTtl * 1000))
        configuration.maximumSessions = maxSessions
        configuration.maximumNewSessionsPerAddress = maxNewPerAddress
        configuration.maximumHandoffsPerAddress = maxHandoffsPerAddress
        configuration.defaultRegion = Region(code: defaultRegion) ?? .VL
        configuration.defaultLanguage =
            defaultLang.flatMap { Language(rawValue: $0) } ?? configuration.defaultRegion.usualLanguage
        configuration.handoffTimeouts = HandoffTimeouts(
            maximumWait: .milliseconds(Int64(maxWait * 1000)), starterGone: .milliseconds(Int64(starterGone * 1000)),
            helperLease: .milliseconds(Int64(helperLease * 1000)))
        return configuration
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "stapje.server")
        let conversation = try contentOptions.loadChecked()
        // Which content answers is the first thing an operator asks when an answer surprises them.
        logger.info(
            "content loaded",
            metadata: [
                "root": "\(ContentLocator.resolve(contentOptions.content))",
                "topics": "\(conversation.content.topics.count)",
            ])
        var store: StoreDatabase?
        if noQueue {
            logger.info("no handoff queue (--no-queue): requests for a person are not kept")
        } else {
            let directory = DataDirectory.resolve(dataDir, environment: ProcessInfo.processInfo.environment)
            do {
                store = try StoreDatabase.open(directory: directory, logger: logger)
            } catch {
                CommandOutput.note("\(error)")
                throw ExitCode(ServeExit.storeUnavailable)
            }
            logger.info("handoff queue open", metadata: ["data-dir": "\(directory.path)"])
        }
        // Anonymous statistics live beside the queue (docs/PRIVACY.md); --no-stats or --no-queue: none. Closed
        // tickets are purged after --keep-tickets-days whenever there is a queue, with or without statistics.
        let statistics = try store.flatMap { database in
            retention.noStats
                ? nil : try Statistics(database: database, policy: retention.policy, logger: logger, at: Date())
        }
        let configuration = serverConfiguration()
        if let limit = DescriptorLimit.raise(for: configuration.maximumConnections),
            limit.connections < configuration.maximumConnections
        {
            logger.warning(
                "too few file descriptors for --max-connections: connections past the limit wait unanswered",
                metadata: [
                    "max-connections": "\(configuration.maximumConnections)", "open-files": "\(limit.soft)",
                    "needed": "\(DescriptorLimit.needed(for: configuration.maximumConnections))",
                    "fix": "raise `ulimit -n` (systemd: LimitNOFILE=) or lower --max-connections",
                ])
        }
        let server = Server(
            configuration: configuration, conversation: conversation,
            contentRoot: ContentLocator.resolve(contentOptions.content), logger: logger, store: store,
            statistics: statistics, closedTicketDays: retention.keepTicketsDays)
        do {
            try await ServerProcess(
                server: server, shutdownGrace: .milliseconds(Int64(shutdownGrace * 1000)), logger: logger
            ).run()
        } catch let failure as ListenFailure {
            CommandOutput.note("\(failure)")
            throw ExitCode(failure.portInUse ? ServeExit.portInUse : ServeExit.cannotListen)
        }
    }
}

/// How `stapje serve` ends when it cannot run (docs/CLI.md), in the numbers of BSD's sysexits, so that a service
/// manager can tell a fault that a restart may mend (the port still taken) from one that needs a person (content
/// that does not check: systemd's `RestartPreventExitStatus=`). Options it cannot use exit 64, as every command's.
enum ServeExit {
    /// The content does not check (EX_DATAERR).
    static let contentRefused: Int32 = 65
    /// The listening socket cannot be opened: no such address, a privileged port (EX_UNAVAILABLE).
    static let cannotListen: Int32 = 69
    /// The data directory or the queue's database cannot be made or opened (EX_CANTCREAT).
    static let storeUnavailable: Int32 = 73
    /// The port is in use, perhaps only for now (EX_TEMPFAIL).
    static let portInUse: Int32 = 75
}
