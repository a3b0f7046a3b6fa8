import Foundation
import Logging
import StapjeCore
import StapjeKnowledge
import StapjePrivacy
import StapjeStore
import StapjeText

/// The handoff side of the protocol: queueing a starter's request, relaying while a helper holds it, and the
/// helper commands (docs/PROTOCOL.md, section 7).
extension Responder {
    /// How many turns a session keeps for a helper's card.
    static let rememberedTurns = 8
    /// The one redactor: what a starter typed is redacted before it is kept, stored or shown to a helper.
    static let redactor = Redactor()

    // MARK: - The starter's side

    /// Keeps the starter's words (redacted) and the first line of the bot's reply for a later ticket.
    func remember(_ replyLine: String?, input: String, typed: Bool, token: String) -> [Turn.Draft] {
        guard desk != nil else { return [] }
        let now = Date()
        var added = [Turn.Draft]()
        if typed && !input.isEmpty { added.append(Turn.Draft(.starter, Self.redactor.redact(input), at: now)) }
        if let replyLine {
            added.append(Turn.Draft(.bot, String(replyLine.prefix(300)), at: now))
        }
        let entry = sessions.modify(token) { entry in
            entry.turns.append(contentsOf: added)
            if entry.turns.count > Self.rememberedTurns {
                entry.turns.removeFirst(entry.turns.count - Self.rememberedTurns)
            }
        }
        return entry?.turns ?? added
    }

    /// Queues the session's request; returns only after the ticket is committed.
    func enqueue(
        reason: String, topic: String?, session: Session, token: String, turns: [Turn.Draft], desk: HandoffDesk
    ) async throws -> (ticket: Ticket, ahead: Int) {
        guard let entry = sessions.peek(token) else { throw StoreError("the conversation is gone") }
        let request = HandoffRequest(
            starter: entry.id, language: session.language.rawValue, region: session.region.rawValue,
            site: entry.site ?? "-", channel: entry.channel ?? "tcp", reason: reason, topicGuess: topic,
            recentTurns: turns, resumeToken: token)
        let queued = try await desk.queue.enqueue(request, at: Date())
        desk.link(token, to: queued.ticket.number)
        sessions.modify(token) { $0.ticket = queued.ticket.number }
        return queued
    }

    /// `RESUME` of a conversation the server does not know (it restarted) whose open ticket remembers the token's
    /// keyed hash: a fresh session in the ticket's language and region takes the ticket up again, the person hears
    /// their place in line (or that their helper is there), and the helper holding it is told they are back. Nil
    /// when there is no such ticket.
    func relink(_ token: String, since: Int?, state: inout ConnectionState) async -> Response? {
        guard let desk else { return nil }
        let ticket: Ticket
        do {
            guard let open = try await desk.queue.openTicket(resumeToken: token) else { return nil }
            ticket = open
        } catch {
            return Self.storeUnavailable(error, logger: logger)
        }
        let now = Date()
        var session = Session(
            language: Language(rawValue: ticket.language) ?? configuration.defaultLanguage,
            region: Region(code: ticket.region) ?? configuration.defaultRegion)
        session.languageSettled = true
        session.lastActivity = now
        session.handoff = .requested(reason: ticket.reason, topicGuess: ticket.topicGuess)
        var entry = SessionStore.Entry(
            session: session, channel: ticket.channel, site: ticket.site == "-" ? nil : ticket.site, lastSeen: .now(),
            owner: state.id)
        entry.id = ticket.starter
        entry.ticket = ticket.number
        entry.sequence = since ?? 0
        guard sessions.restore(token, entry: entry) else {
            if sessions.peek(token) != nil {
                return Response(
                    code: 453, keyword: "SESSION-BUSY", message: "the conversation is open on another connection")
            }
            return Response(code: 452, keyword: "TOO-MANY-SESSIONS", message: "the server is full; try again later")
        }
        if let old = state.token, old != token { sessions.detach(old, owner: state.id) }
        state.token = token
        desk.link(token, to: ticket.number)
        _ = try? await desk.queue.starterSeen(ticket.number, at: now)

        var response = Response(code: 220, keyword: "SESSION")
        var parameters: [Response.Parameter] = [.init("ticket", ticket.number)]
        let event: WireEvent
        if ticket.state == .assigned, let helper = ticket.helper {
            event = WireEvent(
                code: 610, keyword: "HELPER-JOINED", sequence: 0,
                parameters: [.init("ticket", ticket.number), .init("helper", helper)])
            let back = WireEvent(
                code: 603, keyword: "STARTER-BACK", sequence: 0, parameters: [.init("ticket", ticket.number)])
            for id in desk.helperConnections(watching: false, named: helper) { desk.send([back], to: id) }
        } else {
            let ahead = (try? await desk.queue.ahead(of: ticket.number)) ?? 0
            parameters.append(.init("ahead", ahead))
            event = WireEvent(
                code: 613, keyword: "HANDOFF-QUEUED", sequence: 0,
                parameters: [.init("ticket", ticket.number), .init("ahead", ahead)])
            response.lines = [content.conversation.content.words(session.language).text("handoff_requested")]
        }
        response.events = sessions.update(token, owner: state.id, session: session, events: [event])
        let sequence = response.events.last?.sequence ?? entry.sequence
        response.parameters =
            sessionParameters(token: token, session: session, sequence: sequence)
            + [.init("resumed", "yes"), .init("replay", response.events.count)] + parameters
        logger.info(
            "conversation re-linked to its ticket",
            metadata: ["connection": "\(state.id)", "ticket": "\(ticket.number)", "state": "\(ticket.state.rawValue)"])
        return response
    }

