/// One request line, parsed: an optional tag and a command.
///
/// Everything in `Requests/` depends on the standard library and Foundation only, so the fuzz script
/// (`scripts/fuzz-request-parser.sh`) can compile it on its own.
struct Request: Sendable, Hashable {
    /// The client's correlation tag (`@q7`), echoed on every line of the reply.
    var tag: String?
    /// What the client asks for.
    var command: Command
}

/// A protocol command with its checked arguments. Values are syntactically valid; whether a language or region is
/// supported is decided when the command runs.
enum Command: Sendable, Hashable {
    /// `HELLO [client-id] [STAPJE/1] [format=text|json]`.
    case hello(client: String?, version: String?, format: String?)
    /// `CAPA`: the capabilities again.
    case capa
    /// `HELP [verb]`.
    case help(verb: String?)
    /// `NEW [lang=..] [region=..] [channel=..] [site=..]`.
    case new(NewOptions)
    /// `RESUME <token> [since=<seq>]`.
    case resume(token: String, since: Int?)
    /// `LANG <code>`.
    case lang(String)
    /// `REGION <code>`.
    case region(String)
    /// `ASK <free text>`.
    case ask(String)
    /// `NEXT`, `BACK`, `REPEAT`, `ALL`, `RESTART`: step navigation.
    case navigate(Navigation)
    /// `FOLLOW <n>`: pick a numbered option.
    case follow(Int)
    /// `HUMAN [reason]`: ask for a person. The reason is not kept.
    case human
    /// `CANCEL`: cancel the request for a person.
    case cancel
    /// `STATUS`.
    case status
    /// `END`: wipe the session.
    case end
    /// `PING [token]`.
    case ping(String?)
    /// `QUIT`.
    case quit
    /// `STATS`: server counters.
    case stats
    /// `AUTH <token>`: sign in as a helper.
    case auth(String)
    /// `QUEUE`: the open tickets (helpers).
    case queue
    /// `WATCH`: send ticket events from now on (helpers).
    case watch
    /// `TAKE <n>`: take ticket n (helpers).
    case take(Int)
    /// `SAY <n> <text>`: write to the starter of ticket n (helpers).
    case say(Int, String)
    /// `TRANSCRIPT <n>`: the lines of ticket n (helpers).
    case transcript(Int)
    /// `RELEASE <n>`: give ticket n back to the queue (helpers).
    case release(Int)
    /// `RESOLVE <n>`: close ticket n, helped (helpers).
    case resolve(Int)

    /// Step navigation commands.
    enum Navigation: String, Sendable, Hashable, CaseIterable {
        case next = "NEXT"
        case back = "BACK"
        case `repeat` = "REPEAT"
        case all = "ALL"
        case restart = "RESTART"
    }

    /// The options of `NEW`.
    struct NewOptions: Sendable, Hashable {
        var lang: String?
        var region: String?
        var channel: String?
        var site: String?
    }

    /// The verb, as written in the protocol.
    var verb: String {
        switch self {
        case .hello: "HELLO"
        case .capa: "CAPA"
        case .help: "HELP"
        case .new: "NEW"
        case .resume: "RESUME"
        case .lang: "LANG"
        case .region: "REGION"
        case .ask: "ASK"
        case .navigate(let move): move.rawValue
        case .follow: "FOLLOW"
        case .human: "HUMAN"
        case .cancel: "CANCEL"
        case .status: "STATUS"
        case .end: "END"
        case .ping: "PING"
        case .quit: "QUIT"
        case .stats: "STATS"
        case .auth: "AUTH"
        case .queue: "QUEUE"
        case .watch: "WATCH"
        case .take: "TAKE"
        case .say: "SAY"
        case .transcript: "TRANSCRIPT"
        case .release: "RELEASE"
        case .resolve: "RESOLVE"
        }
    }
}

/// A line the server refuses: `500 UNKNOWN-COMMAND` or `501 SYNTAX`.
struct ProtocolError: Error, Sendable, Hashable {
    /// The reply code.
    var code: Int
    /// The stable keyword.
    var keyword: String
    /// What is wrong and what to do, for a person. Never contains the client's free text.
    var message: String
    /// The request's tag, when it could be read.
    var tag: String?

    static func syntax(_ message: String, tag: String? = nil) -> ProtocolError {
        ProtocolError(code: 501, keyword: "SYNTAX", message: message, tag: tag)
    }

    static func unknown(_ message: String, tag: String? = nil) -> ProtocolError {
        ProtocolError(code: 500, keyword: "UNKNOWN-COMMAND", message: message, tag: tag)
    }
}
