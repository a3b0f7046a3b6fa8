import Foundation
import Logging
import StapjeCore
import StapjeKnowledge
import StapjePrivacy
import StapjeStore
import StapjeText

/// Where one connection stands in the protocol.
struct ConnectionState: Sendable {
    /// The connection.
    let id: ConnectionID
    /// True after `HELLO`.
    var greeted = false
    /// The reply format chosen at `HELLO`.
    var format: WireFormat = .text
    /// The session attached to this connection.
    var token: String?
    /// Error replies sent so far.
    var errors = 0
    /// The client's address, the source key of the sign-in rate limit.
    var address = "unknown"
    /// The helper signed in on this connection (`AUTH`).
    var helper: String?
    /// The tickets taken on this connection and not given up since: the ones its lines keep.
    var held: Set<Int> = []
}

/// Runs protocol commands for one connection: every conversation goes through `Conversation`; this type only
/// keeps sessions, checks the order of commands and shapes the replies.
struct Responder: Sendable {
    /// The protocol name and version in the banner and at `HELLO`.
    static let protocolVersion = "STAPJE/1"

    /// What to write for one request, and whether to close afterwards.
    struct Outcome: Sendable {
        var response: Response
        var tag: String?
        var closes = false
    }

    let configuration: ServerConfiguration
    let content: LiveContent
    let sessions: SessionStore
    let stats: ServerStats
    let logger: Logger
    /// The durable handoff queue, when the server has a data directory.
    var desk: HandoffDesk?
    /// Where anonymous statistics go, when the server keeps them.
    var recorder: (any ConversationRecorder)?
    /// What one client address may ask of the shared session table and helpers' queue (the server's, shared by
    /// every connection); nil: no quota.
    var quotas: AddressQuotas?

    /// The greeting written when a connection opens.
    static func banner() -> Response {
        Response(
            code: 200, keyword: "READY",
            message:
                "stapje \(protocolVersion) - type HELLO, then NEW, then ASK and your question; HELP lists all commands")
    }

    /// The response to one parsed line, or nil for a blank line (no reply).
    func respond(to parsed: RequestParser.Outcome, state: inout ConnectionState) async -> Outcome? {
        var outcome: Outcome
        switch parsed {
        case .blank:
            return nil
        case .refused(let error):
            outcome = Outcome(
                response: Response(code: error.code, keyword: error.keyword, message: error.message), tag: error.tag)
        case .request(let request):
            outcome = Outcome(response: await run(request.command, state: &state), tag: request.tag)
            outcome.closes = request.command == .quit
        }
        if outcome.response.isError {
            state.errors += 1
            stats.record { $0.errors += 1 }
        }
        logger.debug(
            "reply", metadata: ["connection": "\(state.id)", "code": "\(outcome.response.code)"])
        return outcome
    }

    func run(_ command: Command, state: inout ConnectionState) async -> Response {
        if let desk, state.helper != nil, let signedOut = await signOutIfRemoved(state: &state, desk: desk, at: Date())
        {
            return signedOut
        }
        if let desk, let helper = state.helper, !state.held.isEmpty {
            // Any line from a signed-in helper (PING included) renews the leases of the tickets this connection took.
            _ = try? await desk.queue.heartbeat(helper: helper, tickets: state.held, at: Date())
        }
        switch command {
        case .hello(let client, let version, let format): return hello(client, version, format, state: &state)
        case .capa: return Response(code: 250, keyword: "CAPA", lines: capabilities())
        case .help(let verb): return help(verb)
        case .ping(let word): return Response(code: 250, keyword: "PONG", message: word)
        case .quit: return Response(code: 221, keyword: "BYE", message: "goodbye")
        case .status: return status(state)
        case .stats: return statistics()
        default: break
        }
        guard state.greeted else {
            return Self.badSequence("say HELLO first, for example: HELLO my-name \(Self.protocolVersion)")
        }
        switch command {
        case .new(let options): return await new(options, state: &state)
        case .resume(let token, let since): return await resume(token, since: since, state: &state)
        case .auth, .queue, .watch, .take, .say, .transcript, .release, .resolve:
            return await helperCommand(command, state: &state)
        default: break
        }
        guard let token = state.token else { return Self.badSequence("start a conversation first: NEW") }
        guard let entry = sessions.checkOut(token, owner: state.id) else {
            state.token = nil
            return Response(code: 550, keyword: "NO-SESSION", message: "the conversation expired; start one: NEW")
        }
        if let desk, let ticket = entry.ticket {
            _ = try? await desk.queue.starterSeen(ticket, at: Date())
        }
        return await converse(command, entry: entry, token: token, state: &state)
    }

