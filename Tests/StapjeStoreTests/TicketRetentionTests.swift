import Foundation
import Testing

@testable import StapjeStore

/// The purge of closed tickets, with time passed in: it runs with or without statistics, and with statistics a
/// ticket is counted before it goes.
struct TicketRetentionTests {
    /// Three tickets: one cancelled at 0 s (with a transcript), one resolved at 20 days, one still queued.
    static func threeTickets(_ queue: HandoffQueue) async throws -> (old: Int, recent: Int, open: Int) {
        let turns: [Turn.Draft] = [.init(.starter, "mijn gsm is 0471 23 45 67", at: at(0))]
        let old = try await queue.enqueue(request("s1", turns: turns), at: at(0)).ticket.number
        _ = try await queue.cancel(old, at: at(0))
        let recent = try await queue.enqueue(request("s2"), at: at(20 * oneDay - 60)).ticket.number
        let taken = try await queue.take(recent, helper: "An", at: at(20 * oneDay - 30))
        _ = try await queue.resolve(try #require(taken.assignment), at: at(20 * oneDay))
        let open = try await queue.enqueue(request("s3"), at: at(20 * oneDay + 10)).ticket.number
        return (old, recent, open)
    }

    func retention(_ store: TemporaryStore, days: Int = 30, statistics: Statistics? = nil) -> TicketRetention {
        TicketRetention(
            database: store.database, closedTicketDays: days, statistics: statistics, logger: TemporaryStore.logger)
    }

    @Test func withoutStatisticsClosedTicketsGoTheirDaysAfterClosing() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue()
            let (old, recent, open) = try await Self.threeTickets(queue)
            let retention = retention(store)

            // Thirty days after closing to the second, the ticket is still kept.
            #expect(try retention.purge(at: at(30 * oneDay)) == 0)
            #expect(try await queue.ticket(old) != nil)

            #expect(try retention.purge(at: at(30 * oneDay + 1)) == 1)
            #expect(try await queue.ticket(old) == nil)
            #expect(try await queue.transcript(old).isEmpty)
            #expect(try await queue.history(old).isEmpty)
            #expect(try await queue.ticket(recent)?.state == .resolved)
            #expect(try await queue.ticket(open)?.state == .queued)

            // An open ticket never goes, however old; the resolved one goes thirty days after it closed.
            #expect(try retention.purge(at: at(50 * oneDay + 1)) == 1)
            #expect(try await queue.ticket(recent) == nil)
            #expect(try await queue.ticket(open)?.state == .queued)
            #expect(try retention.purge(at: at(500 * oneDay)) == 0)
            #expect(try await queue.queue().map(\.number) == [open])
        }
    }

    @Test func theNumberOfDaysIsTheOnesGiven() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue()
            let (old, recent, _) = try await Self.threeTickets(queue)
            #expect(try retention(store, days: 21).purge(at: at(20 * oneDay + 60)) == 0)
            #expect(try retention(store, days: 1).purge(at: at(20 * oneDay + 60)) == 1)
            #expect(try await queue.ticket(old) == nil)
            #expect(try retention(store, days: 1).purge(at: at(21 * oneDay + 1)) == 1)
            #expect(try await queue.ticket(recent) == nil)
        }
    }

    @Test func withStatisticsEveryTicketIsCountedBeforeItGoes() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue()
            let statistics = try store.statistics()
            let (old, recent, _) = try await Self.threeTickets(queue)
            // The statistics never wrote in between (their writer was not running): the purge counts first.
            #expect(try retention(store, statistics: statistics).purge(at: at(51 * oneDay)) == 2)
            #expect(try await queue.ticket(old) == nil)
            #expect(try await queue.ticket(recent) == nil)
            let handoffs = try store.report(at(0), at(20 * oneDay)).handoffs
            #expect(handoffs.outcomes == ["cancelled": 1, "resolved": 1])
            #expect(handoffs.taken == 1)
            // Counted once: the statistics' own harvest finds nothing left to fold.
            try statistics.maintain(at: at(51 * oneDay + 60))
            #expect(try store.report(at(0), at(20 * oneDay)).handoffs.closed == 2)
        }
    }

    @Test func runPurgesAtOnceThenOnItsInterval() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue()
            let (old, recent, open) = try await Self.threeTickets(queue)
            let clock = Locked(at(31 * oneDay))
            let retention = retention(store)
            let runner = Task { await retention.run(every: .milliseconds(20), now: { clock.withLock { $0 } }) }
            // Generous deadlines: with the whole suite running, the pool's few threads may be busy for long.
            let deadline = ContinuousClock.now + .seconds(120)
            while try await queue.ticket(old) != nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await queue.ticket(old) == nil)
            #expect(try await queue.ticket(recent) != nil)
            clock.withLock { $0 = at(51 * oneDay) }
            while try await queue.ticket(recent) != nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await queue.ticket(recent) == nil)
            runner.cancel()
            await runner.value
            #expect(try await queue.ticket(open)?.state == .queued)
        }
    }
}