    /// While a helper holds the ticket the bot is silent: the starter's words go to the helper. Nil when the
    /// ticket is still waiting (the bot answers meanwhile).
    func relay(_ text: String, ticket number: Int, desk: HandoffDesk, language: Language) async -> Response? {
        let ticket: Ticket?
        do {
            ticket = try await desk.queue.ticket(number)
        } catch {
            return Self.storeUnavailable(error, logger: logger)
        }
        guard let ticket, ticket.state == .assigned else { return nil }
        // Nothing invisible reaches the helper's screen or the transcript (a bidi override could disguise a line).
        let text = InvisibleCharacters.removed(from: text)
        let findings = Self.redactor.detector.findings(in: text)
        let redacted = Self.redactor.replacing(findings, in: text)
        let turn: Turn
        do {
            turn = try await desk.queue.appendTurn(number, by: .starter, text: redacted, at: Date())
        } catch {
            return Self.storeUnavailable(error, logger: logger)
        }
        // The helper sees the turn as it is kept (masked twice: `Redaction` after the redactor), so a short code
        // the redactor lets through ("code=1234") is not shown live and hidden in the transcript.
        let event = WireEvent(
            code: 602, keyword: "STARTER", sequence: Int(turn.id), parameters: [.init("ticket", number)],
            message: turn.text)
        for id in desk.helperConnections(watching: false, named: ticket.helper) { desk.send([event], to: id) }
        var response = Response(
            code: 242, keyword: "RELAYED", parameters: [.init("ticket", number)],
            message: "your helper reads this")
        // The helper sees a placeholder for what no one may be asked for; the person is told, as the bot tells them.
        if !findings.isEmpty {
            response.lines = [
                content.served.conversation.content.words(language).text(Conversation.lessonKey(findings))
            ]
        }
        return response
    }

    // MARK: - Helpers