    // MARK: - Conversation commands

    func converse(_ command: Command, entry: SessionStore.Entry, token: String, state: inout ConnectionState)
        async -> Response
    {
        let served = content.served
        let session = entry.session
        let now = Date()
        func send(_ input: String) -> (Session, Reply) { served.conversation.respond(to: input, in: session, at: now) }
        switch command {
        case .ask(let text):
            stats.record { $0.questions += 1 }
            if let desk, let ticket = entry.ticket,
                let relayed = await relay(text, ticket: ticket, desk: desk, language: session.language)
            {
                return relayed
            }
            let (next, reply) = send(text)
            return await finish(
                reply, from: served, session: next, input: Conversation.clean(text), token: token, state: &state,
                typed: true)
        case .navigate(let move):
            let (next, reply) = send(Self.coreCommands[move] ?? "/repeat")
            return await finish(reply, from: served, session: next, input: move.rawValue, token: token, state: &state)
        case .follow(let number):
            let count: Int
            switch session.pending {
            case .clarification(let ids), .followUps(let ids): count = ids.count
            default: return Self.badSequence("there is no numbered list now; ASK a question first")
            }
            // A number past the list is refused as a number out of range is, not answered with a 2xx that did nothing.
            guard number <= count else {
                return Response(
                    code: 501, keyword: "SYNTAX", message: "the list has \(count) options: FOLLOW 1 to \(count)")
            }
            let (next, reply) = send(String(number))
            return await finish(reply, from: served, session: next, input: String(number), token: token, state: &state)
        case .human:
            if case .requested = session.handoff {
                return Self.badSequence("a helper is already asked for; CANCEL if you no longer need one")
            }
            let (next, reply) = send("/human")
            return await finish(reply, from: served, session: next, input: "HUMAN", token: token, state: &state)
        case .cancel:
            guard case .requested = session.handoff else { return Self.badSequence("no helper was asked for") }
            var ended = [Response.Parameter("state", "cancelled")]
            if let desk, let ticket = entry.ticket {
                ended.append(.init("ticket", ticket))
                do {
                    _ = try await desk.queue.cancel(ticket, at: Date())
                } catch let error as TicketError {
                    // It closed a moment before (resolved, say): the person is told how, not "cancelled".
                    guard case .closed(let final) = error.reason else { return Self.ticketRefusal(error) }
                    ended[0] = .init("state", final.rawValue)
                } catch {
                    return Self.storeUnavailable(error, logger: logger)
                }
                desk.unlink(ticket)
                sessions.modify(token) { $0.ticket = nil }
                _ = await desk.announce()
            }
            let (next, reply) = served.conversation.cancelHandoff(session)
            return await finish(
                reply, from: served, session: next, input: "CANCEL", token: token, state: &state,
                as: (250, "CANCELLED"),
                events: [WireEvent(code: 612, keyword: "HANDOFF-ENDED", sequence: 0, parameters: ended)])
        case .lang(let code):
            guard let language = Language(rawValue: code.lowercased()) else {
                return Self.unsupported("this server speaks nl, fr and en")
            }
            let (next, reply) = served.conversation.switchLanguage(to: language, session: session)
            return await finish(
                reply, from: served, session: next, input: "LANG", token: token, state: &state, as: (230, "LANG"))
        case .region(let code):
            guard let region = Region(code: code) else { return Self.unsupported("regions are VL, BXL, WAL and FR") }
            let (next, reply) = served.conversation.switchRegion(to: region, session: session)
            return await finish(
                reply, from: served, session: next, input: "REGION", token: token, state: &state, as: (231, "REGION"))
        case .end:
            await cancelTicket(entry.ticket)
            sessions.remove(token, owner: state.id)
            state.token = nil
            let words = served.conversation.content.words(session.language)
            return Response(code: 250, keyword: "ENDED", lines: [words.text("wiped")])
        default:
            return Response(code: 451, keyword: "TRY-LATER", message: "internal error; try again")
        }
    }

