import Foundation
import GRDB

/// A starter's request for a human helper, as the queue keeps it.
public struct Ticket: Sendable, Hashable {
    /// Where a ticket is in its life.
    ///
    /// `queued → assigned → resolved | cancelled | abandoned | expired`, and `assigned → queued` when the helper
    /// releases it or their lease runs out. The four final states are absorbing.
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        /// Waiting for a helper.
        case queued
        /// A helper holds it, under a lease.
        case assigned
        /// The helper finished helping.
        case resolved
        /// The starter no longer wanted help.
        case cancelled
        /// The starter left (no sign of life for longer than the "starter gone" timeout).
        case abandoned
        /// Nobody took it within the maximum wait.
        case expired

        /// Whether the state is one of the four final ones.
        public var isFinal: Bool { self != .queued && self != .assigned }

        /// The final states.
        public static let finals: [State] = [.resolved, .cancelled, .abandoned, .expired]
    }

    /// The number shown to the person ("you are number 17"); sequential, never reused.
    public var number: Int
    /// When the ticket was committed.
    public var created: Date
    /// An opaque key for the starter's conversation (not a resume token): one open ticket per key.
    public var starter: String
    /// The conversation's language code (nl, fr, en).
    public var language: String
    /// The region code (VL, BXL, WAL, FR).
    public var region: String
    /// The site or kiosk name.
    public var site: String
    /// How the starter reached Stapje (kiosk, tcp, ...).
    public var channel: String
    /// Why a helper was asked for ("asked for a person", "offered after repeated misses").
    public var reason: String
    /// The engine's one-line guess at the topic.
    public var topicGuess: String?
    /// Where the ticket is now.
    public var state: State
    /// The helper holding it (or who last held it, once closed).
    public var helper: String?
    /// How many times it has been taken: the fencing token of the current assignment.
    public var epoch: Int
    /// When the current helper's lease runs out (assigned only).
    public var leaseUntil: Date?
    /// When it last entered the queue; the maximum wait counts from here.
    public var queuedSince: Date
    /// The starter's last sign of life; the "starter gone" timeout counts from here.
    public var starterSeen: Date
    /// When it reached its final state.
    public var closed: Date?
    /// Bumped on every change of state or holder (optimistic concurrency).
    public var version: Int

    /// The current assignment, when a helper holds the ticket.
    public var assignment: Assignment? {
        guard state == .assigned, let helper else { return nil }
        return Assignment(ticket: number, helper: helper, epoch: epoch)
    }
}

extension Ticket: FetchableRecord {
    public init(row: Row) throws {
        number = row["number"]
        created = Date(timeIntervalSince1970: row["created"])
        starter = row["starter"]
        language = row["language"]
        region = row["region"]
        site = row["site"]
        channel = row["channel"]
        reason = row["reason"]
        topicGuess = row["topic_guess"]
        let stateName: String = row["state"]
        guard let state = State(rawValue: stateName) else {
            throw StoreError(
                "ticket \(number) has the unknown state '\(stateName)'; is this store from a newer Stapje?")
        }
        self.state = state
        helper = row["helper"]
        epoch = row["epoch"]
        leaseUntil = (row["lease_until"] as Double?).map(Date.init(timeIntervalSince1970:))
        queuedSince = Date(timeIntervalSince1970: row["queued_since"])
        starterSeen = Date(timeIntervalSince1970: row["starter_seen"])
        closed = (row["closed"] as Double?).map(Date.init(timeIntervalSince1970:))
        version = row["version"]
    }
}

/// A helper's hold on a ticket; every helper action carries it, so a holder whose lease ran out is refused.
public struct Assignment: Sendable, Hashable {
    /// The ticket number.
    public var ticket: Int
    /// The helper's name.
    public var helper: String
    /// The ticket's epoch when it was taken.
    public var epoch: Int

    /// An assignment, as returned by `HandoffQueue.take`.
    public init(ticket: Int, helper: String, epoch: Int) {
        self.ticket = ticket
        self.helper = helper
        self.epoch = epoch
    }
}

