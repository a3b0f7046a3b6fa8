import Foundation
import NIOConcurrencyHelpers
import NIOCore
import StapjeCore
import StapjeStore

/// Identifies one TCP connection for the lifetime of the server.
typealias ConnectionID = Int

/// The conversations in memory, by token, each with a time to live and the events it sent.
///
/// A session is attached to at most one connection. The connection reads its session, lets the conversation core
/// compute the next one without holding the lock, and writes it back; since one connection runs one command at a
/// time, no update is lost. A session nobody touched for `timeToLive` is gone.
final class SessionStore: Sendable {
    /// One session and what the server keeps beside it.
    struct Entry: Sendable {
        /// The conversation state.
        var session: Session
        /// The channel named at `NEW` (kiosk, web, ivr...).
        var channel: String?
        /// The library named at `NEW`.
        var site: String?
        /// The sequence number of the last event.
        var sequence = 0
        /// The most recent events, oldest first, for `RESUME ... since=`.
        var events: [WireEvent] = []
        /// When the session was last used (monotonic clock).
        var lastSeen: NIODeadline
        /// The connection it is attached to, or nil while detached.
        var owner: ConnectionID?
        /// The conversation's key in the handoff queue: random, never the resume token.
        var id = UUID().uuidString
        /// The open handoff ticket, if any.
        var ticket: Int?
        /// The last turns (the starter's words redacted), for a helper's card.
        var turns: [Turn.Draft] = []
        /// True once a reply of this conversation went to the statistics (it counts as one conversation).
        var recorded = false
    }

    /// What `resume` found.
    enum Resumption: Sendable {
        /// Attached to the caller; the events after `since`.
        case resumed(Entry, replay: [WireEvent])
        /// Attached to another open connection.
        case busy
        /// Unknown or expired.
        case unknown
    }

    /// How long an untouched session lives.
    let timeToLive: TimeAmount
    /// The most sessions held at once.
    let capacity: Int
    /// How many events each session remembers.
    let eventMemory: Int
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// Creates an empty store.
    init(timeToLive: TimeAmount, capacity: Int, eventMemory: Int) {
        self.timeToLive = timeToLive
        self.capacity = capacity
        self.eventMemory = eventMemory
    }

    /// How many sessions are held.
    var count: Int { entries.withLockedValue { $0.count } }

    /// Stores a new session attached to `owner`; nil when the store is full.
    func create(_ session: Session, channel: String?, site: String?, owner: ConnectionID) -> (String, Entry)? {
        let now = NIODeadline.now()
        return entries.withLockedValue { entries in
            if entries.count >= capacity { Self.removeExpired(from: &entries, now: now, timeToLive: timeToLive) }
            guard entries.count < capacity else { return nil }
            var token = SessionToken.make()
            while entries[token] != nil { token = SessionToken.make() }
            let entry = Entry(session: session, channel: channel, site: site, lastSeen: now, owner: owner)
            entries[token] = entry
            return (token, entry)
        }
    }

    /// Puts a conversation back under its old token (after a restart, from the starter's open ticket); false when
    /// the token is in use again or the store is full.
    func restore(_ token: String, entry: Entry) -> Bool {
        entries.withLockedValue { entries in
            guard entries[token] == nil, entries.count < capacity else { return false }
            entries[token] = entry
            return true
        }
    }

    /// The session attached to `owner`, touched; nil when it expired or was taken over.
    func checkOut(_ token: String, owner: ConnectionID) -> Entry? {
        let now = NIODeadline.now()
        return entries.withLockedValue { entries in
            guard let index = entries.index(forKey: token), entries.values[index].owner == owner else { return nil }
            guard entries.values[index].lastSeen + timeToLive > now else {
                entries.remove(at: index)
                return nil
            }
            entries.values[index].lastSeen = now
            return entries.values[index]
        }
    }

    /// Saves `session` for `owner` and records `events` (given without sequence numbers); returns them numbered.
    /// Does nothing when the session is gone or attached elsewhere.
    @discardableResult
    func update(_ token: String, owner: ConnectionID, session: Session, events: [WireEvent] = []) -> [WireEvent] {
        entries.withLockedValue { entries in
            guard let index = entries.index(forKey: token), entries.values[index].owner == owner else { return [] }
            entries.values[index].session = session
            return events.isEmpty ? [] : entries.values[index].remember(events, keeping: eventMemory)
        }
    }