    /// The core's command words behind the navigation verbs.
    static let coreCommands: [Command.Navigation: String] = [
        .next: "/next", .back: "/back", .repeat: "/repeat", .all: "/all", .restart: "/restart",
    ]

    /// Saves the session, numbers the reply's events and shapes the response, rendered from the content version
    /// that made the reply.
    func finish(
        _ reply: Reply, from served: ServedContent, session: Session, input: String, token: String,
        state: inout ConnectionState,
        as override: (Int, String)? = nil, events extra: [WireEvent] = [], typed: Bool = false
    ) async -> Response {
        stats.record { $0.answers[reply.kind, default: 0] += 1 }
        record(reply, input: input, typed: typed, token: token)
        var response = conversationResponse(reply, text: served.text, input: input, format: state.format)
        let turns = remember(response.lines.first, input: input, typed: typed, token: token)
        if let (code, keyword) = override {
            response.code = code
            response.keyword = keyword
        }
        var events = extra
        var ends = false
        for event in reply.events {
            switch event {
            case .handoffRequested(let reason, let topic):
                stats.record { $0.handoffs += 1 }
                guard let desk else {
                    logger.info(
                        "handoff requested (no data directory: not queued durably)",
                        metadata: ["connection": "\(state.id)", "topic": "\(topic ?? "-")"])
                    events.append(
                        WireEvent(
                            code: 614, keyword: "HANDOFF-REQUESTED", sequence: 0,
                            parameters: [.init("topic", topic ?? "none"), .init("durable", "no")]))
                    continue
                }
                if let quotas, !quotas.takeHandoff(from: state.address) {
                    logger.notice(
                        "requests for a person limited",
                        metadata: ["connection": "\(state.id)", "address": "\(state.address)"])
                    return Response(
                        code: 451, keyword: "TRY-LATER",
                        message: "too many requests for a person from your address just now; ask at the desk")
                }
                let queued: (ticket: Ticket, ahead: Int)
                do {
                    queued = try await enqueue(
                        reason: reason, topic: topic, session: session, token: token, turns: turns, desk: desk)
                } catch {
                    return Self.storeUnavailable(error, logger: logger)
                }
                let number = queued.ticket.number
                response.code = 240
                response.keyword = "QUEUED"
                response.parameters.removeAll { $0.key == "state" || $0.key == "durable" }
                response.parameters += [.init("ticket", number), .init("ahead", queued.ahead)]
                logger.info(
                    "handoff queued",
                    metadata: ["connection": "\(state.id)", "ticket": "\(number)", "topic": "\(topic ?? "-")"])
                events.append(
                    WireEvent(
                        code: 614, keyword: "HANDOFF-REQUESTED", sequence: 0,
                        parameters: [
                            .init("topic", topic ?? "none"), .init("durable", "yes"), .init("ticket", number),
                        ]))
            case .sensitiveDataWithheld:
                events.append(WireEvent(code: 622, keyword: "DATA-WITHHELD", sequence: 0))
            case .endSession:
                ends = true
                events.append(
                    WireEvent(
                        code: 621, keyword: "SESSION-ENDED", sequence: 0, parameters: [.init("reason", "goodbye")]))
            }
        }
        response.events = sessions.update(token, owner: state.id, session: session, events: events)
        if let desk, response.code == 240 { response.events += await desk.announce(caller: state.id) }
        if ends {
            // A goodbye in the person's own words ("dag", "ik wil stoppen") ends the conversation as END does: an
            // open ticket is cancelled, so no helper takes it and RESUME brings nothing of it back.
            await cancelTicket(sessions.peek(token)?.ticket)
            sessions.remove(token, owner: state.id)
            state.token = nil
        }
        return response
    }

    /// Cancels the open ticket of a conversation that ends (END, or a goodbye), and tells the helpers watching.
    func cancelTicket(_ ticket: Int?) async {
        guard let desk, let ticket else { return }
        _ = try? await desk.queue.cancel(ticket, at: Date())
        desk.unlink(ticket)
        _ = await desk.announce()
    }

