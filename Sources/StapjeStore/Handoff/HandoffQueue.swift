import Foundation
import GRDB
import Logging

/// The durable queue of handoff tickets: every call that changes something returns after its commit.
///
/// Each operation is one SQLite write transaction (`BEGIN IMMEDIATE`), so concurrent calls, from this process or
/// another one on the same file, are serialised; on top of that every state change is a conditional
/// `UPDATE ... WHERE state = ? AND version = ?` whose row count is checked, so two helpers taking the same ticket
/// get one success and one `TicketError.Reason.taken`. Time is passed in (`at:`): the queue has no clock.
/// Logs carry ticket numbers and states, never what anyone typed.
public struct HandoffQueue: Sendable {
    /// Who adds a line to a transcript.
    public enum Author: Sendable, Hashable {
        /// The starter; their words are stored masked and count as a sign of life.
        case starter
        /// Stapje itself.
        case bot
        /// The helper holding the ticket; the line renews their lease.
        case helper(Assignment)
    }

    /// The timeouts `expire(at:)` applies.
    public let timeouts: HandoffTimeouts
    /// How many of the conversation's last turns a new ticket keeps for the helper's card.
    public let cardTurns: Int

    let database: StoreDatabase
    let logger: Logger

    /// A queue over `database`.
    public init(database: StoreDatabase, timeouts: HandoffTimeouts = .init(), cardTurns: Int = 8, logger: Logger) {
        self.database = database
        self.timeouts = timeouts
        self.cardTurns = max(0, cardTurns)
        self.logger = logger
    }

    // MARK: - The starter's side

    /// Queues a request and returns the committed ticket with the number of queued tickets ahead of it.
    ///
    /// Idempotent per conversation: while the starter already has an open ticket, that ticket comes back and no
    /// new one is made, so a retry after a lost reply never queues the person twice.
    public func enqueue(_ request: HandoffRequest, at now: Date) async throws -> (ticket: Ticket, ahead: Int) {
        let turns = Array(request.recentTurns.suffix(cardTurns))
        let (ticket, ahead, isNew) = try await database.pool.write { db in
            if let open = try Self.openTicket(db, starter: request.starter) {
                return (open, try Self.ahead(db, of: open), false)
            }
            let resumeKey = try request.resumeToken.map { try HandoffSchema.resumeKey(db, token: $0) }
            try db.execute(
                sql: """
                    INSERT INTO ticket (created, starter, language, region, site, channel, reason, topic_guess,
                        state, queued_since, starter_seen, resume_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    """,
                arguments: [
                    now.timeIntervalSince1970, request.starter, request.language, request.region, request.site,
                    request.channel, Redaction.mask(request.reason), request.topicGuess, now.timeIntervalSince1970,
                    now.timeIntervalSince1970, resumeKey,
                ])
            let number = Int(db.lastInsertedRowID)
            for turn in turns {
                try Self.insertTurn(
                    db, ticket: number, speaker: turn.speaker, helper: nil, text: turn.text, at: turn.at)
            }
            try Self.record(
                db, ticket: number, at: now, from: nil, to: .queued, cause: .enqueued, helper: nil, epoch: 0)
            let ticket = try Self.fetch(db, number)
            return (ticket, try Self.ahead(db, of: ticket), true)
        }
        logger.info(
            isNew ? "ticket queued" : "ticket already open",
            metadata: ["ticket": "\(ticket.number)", "ahead": "\(ahead)", "state": "\(ticket.state.rawValue)"])
        return (ticket, ahead)
    }

    /// Cancels an open ticket (the starter no longer wants help); cancelling a cancelled ticket returns it.
    public func cancel(_ number: Int, at now: Date) async throws -> Ticket {
        let ticket = try await database.pool.write { db in
            let ticket = try Self.fetch(db, number)
            switch ticket.state {
            case .cancelled: return ticket
            case .queued, .assigned:
                return try Self.move(db, ticket, to: .cancelled, cause: .cancelled, helper: ticket.helper, at: now)
            default: throw TicketError(number, .closed(ticket.state))
            }
        }
        logger.info("ticket cancelled", metadata: ["ticket": "\(number)"])
        return ticket
    }