    /// The entry of `token` whoever holds it, untouched.
    func peek(_ token: String) -> Entry? {
        entries.withLockedValue { $0[token] }
    }

    /// Changes the entry of `token` whoever holds it; returns the entry after the change, nil when it is gone.
    @discardableResult
    func modify(_ token: String, _ change: (inout Entry) -> Void) -> Entry? {
        entries.withLockedValue { entries in
            guard var entry = entries[token] else { return nil }
            change(&entry)
            entries[token] = entry
            return entry
        }
    }

    /// Records `events` for `token` whoever holds it, after `change`; returns them numbered with the entry, or nil
    /// when the session is gone. The caller writes them to the holder, if any.
    func record(_ token: String, events: [WireEvent], change: (inout Entry) -> Void = { _ in })
        -> (events: [WireEvent], entry: Entry)?
    {
        entries.withLockedValue { entries in
            guard var entry = entries[token] else { return nil }
            change(&entry)
            let numbered = entry.remember(events, keeping: eventMemory)
            entries[token] = entry
            return (numbered, entry)
        }
    }

    /// The open tickets of sessions held by a connection now (their starters are present).
    func attachedTickets() -> [Int] {
        entries.withLockedValue { entries in entries.values.compactMap { $0.owner == nil ? nil : $0.ticket } }
    }

    /// Attaches the session to `owner` and returns the remembered events after `since` (all when nil).
    func resume(_ token: String, owner: ConnectionID, since: Int?) -> Resumption {
        let now = NIODeadline.now()
        return entries.withLockedValue { entries in
            guard var entry = entries[token] else { return .unknown }
            guard entry.lastSeen + timeToLive > now else {
                entries[token] = nil
                return .unknown
            }
            if let current = entry.owner, current != owner { return .busy }
            entry.owner = owner
            entry.lastSeen = now
            entries[token] = entry
            let replay = entry.events.filter { $0.sequence > (since ?? 0) }
            return .resumed(entry, replay: replay)
        }
    }

    /// Detaches the session from `owner` (the connection closed); it stays until its time to live runs out.
    func detach(_ token: String, owner: ConnectionID) {
        entries.withLockedValue { entries in
            guard entries[token]?.owner == owner else { return }
            entries[token]?.owner = nil
            entries[token]?.lastSeen = .now()
        }
    }

    /// Wipes the session if `owner` holds it; returns the sequence number its next event would have had.
    @discardableResult
    func remove(_ token: String, owner: ConnectionID) -> Int? {
        entries.withLockedValue { entries in
            guard let entry = entries[token], entry.owner == owner else { return nil }
            entries[token] = nil
            return entry.sequence + 1
        }
    }

    /// Drops every expired session; returns how many.
    @discardableResult
    func sweep() -> Int {
        let now = NIODeadline.now()
        return entries.withLockedValue { Self.removeExpired(from: &$0, now: now, timeToLive: timeToLive) }
    }

    @discardableResult
    private static func removeExpired(from entries: inout [String: Entry], now: NIODeadline, timeToLive: TimeAmount)
        -> Int
    {
        let before = entries.count
        entries = entries.filter { $0.value.lastSeen + timeToLive > now }
        return before - entries.count
    }
}

/// Session tokens: 16 characters from an alphabet without look-alikes, in groups of four (`7KQ2-M4ZP-9XTA-W3RC`).
enum SessionToken {
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    /// A fresh random token (80 bits).
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var token = ""
        token.reserveCapacity(19)
        for index in 0..<16 {
            if index > 0 && index % 4 == 0 { token.append("-") }
            token.append(alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))])
        }
        return token
    }
}

extension SessionStore.Entry {
    /// Numbers `events` on from the entry's last sequence number and keeps them for RESUME, at most `memory` of
    /// them in all; returns them numbered.
    mutating func remember(_ events: [WireEvent], keeping memory: Int) -> [WireEvent] {
        var numbered: [WireEvent] = []
        for var event in events {
            sequence += 1
            event.sequence = sequence
            numbered.append(event)
            self.events.append(event)
        }
        if self.events.count > memory { self.events.removeFirst(self.events.count - memory) }
        return numbered
    }
}