    /// Signs out a helper removed since they signed in (`stapje helper remove`), at any line of theirs (`PING`, which
    /// a desk sends every 20 seconds, included): the tickets this connection held go back to the queue at once,
    /// their people are told, and no more events reach the connection. Nil while the account exists (or the store
    /// cannot say: nobody is signed out for a failing disk).
    func signOutIfRemoved(state: inout ConnectionState, desk: HandoffDesk, at now: Date) async -> Response? {
        guard let helper = state.helper, let exists = try? await desk.accounts.exists(name: helper), !exists else {
            return nil
        }
        for number in state.held.sorted() {
            guard let ticket = try? await desk.queue.ticket(number), !ticket.state.isFinal,
                let assignment = ticket.assignment, assignment.helper == helper
            else { continue }
            _ = try? await desk.queue.release(assignment, at: now)
        }
        state.helper = nil
        state.held = []
        desk.signOut(on: state.id)
        logger.notice("removed helper signed out", metadata: ["connection": "\(state.id)", "helper": "\(helper)"])
        var response = Response(
            code: 530, keyword: "AUTH-REQUIRED", message: "this helper account was removed; sign in again: AUTH <token>"
        )
        response.events = await desk.announce(caller: state.id)
        return response
    }

    func helperCommand(_ command: Command, state: inout ConnectionState) async -> Response {
        guard let desk else {
            return Self.unsupported("this server runs without a handoff queue (--no-queue)")
        }
        let now = Date()
        if case .auth(let token) = command {
            guard state.helper == nil else { return Self.badSequence("you are already signed in") }
            let outcome: Authentication
            do {
                outcome = try await desk.accounts.authenticate(token: token, from: state.address, at: now)
            } catch {
                return Self.storeUnavailable(error, logger: logger)
            }
            switch outcome {
            case .accepted(let helper):
                state.helper = helper.name
                desk.signIn(helper.name, on: state.id)
                logger.info("helper signed in", metadata: ["connection": "\(state.id)", "helper": "\(helper.name)"])
                return Response(code: 235, keyword: "AUTHENTICATED", parameters: [.init("helper", helper.name)])
            case .refused:
                logger.notice(
                    "helper sign-in refused", metadata: ["connection": "\(state.id)", "address": "\(state.address)"])
                return Response(code: 535, keyword: "AUTH-FAILED", message: "that token is not valid")
            case .limited(let retryAfter):
                logger.notice(
                    "helper sign-ins limited", metadata: ["connection": "\(state.id)", "address": "\(state.address)"])
                return Response(
                    code: 454, keyword: "AUTH-LIMITED",
                    parameters: [.init("retry-after", max(1, Int(retryAfter.components.seconds)))],
                    message: "too many failed sign-ins from your address; wait and try again")
            }
        }
        guard let helper = state.helper else {
            return Response(
                code: 530, keyword: "AUTH-REQUIRED", message: "helper commands need a sign-in first: AUTH <token>")
        }
        do {
            var response = try await run(command, helper: helper, desk: desk, state: state, at: now)
            switch command {
            case .take(let number): state.held.insert(number)
            case .release(let number), .resolve(let number): state.held.remove(number)
            default: break
            }
            response.events += await desk.announce(caller: state.id)
            return response
        } catch let error as TicketError {
            var response = Self.ticketRefusal(error)
            response.events += await desk.announce(caller: state.id)
            return response
        } catch {
            return Self.storeUnavailable(error, logger: logger)
        }
    }