    /// Hands the reply to the statistics (before the session is saved: the store still holds the one before it).
    func record(_ reply: Reply, input: String, typed: Bool, token: String) {
        guard let recorder, let entry = sessions.peek(token) else { return }
        recorder.record(
            ConversationRecord(
                reply: reply, before: entry.session, question: typed ? input : nil, site: entry.site ?? "-",
                startsConversation: !entry.recorded, at: Date()))
        if !entry.recorded { sessions.modify(token) { $0.recorded = true } }
    }

    /// A conversation reply as a response: `210 ANSWER`, `213 STEP`, `330 CLARIFY`, `211 FALLBACK`, `241 HANDOFF` or
    /// `212 CHAT`, with the rendered lines and, in JSON mode, the `ask --json` object.
    func conversationResponse(_ reply: Reply, text: ReplyText, input: String, format: WireFormat) -> Response {
        let (code, keyword) = Self.code(for: reply.kind)
        var response = Response(code: code, keyword: keyword)
        var parameters = [Response.Parameter("kind", reply.kind.rawValue)]
        if let topic = reply.topic { parameters.append(.init("topic", topic)) }
        if let position = reply.position { parameters.append(.init("step", "\(position.step)/\(position.total)")) }
        if !reply.options.isEmpty { parameters.append(.init("options", reply.options.count)) }
        parameters.append(.init("lang", reply.language.rawValue))
        parameters.append(.init("region", reply.region.rawValue))
        if reply.kind == .handoff {
            parameters.append(.init("state", "requested"))
            parameters.append(.init("durable", "no"))
        }
        response.parameters = parameters
        response.lines = text.lines(reply)
        if format == .json { response.reply = AskJSON(input: input, reply: reply) }
        return response
    }

    static func code(for kind: Reply.Kind) -> (Int, String) {
        switch kind {
        case .answer: (210, "ANSWER")
        case .fallback: (211, "FALLBACK")
        case .chat: (212, "CHAT")
        case .step: (213, "STEP")
        case .handoff: (241, "HANDOFF")
        case .clarify: (330, "CLARIFY")
        }
    }

    // MARK: - Sessions

    func new(_ options: Command.NewOptions, state: inout ConnectionState) async -> Response {
        var language: Language?
        if let code = options.lang {
            guard let chosen = Language(rawValue: code.lowercased()) else {
                return Self.unsupported("this server speaks nl, fr and en")
            }
            language = chosen
        }
        var region = configuration.defaultRegion
        if let code = options.region {
            guard let chosen = Region(code: code) else { return Self.unsupported("regions are VL, BXL, WAL and FR") }
            region = chosen
        }
        if let old = state.token {
            if let desk, let ticket = sessions.peek(old)?.ticket {
                _ = try? await desk.queue.cancel(ticket, at: Date())
                desk.unlink(ticket)
                _ = await desk.announce()
            }
            sessions.remove(old, owner: state.id)
            state.token = nil
        }
        // Without lang=, a conversation starts in the server's default language, or the usual one of the region it
        // names; either way the first messages' own language decides (`lang=` fixes it).
        if let quotas, !quotas.takeSession(from: state.address) {
            logger.notice(
                "new conversations limited", metadata: ["connection": "\(state.id)", "address": "\(state.address)"])
            return Response(
                code: 452, keyword: "TOO-MANY-SESSIONS",
                message: "too many new conversations from your address; try again in a minute")
        }
        let usual = options.region != nil ? region.usualLanguage : configuration.defaultLanguage
        var session = Session(language: language ?? usual, region: region)
        session.languageLocked = language != nil
        session.lastActivity = Date()
        guard let (token, _) = sessions.create(session, channel: options.channel, site: options.site, owner: state.id)
        else {
            return Response(code: 452, keyword: "TOO-MANY-SESSIONS", message: "the server is full; try again later")
        }
        state.token = token
        let served = content.served
        let welcome = served.conversation.welcome(session)
        var response = Response(code: 220, keyword: "SESSION")
        response.parameters = sessionParameters(token: token, session: session, sequence: 0)
        response.lines = served.text.lines(welcome)
        if state.format == .json { response.reply = AskJSON(input: "", reply: welcome) }
        logger.debug(
            "session started", metadata: ["connection": "\(state.id)", "channel": "\(options.channel ?? "-")"])
        return response
    }