/// What the starter asks for when they want a person; `HandoffQueue.enqueue` turns it into a ticket.
public struct HandoffRequest: Sendable, Hashable {
    /// An opaque key for the starter's conversation: asking again while a ticket is open returns that ticket.
    public var starter: String
    /// The language code.
    public var language: String
    /// The region code.
    public var region: String
    /// The site or kiosk name.
    public var site: String
    /// The channel (kiosk, tcp, ...).
    public var channel: String
    /// Why a helper was asked for.
    public var reason: String
    /// The engine's topic guess.
    public var topicGuess: String?
    /// The conversation so far, oldest first; the queue keeps the last few for the helper's card.
    public var recentTurns: [Turn.Draft]
    /// The starter's resume token, so that `openTicket(resumeToken:)` finds the ticket after a restart. Only a
    /// keyed hash of it is stored.
    public var resumeToken: String?

    /// A request; see the properties.
    public init(
        starter: String, language: String, region: String, site: String, channel: String, reason: String,
        topicGuess: String? = nil, recentTurns: [Turn.Draft] = [], resumeToken: String? = nil
    ) {
        self.resumeToken = resumeToken
        self.starter = starter
        self.language = language
        self.region = region
        self.site = site
        self.channel = channel
        self.reason = reason
        self.topicGuess = topicGuess
        self.recentTurns = recentTurns
    }
}

/// One line of a ticket's transcript.
public struct Turn: Sendable, Hashable {
    /// Who said it.
    public enum Speaker: String, Sendable, Hashable, Codable {
        /// The person at the kiosk.
        case starter
        /// Stapje itself.
        case bot
        /// The helper holding the ticket.
        case helper
    }

    /// A turn not yet stored.
    public struct Draft: Sendable, Hashable {
        /// Who said it.
        public var speaker: Speaker
        /// What was said.
        public var text: String
        /// When.
        public var at: Date

        /// A draft turn.
        public init(_ speaker: Speaker, _ text: String, at: Date) {
            self.speaker = speaker
            self.text = text
            self.at = at
        }
    }

    /// Increasing over the whole store; orders a ticket's turns.
    public var id: Int64
    /// The ticket.
    public var ticket: Int
    /// When it was said.
    public var at: Date
    /// Who said it.
    public var speaker: Speaker
    /// The helper's name, for helper turns.
    public var helper: String?
    /// What was said; a starter's words are stored masked (see `Redaction`).
    public var text: String
}

extension Turn: FetchableRecord {
    public init(row: Row) throws {
        id = row["id"]
        ticket = row["ticket"]
        at = Date(timeIntervalSince1970: row["at"])
        let name: String = row["speaker"]
        speaker = Speaker(rawValue: name) ?? .bot
        helper = row["helper"]
        text = row["text"]
    }
}

/// One change of a ticket's state, as recorded (append-only) beside the ticket.
public struct Transition: Sendable, Hashable {
    /// Why the state changed.
    public enum Cause: String, Sendable, Hashable, CaseIterable, Codable {
        /// The starter asked for a person (no previous state).
        case enqueued
        /// A helper took it.
        case taken
        /// The helper gave it back.
        case released
        /// The helper's lease ran out.
        case leaseExpired = "lease-expired"
        /// The helper resolved it.
        case resolved
        /// The starter cancelled.
        case cancelled
        /// The starter showed no sign of life for too long.
        case starterGone = "starter-gone"
        /// Nobody took it within the maximum wait.
        case waitedTooLong = "waited-too-long"
    }

    /// Increasing over the whole store: a sequence number for events.
    public var id: Int64
    /// The ticket.
    public var ticket: Int
    /// When.
    public var at: Date
    /// The state before (nil when the ticket was created).
    public var from: Ticket.State?
    /// The state after.
    public var to: Ticket.State
    /// Why.
    public var cause: Cause
    /// The helper involved, if any.
    public var helper: String?
    /// The ticket's epoch after the change.
    public var epoch: Int
}

extension Transition: FetchableRecord {
    public init(row: Row) throws {
        id = row["id"]
        ticket = row["ticket"]
        at = Date(timeIntervalSince1970: row["at"])
        from = (row["from_state"] as String?).flatMap(Ticket.State.init(rawValue:))
        let to: String = row["to_state"]
        let cause: String = row["cause"]
        guard let state = Ticket.State(rawValue: to), let reason = Cause(rawValue: cause) else {
            throw StoreError("transition \(row["id"] as Int64) is unreadable (\(to), \(cause)); newer store?")
        }
        self.to = state
        self.cause = reason
        helper = row["helper"]
        epoch = row["epoch"]
    }
}
