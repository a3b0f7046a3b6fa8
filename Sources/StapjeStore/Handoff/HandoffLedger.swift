import Foundation
import GRDB

/// Every ticket of a store with its state changes, read without writing anything: for the crash tests' books and
/// for looking at a store after an incident, beside a running server or after it died.
public struct HandoffLedger: Sendable {
    /// One ticket as the store holds it, with its transitions, oldest first.
    public struct Entry: Sendable {
        /// The ticket row.
        public var ticket: Ticket
        /// Its state changes, oldest first.
        public var transitions: [Transition]

        /// Why the recorded history does not fit the state machine (docs/HANDOFF.md, section 3), or nil when it
        /// does: it starts with `enqueued` into `queued`, each change starts where the one before ended and is one of
        /// the allowed moves, at most one ends in a final state and nothing follows it, and the last one ends in the
        /// ticket's state.
        public var inconsistency: String? {
            guard let first = transitions.first else { return "no transitions" }
            guard first.from == nil, first.to == .queued, first.cause == .enqueued else {
                return "does not start with enqueued → queued"
            }
            var state = Ticket.State.queued
            for transition in transitions.dropFirst() {
                guard transition.from == state else {
                    return "\(transition.id) starts in \(transition.from?.rawValue ?? "nothing"), not \(state.rawValue)"
                }
                guard Self.allowed(from: state, to: transition.to, cause: transition.cause) else {
                    return "\(transition.id): \(state.rawValue) → \(transition.to.rawValue) "
                        + "by \(transition.cause.rawValue)"
                }
                state = transition.to
            }
            guard state == ticket.state else { return "history ends in \(state.rawValue), row says \(ticket.state)" }
            return nil
        }

        /// How many recorded changes end in a final state (exactly one for a closed ticket).
        public var finalTransitions: Int { transitions.filter(\.to.isFinal).count }

        static func allowed(from: Ticket.State, to: Ticket.State, cause: Transition.Cause) -> Bool {
            switch (from, to, cause) {
            case (.queued, .assigned, .taken), (.assigned, .queued, .released), (.assigned, .queued, .leaseExpired),
                (.assigned, .resolved, .resolved), (.queued, .expired, .waitedTooLong):
                true
            case (.queued, .cancelled, .cancelled), (.assigned, .cancelled, .cancelled),
                (.queued, .abandoned, .starterGone), (.assigned, .abandoned, .starterGone):
                true
            default: false
            }
        }
    }

    /// The tickets by number.
    public var entries: [Int: Entry]
    /// SQLite's own consistency check (`["ok"]` when the file is sound).
    public var integrity: [String]

    /// Reads the store in `directory` read-only: no migration, no write, and no lock that keeps a server waiting.
    public static func read(directory: URL) throws -> HandoffLedger {
        let path = directory.appendingPathComponent(StoreDatabase.fileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("there is no store at \(path); pass the --data-dir the server used")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "stapje.ledger"
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            return try database.read { db in
                let tickets = try Ticket.fetchAll(db, sql: "SELECT * FROM ticket ORDER BY number")
                let transitions = try Transition.fetchAll(db, sql: "SELECT * FROM transition ORDER BY id")
                let grouped = Dictionary(grouping: transitions, by: \.ticket)
                var entries: [Int: Entry] = [:]
                for ticket in tickets {
                    entries[ticket.number] = Entry(ticket: ticket, transitions: grouped[ticket.number] ?? [])
                }
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                return HandoffLedger(entries: entries, integrity: integrity)
            }
        } catch {
            throw StoreError("cannot read the store \(path): \(error); check the path and that it is a Stapje store")
        }
    }
}