    private func run(_ command: Command, helper: String, desk: HandoffDesk, state: ConnectionState, at now: Date)
        async throws -> Response
    {
        /// The helper's current assignment of `number`, or the refusal.
        func assignment(_ number: Int) async throws -> Assignment {
            guard let ticket = try await desk.queue.ticket(number) else { throw TicketError(number, .notFound) }
            if ticket.state.isFinal { throw TicketError(number, .closed(ticket.state)) }
            guard let assignment = ticket.assignment else { throw TicketError(number, .notAssigned) }
            guard assignment.helper == helper else { throw TicketError(number, .taken(by: assignment.helper)) }
            return assignment
        }
        switch command {
        case .queue, .watch:
            let open = try await desk.queue.queue()
            let lines = open.map { Self.queueLine($0, at: now) }
            if case .watch = command {
                desk.watch(on: state.id)
                return Response(code: 250, keyword: "WATCHING", parameters: [.init("open", open.count)], lines: lines)
            }
            return Response(code: 250, keyword: "QUEUE", parameters: [.init("open", open.count)], lines: lines)
        case .take(let number):
            let ticket = try await desk.queue.take(number, helper: helper, at: now)
            let turns = try await desk.queue.transcript(number)
            var lines = [Self.queueLine(ticket, at: now), "reason: \(ticket.reason)"]
            lines += turns.map(Self.transcriptLine)
            return Response(
                code: 250, keyword: "TAKEN",
                parameters: [
                    .init("ticket", number), .init("epoch", ticket.epoch),
                    .init("lease", Int(desk.queue.timeouts.helperLease.components.seconds)),
                ],
                lines: lines)
        case .say(let number, let said):
            let text = InvisibleCharacters.removed(from: said)
            let held = try await assignment(number)
            let turn = try await desk.queue.appendTurn(number, by: .helper(held), text: text, at: now)
            _ = desk.tellStarter(
                of: number,
                [
                    WireEvent(
                        code: 615, keyword: "HELPER", sequence: 0,
                        parameters: [.init("ticket", number), .init("helper", helper)], message: text)
                ])
            return Response(
                code: 250, keyword: "SAID", parameters: [.init("ticket", number), .init("turn", Int(turn.id))])
        case .transcript(let number):
            guard try await desk.queue.ticket(number) != nil else { throw TicketError(number, .notFound) }
            let turns = try await desk.queue.transcript(number)
            return Response(
                code: 250, keyword: "TRANSCRIPT", parameters: [.init("ticket", number), .init("turns", turns.count)],
                lines: turns.map(Self.transcriptLine))
        case .release(let number):
            let ticket = try await desk.queue.release(try await assignment(number), at: now)
            return Response(
                code: 250, keyword: "RELEASED",
                parameters: [.init("ticket", number), .init("state", ticket.state.rawValue)])
        case .resolve(let number):
            let ticket = try await desk.queue.resolve(try await assignment(number), at: now)
            return Response(
                code: 250, keyword: "RESOLVED",
                parameters: [.init("ticket", number), .init("state", ticket.state.rawValue)])
        default:
            return Response(code: 451, keyword: "TRY-LATER", message: "internal error; try again")
        }
    }

    /// `17 queued wait=95 lang=nl region=VL site=bib-gent-1 topic=email.create helper=-`.
    static func queueLine(_ ticket: Ticket, at now: Date) -> String {
        let wait = max(0, Int(now.timeIntervalSince(ticket.created)))
        return "\(ticket.number) \(ticket.state.rawValue) wait=\(wait) lang=\(ticket.language) region=\(ticket.region) "
            + "site=\(WireEncoder.safeValue(ticket.site)) topic=\(ticket.topicGuess ?? "none") "
            + "helper=\(ticket.helper ?? "-")"
    }

    static func transcriptLine(_ turn: Turn) -> String {
        let speaker = turn.speaker == .helper ? "helper \(turn.helper ?? "")" : turn.speaker.rawValue
        return "\(speaker): \(turn.text)"
    }

    /// A refusal of the queue as a reply: the loser of a race learns who won.
    static func ticketRefusal(_ error: TicketError) -> Response {
        var parameters = [Response.Parameter("ticket", error.ticket)]
        let (code, keyword): (Int, String)
        switch error.reason {
        case .notFound: (code, keyword) = (554, "NO-TICKET")
        case .closed(let state):
            (code, keyword) = (554, "TICKET-CLOSED")
            parameters.append(.init("state", state.rawValue))
        case .taken(let helper):
            (code, keyword) = (553, "TICKET-TAKEN")
            parameters.append(.init("helper", helper))
        case .notAssigned, .staleAssignment: (code, keyword) = (553, "NOT-YOURS")
        case .conflict: (code, keyword) = (451, "TRY-LATER")
        }
        return Response(code: code, keyword: keyword, parameters: parameters, message: error.description)
    }

    /// The store failed: nothing was promised. The log says why; the client is told to try again.
    static func storeUnavailable(_ error: any Error, logger: Logger) -> Response {
        logger.error("handoff store failed", metadata: ["error": "\(error)"])
        return Response(
            code: 451, keyword: "TRY-LATER",
            message: "the helper queue is not available now; try again, or ask at the desk")
    }
}