    func resume(_ token: String, since: Int?, state: inout ConnectionState) async -> Response {
        switch sessions.resume(token, owner: state.id, since: since) {
        case .unknown:
            if let relinked = await relink(token, since: since, state: &state) { return relinked }
            return Response(
                code: 550, keyword: "NO-SESSION", message: "unknown or expired conversation; start one: NEW")
        case .busy:
            return Response(
                code: 453, keyword: "SESSION-BUSY", message: "the conversation is open on another connection")
        case .resumed(let entry, let replay):
            if let old = state.token, old != token { sessions.detach(old, owner: state.id) }
            state.token = token
            var response = Response(code: 220, keyword: "SESSION")
            response.parameters =
                sessionParameters(token: token, session: entry.session, sequence: entry.sequence)
                + [.init("resumed", "yes"), .init("replay", replay.count)]
            response.events = replay
            return response
        }
    }

    func sessionParameters(token: String, session: Session, sequence: Int) -> [Response.Parameter] {
        [
            .init("token", token), .init("ttl", Int(configuration.sessionTimeToLive.components.seconds)),
            .init("seq", sequence), .init("lang", session.language.rawValue), .init("region", session.region.rawValue),
        ]
    }

    // MARK: - Connection commands

    func hello(_ client: String?, _ version: String?, _ format: String?, state: inout ConnectionState) -> Response {
        guard !state.greeted else { return Self.badSequence("HELLO was already said on this connection") }
        if let version, version != Self.protocolVersion {
            return Response(code: 505, keyword: "VERSION", message: "this server speaks \(Self.protocolVersion)")
        }
        var chosen = WireFormat.text
        if let format {
            guard let known = WireFormat(rawValue: format) else {
                return Self.unsupported("formats are text and json")
            }
            chosen = known
        }
        state.greeted = true
        state.format = chosen
        logger.debug("hello", metadata: ["connection": "\(state.id)", "client": "\(client ?? "-")"])
        var response = Response(code: 250, keyword: "HELLO", lines: capabilities())
        response.parameters = [.init("version", Self.protocolVersion), .init("format", chosen.rawValue)]
        return response
    }

    func capabilities() -> [String] {
        [
            "VERSION \(Self.protocolVersion)",
            "FORMAT text json",
            "LANG " + Language.allCases.map(\.rawValue).joined(separator: " "),
            "REGION " + Region.allCases.map(\.rawValue).joined(separator: " "),
            "MAXLINE \(configuration.maximumLineLength)",
            "MAXQUESTION \(configuration.maximumQuestionLength)",
            "TAGS \(RequestParser.maximumTagLength)",
            "PIPELINING",
            "RESUME ttl=\(configuration.sessionTimeToLive.components.seconds) events=\(configuration.rememberedEvents)",
            desk == nil ? "HANDOFF durable=no" : "HANDOFF durable=yes",
        ]
    }

    func status(_ state: ConnectionState) -> Response {
        var parameters = [
            Response.Parameter("hello", state.greeted ? "yes" : "no"), .init("format", state.format.rawValue),
        ]
        guard let token = state.token, let entry = sessions.checkOut(token, owner: state.id) else {
            return Response(code: 250, keyword: "STATUS", parameters: parameters + [.init("session", "none")])
        }
        let session = entry.session
        parameters += [
            .init("session", "active"), .init("token", token), .init("seq", entry.sequence),
            .init("lang", session.language.rawValue), .init("region", session.region.rawValue),
        ]
        if let topic = session.topic {
            parameters += [.init("topic", topic), .init("step", session.step + 1)]
        }
        let pending =
            switch session.pending {
            case .none: "none"
            case .clarification: "clarify"
            case .followUps: "followups"
            case .handoffOffer: "handoff-offer"
            }
        parameters.append(.init("pending", pending))
        if case .requested = session.handoff {
            parameters.append(.init("handoff", "requested"))
        } else {
            parameters.append(.init("handoff", "none"))
        }
        if let channel = entry.channel { parameters.append(.init("channel", channel)) }
        if let site = entry.site { parameters.append(.init("site", site)) }
        return Response(code: 250, keyword: "STATUS", parameters: parameters)
    }

