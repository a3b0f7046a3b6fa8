import Foundation
import GRDB
import Logging

/// Deletes closed handoff tickets, with their transcripts and state changes, `closedTicketDays` after they closed.
///
/// It belongs to the queue, not to the statistics: whoever opens the queue runs it (at open and once a day), with or
/// without statistics. With statistics, every closed ticket is folded into the anonymous counters first, in the same
/// transaction, so a ticket is never purged before its outcome is counted.
public struct TicketRetention: Sendable {
    /// Days a closed ticket is kept after it closed (at least 1).
    public let closedTicketDays: Int

    let database: StoreDatabase
    let statistics: Statistics?
    let logger: Logger

    /// A retention over `database`; `statistics`, when kept (on the same database), count the tickets before they go.
    public init(database: StoreDatabase, closedTicketDays: Int, statistics: Statistics?, logger: Logger) {
        self.database = database
        self.closedTicketDays = max(1, closedTicketDays)
        self.statistics = statistics
        self.logger = logger
    }

    /// Deletes the tickets closed more than `closedTicketDays` before `now`; returns how many.
    @discardableResult
    public func purge(at now: Date) throws -> Int {
        let closedBefore = now.addingTimeInterval(-Double(closedTicketDays) * 86_400)
        let (folded, purged) = try database.pool.write { db in
            let folded = try statistics.map { try Statistics.harvest(db, calendar: $0.calendar) } ?? 0
            return (folded, try Self.purge(db, closedBefore: closedBefore, counted: statistics != nil))
        }
        if folded > 0 { logger.debug("handoff outcomes counted", metadata: ["tickets": "\(folded)"]) }
        if purged > 0 { logger.info("closed tickets purged", metadata: ["tickets": "\(purged)"]) }
        return purged
    }

    /// Purges now, then every `interval` until the task is cancelled.
    ///
    /// The writes wait for the disk on a dispatch queue, not on a thread of the Swift concurrency pool, which the
    /// server's connections share. A failed purge is logged and tried again at the next turn.
    public func run(every interval: Duration = .seconds(86_400), now: @escaping @Sendable () -> Date = Date.init)
        async
    {
        while !Task.isCancelled {
            let time = now()
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global(qos: .utility).async {
                    do {
                        try self.purge(at: time)
                    } catch {
                        self.logger.error("closed tickets not purged; will retry", metadata: ["error": "\(error)"])
                    }
                    done.resume()
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Deletes the closed tickets that closed before `closedBefore` (inside the caller's transaction); with
    /// `counted`, only those whose every state change the statistics have folded (the harvest cursor).
    static func purge(_ db: Database, closedBefore: Date, counted: Bool) throws -> Int {
        let cursor =
            counted
            ? try Int64.fetchOne(db, sql: "SELECT value FROM insights_state WHERE key = 'handoff-cursor'") ?? 0
            : Int64.max
        let old = try Int.fetchAll(
            db,
            sql: """
                SELECT number FROM ticket
                WHERE state IN ('resolved', 'cancelled', 'abandoned', 'expired') AND closed < ?
                  AND NOT EXISTS (SELECT 1 FROM transition t WHERE t.ticket = ticket.number AND t.id > ?)
                """,
            arguments: [closedBefore.timeIntervalSince1970, cursor])
        for number in old {
            try db.execute(sql: "DELETE FROM turn WHERE ticket = ?", arguments: [number])
            try db.execute(sql: "DELETE FROM transition WHERE ticket = ?", arguments: [number])
            try db.execute(sql: "DELETE FROM ticket WHERE number = ?", arguments: [number])
        }
        return old.count
    }
}