    /// Records a sign of life from the starter (a line typed, or their connection still open); returns whether
    /// the ticket is still open.
    @discardableResult
    public func starterSeen(_ number: Int, at now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE ticket SET starter_seen = MAX(starter_seen, ?)
                    WHERE number = ? AND state IN ('queued', 'assigned')
                    """,
                arguments: [now.timeIntervalSince1970, number])
            return db.changesCount == 1
        }
    }

    // MARK: - The helper's side

    /// Takes a queued ticket for `helper`, under a lease of `timeouts.helperLease`.
    ///
    /// Taking a ticket the same helper already holds renews the lease and returns the same assignment (same
    /// epoch); a ticket another helper holds is refused with `.taken(by:)`, a closed one with `.closed`.
    public func take(_ number: Int, helper: String, at now: Date) async throws -> Ticket {
        let lease = now.addingTimeInterval(timeouts.helperLease.timeInterval)
        let ticket = try await database.pool.write { db in
            let ticket = try Self.fetch(db, number)
            switch ticket.state {
            case .queued:
                return try Self.move(
                    db, ticket, to: .assigned, cause: .taken, helper: helper, epoch: ticket.epoch + 1,
                    leaseUntil: lease, at: now)
            case .assigned where ticket.helper == helper:
                return try Self.renew(db, ticket, until: lease)
            case .assigned:
                throw TicketError(number, .taken(by: ticket.helper ?? "another helper"))
            default:
                throw TicketError(number, .closed(ticket.state))
            }
        }
        logger.info(
            "ticket taken", metadata: ["ticket": "\(number)", "helper": "\(helper)", "epoch": "\(ticket.epoch)"])
        return ticket
    }

    /// Gives a ticket back to the queue, in its original place (ahead of everyone who asked later).
    public func release(_ assignment: Assignment, at now: Date) async throws -> Ticket {
        let ticket = try await database.pool.write { db in
            let ticket = try Self.held(db, assignment)
            return try Self.move(db, ticket, to: .queued, cause: .released, helper: nil, at: now)
        }
        logger.info("ticket released", metadata: ["ticket": "\(assignment.ticket)", "helper": "\(assignment.helper)"])
        return ticket
    }

    /// Closes a ticket as resolved; resolving it again with the same assignment returns it.
    public func resolve(_ assignment: Assignment, at now: Date) async throws -> Ticket {
        let ticket = try await database.pool.write { db in
            let current = try Self.fetch(db, assignment.ticket)
            if current.state == .resolved, current.helper == assignment.helper, current.epoch == assignment.epoch {
                return current
            }
            let ticket = try Self.held(db, assignment)
            return try Self.move(db, ticket, to: .resolved, cause: .resolved, helper: ticket.helper, at: now)
        }
        logger.info("ticket resolved", metadata: ["ticket": "\(assignment.ticket)", "helper": "\(assignment.helper)"])
        return ticket
    }

    /// Renews the lease on one held ticket.
    public func renewLease(_ assignment: Assignment, at now: Date) async throws -> Ticket {
        let lease = now.addingTimeInterval(timeouts.helperLease.timeInterval)
        return try await database.pool.write { db in try Self.renew(db, try Self.held(db, assignment), until: lease) }
    }

    /// Renews the leases on the tickets `numbers` that `helper` holds (the heartbeat of the desk that took them);
    /// returns how many. Only the desk that took a ticket keeps it: another desk of the same helper, or one started
    /// again after a crash, renews nothing until it takes the ticket again, so a ticket whose desk died goes back to
    /// the queue within the lease.
    @discardableResult
    public func heartbeat(helper: String, tickets numbers: Set<Int>, at now: Date) async throws -> Int {
        guard !numbers.isEmpty else { return 0 }
        let lease = now.addingTimeInterval(timeouts.helperLease.timeInterval)
        let list = numbers.sorted().map(String.init).joined(separator: ",")
        return try await database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE ticket SET lease_until = MAX(lease_until, ?)
                    WHERE state = 'assigned' AND helper = ? AND number IN (\(list))
                    """,
                arguments: [lease.timeIntervalSince1970, helper])
            return db.changesCount
        }
    }

    // MARK: - Both sides

    /// Adds a line to an open ticket's transcript; a starter's line is stored masked (see `Redaction`).
    @discardableResult
    public func appendTurn(_ number: Int, by author: Author, text: String, at now: Date) async throws -> Turn {
        let lease = now.addingTimeInterval(timeouts.helperLease.timeInterval)
        return try await database.pool.write { db in
            let speaker: Turn.Speaker
            var helper: String?
            switch author {
            case .starter:
                let ticket = try Self.open(db, number)
                speaker = .starter
                try db.execute(
                    sql: "UPDATE ticket SET starter_seen = MAX(starter_seen, ?) WHERE number = ?",
                    arguments: [now.timeIntervalSince1970, ticket.number])
            case .bot:
                _ = try Self.open(db, number)
                speaker = .bot
            case .helper(let assignment):
                guard assignment.ticket == number else { throw TicketError(number, .staleAssignment) }
                _ = try Self.renew(db, try Self.held(db, assignment), until: lease)
                speaker = .helper
                helper = assignment.helper
            }
            return try Self.insertTurn(db, ticket: number, speaker: speaker, helper: helper, text: text, at: now)
        }
    }

    /// Applies the timeouts at `now` and returns the transitions made, oldest ticket first.
    ///
    /// For each open ticket, in this order: a starter silent for `starterGone` → abandoned; an assigned ticket
    /// whose lease has run out → queued again; a queued ticket waiting `maximumWait` since it last entered the
    /// queue → expired. Call it every few seconds, and once at start-up so leases that ran out while the server
    /// was down are handled.
    @discardableResult
    public func expire(at now: Date) async throws -> [Transition] {
        let gone = now.addingTimeInterval(-timeouts.starterGone.timeInterval)
        let waited = now.addingTimeInterval(-timeouts.maximumWait.timeInterval)
        let transitions = try await database.pool.write { db in
            let due = try Ticket.fetchAll(
                db,
                sql: """
                    SELECT * FROM ticket
                    WHERE (state IN ('queued', 'assigned') AND starter_seen <= ?)
                       OR (state = 'assigned' AND lease_until <= ?)
                       OR (state = 'queued' AND queued_since <= ?)
                    ORDER BY number
                    """,
                arguments: [gone.timeIntervalSince1970, now.timeIntervalSince1970, waited.timeIntervalSince1970])
            var transitions: [Transition] = []
            for ticket in due {
                if ticket.starterSeen <= gone {
                    _ = try Self.move(db, ticket, to: .abandoned, cause: .starterGone, helper: ticket.helper, at: now)
                } else if ticket.state == .assigned {
                    _ = try Self.move(db, ticket, to: .queued, cause: .leaseExpired, helper: nil, at: now)
                } else {
                    _ = try Self.move(db, ticket, to: .expired, cause: .waitedTooLong, helper: nil, at: now)
                }
                transitions.append(try Self.lastTransition(db, ticket.number))
            }
            return transitions
        }
        for transition in transitions {
            logger.info(
                "ticket timed out",
                metadata: [
                    "ticket": "\(transition.ticket)", "cause": "\(transition.cause.rawValue)",
                    "state": "\(transition.to.rawValue)",
                ])
        }
        return transitions
    }

    // MARK: - Reading

    /// The open tickets (queued and assigned), in queue order.
    public func queue() async throws -> [Ticket] {
        try await database.pool.read { db in
            try Ticket.fetchAll(db, sql: "SELECT * FROM ticket WHERE state IN ('queued', 'assigned') ORDER BY number")
        }
    }

    /// The ticket with this number, if there is one.
    public func ticket(_ number: Int) async throws -> Ticket? {
        try await database.pool.read { db in
            try Ticket.fetchOne(db, sql: "SELECT * FROM ticket WHERE number = ?", arguments: [number])
        }
    }

    /// The open ticket of a conversation, if any (to pick a conversation up again after a restart).
    public func openTicket(starter: String) async throws -> Ticket? {
        try await database.pool.read { db in try Self.openTicket(db, starter: starter) }
    }

    /// The open ticket queued with this resume token (`HandoffRequest.resumeToken`), if any: how a starter who
    /// reconnects after a restart, when the server no longer knows their conversation, finds their ticket again.
    public func openTicket(resumeToken: String) async throws -> Ticket? {
        try await database.pool.read { db in
            let key = try HandoffSchema.resumeKey(db, token: resumeToken)
            return try Ticket.fetchOne(
                db, sql: "SELECT * FROM ticket WHERE resume_key = ? AND state IN ('queued', 'assigned')",
                arguments: [key])
        }
    }

    /// How many queued tickets are ahead of this one; nil unless it is queued.
    public func ahead(of number: Int) async throws -> Int? {
        try await database.pool.read { db in
            guard
                let ticket = try Ticket.fetchOne(db, sql: "SELECT * FROM ticket WHERE number = ?", arguments: [number]),
                ticket.state == .queued
            else { return nil }
            return try Self.ahead(db, of: ticket)
        }
    }

    /// A ticket's transcript, oldest line first: the card's recent turns, then the chat with the helper.
    public func transcript(_ number: Int) async throws -> [Turn] {
        try await database.pool.read { db in
            try Turn.fetchAll(db, sql: "SELECT * FROM turn WHERE ticket = ? ORDER BY id", arguments: [number])
        }
    }

    /// A ticket's state changes, oldest first.
    public func history(_ number: Int) async throws -> [Transition] {
        try await database.pool.read { db in
            try Transition.fetchAll(
                db, sql: "SELECT * FROM transition WHERE ticket = ? ORDER BY id", arguments: [number])
        }
    }

    /// Every state change after transition `id` (0: from the start), oldest first, at most `limit`.
    public func transitions(after id: Int64, limit: Int = 500) async throws -> [Transition] {
        try await database.pool.read { db in
            try Transition.fetchAll(
                db, sql: "SELECT * FROM transition WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
        }
    }

    // MARK: - Inside a transaction

    static func fetch(_ db: Database, _ number: Int) throws -> Ticket {
        guard let ticket = try Ticket.fetchOne(db, sql: "SELECT * FROM ticket WHERE number = ?", arguments: [number])
        else { throw TicketError(number, .notFound) }
        return ticket
    }

    static func open(_ db: Database, _ number: Int) throws -> Ticket {
        let ticket = try fetch(db, number)
        guard !ticket.state.isFinal else { throw TicketError(number, .closed(ticket.state)) }
        return ticket
    }

    /// The ticket, if `assignment` is its current one.
    static func held(_ db: Database, _ assignment: Assignment) throws -> Ticket {
        let ticket = try fetch(db, assignment.ticket)
        if ticket.state.isFinal { throw TicketError(ticket.number, .closed(ticket.state)) }
        guard ticket.assignment == assignment else { throw TicketError(ticket.number, .staleAssignment) }
        return ticket
    }

    static func openTicket(_ db: Database, starter: String) throws -> Ticket? {
        try Ticket.fetchOne(
            db, sql: "SELECT * FROM ticket WHERE starter = ? AND state IN ('queued', 'assigned')", arguments: [starter])
    }

    static func ahead(_ db: Database, of ticket: Ticket) throws -> Int {
        guard ticket.state == .queued else { return 0 }
        return try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM ticket WHERE state = 'queued' AND number < ?", arguments: [ticket.number])
            ?? 0
    }

    /// Moves `ticket` to `state` if nobody changed it since it was read, and records the transition.
    static func move(
        _ db: Database, _ ticket: Ticket, to state: Ticket.State, cause: Transition.Cause, helper: String?,
        epoch: Int? = nil, leaseUntil: Date? = nil, at now: Date
    ) throws -> Ticket {
        var moved = ticket
        moved.state = state
        moved.helper = helper
        moved.epoch = epoch ?? ticket.epoch
        moved.leaseUntil = leaseUntil
        if state == .queued { moved.queuedSince = now }
        if state.isFinal { moved.closed = now }
        moved.version = ticket.version + 1
        try db.execute(
            sql: """
                UPDATE ticket SET state = ?, helper = ?, epoch = ?, lease_until = ?, queued_since = ?, closed = ?,
                    version = version + 1
                WHERE number = ? AND state = ? AND version = ?
                """,
            arguments: [
                state.rawValue, helper, moved.epoch, leaseUntil?.timeIntervalSince1970,
                moved.queuedSince.timeIntervalSince1970, moved.closed?.timeIntervalSince1970, ticket.number,
                ticket.state.rawValue, ticket.version,
            ])
        guard db.changesCount == 1 else { throw TicketError(ticket.number, .conflict) }
        try record(
            db, ticket: ticket.number, at: now, from: ticket.state, to: state, cause: cause,
            helper: helper ?? ticket.helper,
            epoch: moved.epoch)
        return moved
    }

    static func renew(_ db: Database, _ ticket: Ticket, until lease: Date) throws -> Ticket {
        var renewed = ticket
        renewed.leaseUntil = max(lease, ticket.leaseUntil ?? lease)
        try db.execute(
            sql: "UPDATE ticket SET lease_until = ? WHERE number = ? AND state = 'assigned' AND version = ?",
            arguments: [renewed.leaseUntil?.timeIntervalSince1970, ticket.number, ticket.version])
        guard db.changesCount == 1 else { throw TicketError(ticket.number, .conflict) }
        return renewed
    }

    @discardableResult
    static func record(
        _ db: Database, ticket: Int, at now: Date, from: Ticket.State?, to: Ticket.State, cause: Transition.Cause,
        helper: String?, epoch: Int
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO transition (ticket, at, from_state, to_state, cause, helper, epoch)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [ticket, now.timeIntervalSince1970, from?.rawValue, to.rawValue, cause.rawValue, helper, epoch])
        return db.lastInsertedRowID
    }

    static func lastTransition(_ db: Database, _ number: Int) throws -> Transition {
        guard
            let transition = try Transition.fetchOne(
                db, sql: "SELECT * FROM transition WHERE ticket = ? ORDER BY id DESC LIMIT 1", arguments: [number])
        else { throw TicketError(number, .notFound) }
        return transition
    }

    @discardableResult
    static func insertTurn(
        _ db: Database, ticket: Int, speaker: Turn.Speaker, helper: String?, text: String, at: Date
    ) throws -> Turn {
        let stored = speaker == .starter ? Redaction.mask(text) : text
        try db.execute(
            sql: "INSERT INTO turn (ticket, at, speaker, helper, text) VALUES (?, ?, ?, ?, ?)",
            arguments: [ticket, at.timeIntervalSince1970, speaker.rawValue, helper, stored])
        return Turn(id: db.lastInsertedRowID, ticket: ticket, at: at, speaker: speaker, helper: helper, text: stored)
    }
}