    func statistics() -> Response {
        let counters = stats.snapshot
        var parameters: [Response.Parameter] = [
            .init("connections", counters.connections), .init("connections-total", counters.connectionsTotal),
            .init("refused", counters.connectionsRefused), .init("sessions", sessions.count),
            .init("questions", counters.questions),
        ]
        for kind in [Reply.Kind.answer, .step, .clarify, .fallback, .handoff, .chat] {
            parameters.append(.init("answers.\(kind.rawValue)", counters.answers[kind] ?? 0))
        }
        parameters += [
            .init("errors", counters.errors), .init("handoffs", counters.handoffs),
            .init("slow-readers", counters.slowReaders), .init("timeouts", counters.timeouts),
            .init("foreign", counters.foreignProtocols), .init("reloads", counters.reloads),
            .init("reloads-refused", counters.reloadsRefused),
            .init("topics", content.conversation.content.topics.count),
            .init("uptime", Int(Date().timeIntervalSince(stats.started))),
        ]
        if let resident = ServerStats.residentKilobytes() { parameters.append(.init("rss-kb", resident)) }
        return Response(code: 250, keyword: "STATS", parameters: parameters)
    }

    func help(_ verb: String?) -> Response {
        if let verb {
            guard let entry = Self.helpTable.first(where: { $0.verb == verb }) else {
                return Response(code: 504, keyword: "UNSUPPORTED", message: "no such command; type HELP for the list")
            }
            return Response(code: 214, keyword: "HELP", lines: [entry.usage, entry.summary])
        }
        let width = Self.helpTable.map(\.usage.count).max() ?? 0
        let lines =
            ["Commands (a line may start with @tag; the reply then carries the same tag):"]
            + Self.helpTable.map { $0.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
        return Response(
            code: 214, keyword: "HELP", message: "the protocol is described in docs/PROTOCOL.md", lines: lines)
    }

    static let helpTable: [(verb: String, usage: String, summary: String)] = [
        ("HELLO", "HELLO [client-id] [STAPJE/1] [format=text|json]", "start: say hello (once, first)"),
        ("NEW", "NEW [lang=nl|fr|en] [region=VL|BXL|WAL|FR] [channel=..] [site=..]", "start a conversation"),
        ("ASK", "ASK <your question>", "ask a question in your own words"),
        ("NEXT", "NEXT", "the next step"),
        ("BACK", "BACK", "the step before"),
        ("REPEAT", "REPEAT", "this step again"),
        ("ALL", "ALL", "all steps at once"),
        ("RESTART", "RESTART", "back to the first step"),
        ("FOLLOW", "FOLLOW <n>", "choose number n from a list"),
        ("LANG", "LANG nl|fr|en", "speak another language"),
        ("REGION", "REGION VL|BXL|WAL|FR", "use the information for another region"),
        ("HUMAN", "HUMAN", "ask for a person (a helper)"),
        ("CANCEL", "CANCEL", "you no longer need a helper"),
        ("STATUS", "STATUS", "where the conversation stands"),
        ("END", "END", "wipe the conversation now"),
        ("RESUME", "RESUME <token> [since=<seq>]", "go back to a conversation after a reconnect"),
        ("CAPA", "CAPA", "what this server can do"),
        ("HELP", "HELP [command]", "this list, or one command"),
        ("PING", "PING [word]", "check the connection"),
        ("STATS", "STATS", "server counters"),
        ("AUTH", "AUTH <token>", "helpers: sign in"),
        ("QUEUE", "QUEUE", "helpers: the open tickets"),
        ("WATCH", "WATCH", "helpers: be told of new and changed tickets"),
        ("TAKE", "TAKE <n>", "helpers: take ticket n"),
        ("SAY", "SAY <n> <text>", "helpers: write to the person of ticket n"),
        ("TRANSCRIPT", "TRANSCRIPT <n>", "helpers: what was said in ticket n"),
        ("RELEASE", "RELEASE <n>", "helpers: give ticket n back to the queue"),
        ("RESOLVE", "RESOLVE <n>", "helpers: close ticket n, the person was helped"),
        ("QUIT", "QUIT", "close the connection"),
    ]

    static func badSequence(_ message: String) -> Response {
        Response(code: 503, keyword: "BAD-SEQUENCE", message: message)
    }

    static func unsupported(_ message: String) -> Response {
        Response(code: 504, keyword: "UNSUPPORTED", message: message)
    }
}
