import Foundation
import StapjeStore
import Testing

/// Every transition of the ticket state machine, and every timeout, with time passed in.
struct HandoffStateMachineTests {
    static let timeouts = HandoffTimeouts(
        maximumWait: .seconds(600), starterGone: .seconds(120), helperLease: .seconds(60))

    @Test func enqueueCommitsAQueuedTicketAndCountsThoseAhead() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (first, firstAhead) = try await queue.enqueue(request("a"), at: at(0))
            let (second, secondAhead) = try await queue.enqueue(request("b"), at: at(1))
            #expect(first.state == .queued && second.state == .queued)
            #expect(second.number == first.number + 1)
            #expect((firstAhead, secondAhead) == (0, 1))
            #expect(try await queue.ticket(second.number) == second)
            let history = try await queue.history(first.number)
            #expect(history.map(\.cause) == [.enqueued])
            #expect(history.first?.from == nil)
        }
    }

    @Test func enqueueIsIdempotentPerConversationUntilTheTicketCloses() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request("a"), at: at(0))
            let (again, _) = try await queue.enqueue(request("a"), at: at(5))
            #expect(again == ticket)
            _ = try await queue.cancel(ticket.number, at: at(6))
            let (fresh, _) = try await queue.enqueue(request("a"), at: at(7))
            #expect(fresh.number == ticket.number + 1)
        }
    }

    @Test func theCardKeepsTheLastTurnsWithTheStartersWordsMasked() async throws {
        try await TemporaryStore.with { store in
            let queue = HandoffQueue(database: store.database, cardTurns: 2, logger: TemporaryStore.logger)
            let turns: [Turn.Draft] = [
                .init(.starter, "oud", at: at(0)), .init(.bot, "Bel 1700 of mail info@example.be", at: at(1)),
                .init(.starter, "mijn gsm is 0471 23 45 67, mail jan@example.be", at: at(2)),
            ]
            let (ticket, _) = try await queue.enqueue(request(turns: turns), at: at(3))
            let transcript = try await queue.transcript(ticket.number)
            #expect(transcript.map(\.speaker) == [.bot, .starter])
            #expect(transcript[0].text == "Bel 1700 of mail info@example.be")
            #expect(transcript[1].text == "mijn gsm is [NUMBER], mail [EMAIL]")
        }
    }

    @Test func takeAssignsUnderALeaseAndIsIdempotentForTheSameHelper() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let taken = try await queue.take(ticket.number, helper: "an", at: at(10))
            #expect(taken.state == .assigned)
            #expect(taken.assignment == Assignment(ticket: ticket.number, helper: "an", epoch: 1))
            #expect(taken.leaseUntil == at(70))
            let again = try await queue.take(ticket.number, helper: "an", at: at(30))
            #expect(again.assignment == taken.assignment)
            #expect(again.leaseUntil == at(90))
            #expect(try await queue.history(ticket.number).map(\.cause) == [.enqueued, .taken])
            await #expect(throws: TicketError(ticket.number, .taken(by: "an"))) {
                try await queue.take(ticket.number, helper: "bram", at: at(31))
            }
        }
    }

    @Test func releaseRequeuesInTheOriginalPlaceWithAFreshWait() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (first, _) = try await queue.enqueue(request("a"), at: at(0))
            let (second, _) = try await queue.enqueue(request("b"), at: at(1))
            let assignment = try #require(try await queue.take(first.number, helper: "an", at: at(500)).assignment)
            #expect(try await queue.ahead(of: second.number) == 0)
            let released = try await queue.release(assignment, at: at(590))
            #expect(released.state == .queued && released.helper == nil && released.leaseUntil == nil)
            #expect(released.queuedSince == at(590))
            #expect(try await queue.ahead(of: second.number) == 1)
            #expect(try await queue.queue().map(\.number) == [first.number, second.number])
            // The second ticket waited 600 s and expires; the released one has a fresh wait.
            for number in [first.number, second.number] { try await queue.starterSeen(number, at: at(600)) }
            let expired = try await queue.expire(at: at(601))
            #expect(expired.map(\.ticket) == [second.number])
            #expect(try await queue.ticket(first.number)?.state == .queued)
            await #expect(throws: TicketError(first.number, .staleAssignment)) {
                try await queue.release(assignment, at: at(602))
            }
        }
    }

    @Test func resolveClosesAndIsIdempotentForTheSameAssignment() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let assignment = try #require(try await queue.take(ticket.number, helper: "an", at: at(1)).assignment)
            let resolved = try await queue.resolve(assignment, at: at(20))
            #expect(resolved.state == .resolved && resolved.helper == "an" && resolved.closed == at(20))
            #expect(try await queue.resolve(assignment, at: at(21)) == resolved)
            #expect(try await queue.queue().isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func cancelClosesAQueuedOrAssignedTicket(assigned: Bool) async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            if assigned { _ = try await queue.take(ticket.number, helper: "an", at: at(1)) }
            let cancelled = try await queue.cancel(ticket.number, at: at(2))
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.helper == (assigned ? "an" : nil))
            #expect(try await queue.cancel(ticket.number, at: at(3)) == cancelled)
        }
    }

    @Test func aLeaseRunsOutExactlyAtItsEndAndFencesTheOldHolder() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let old = try #require(try await queue.take(ticket.number, helper: "an", at: at(0)).assignment)
            try await queue.starterSeen(ticket.number, at: at(59))
            #expect(try await queue.expire(at: at(59)).isEmpty)
            let transitions = try await queue.expire(at: at(60))
            #expect(transitions.map(\.cause) == [.leaseExpired])
            #expect(transitions.first?.from == .assigned && transitions.first?.to == .queued)
            let requeued = try #require(try await queue.ticket(ticket.number))
            #expect(requeued.state == .queued && requeued.queuedSince == at(60))
            let new = try #require(try await queue.take(ticket.number, helper: "an", at: at(61)).assignment)
            #expect(new.epoch == old.epoch + 1)
            await #expect(throws: TicketError(ticket.number, .staleAssignment)) {
                try await queue.resolve(old, at: at(62))
            }
            await #expect(throws: TicketError(ticket.number, .staleAssignment)) {
                try await queue.appendTurn(ticket.number, by: .helper(old), text: "hallo", at: at(62))
            }
            #expect(try await queue.resolve(new, at: at(63)).state == .resolved)
        }
    }

    @Test func helperActivityRenewsTheLease() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let assignment = try #require(try await queue.take(ticket.number, helper: "an", at: at(0)).assignment)
            // Only the tickets the heartbeat names (those its desk took) are renewed.
            #expect(try await queue.heartbeat(helper: "an", tickets: [], at: at(50)) == 0)
            #expect(try await queue.heartbeat(helper: "an", tickets: [ticket.number + 1], at: at(50)) == 0)
            #expect(try await queue.heartbeat(helper: "bo", tickets: [ticket.number], at: at(50)) == 0)
            #expect(try await queue.heartbeat(helper: "an", tickets: [ticket.number], at: at(50)) == 1)
            try await queue.appendTurn(ticket.number, by: .helper(assignment), text: "Dag, ik ben An.", at: at(100))
            #expect(try await queue.renewLease(assignment, at: at(150)).leaseUntil == at(210))
            try await queue.starterSeen(ticket.number, at: at(200))
            #expect(try await queue.expire(at: at(209)).isEmpty)
            #expect(try await queue.expire(at: at(210)).map(\.cause) == [.leaseExpired])
            let transcript = try await queue.transcript(ticket.number)
            #expect(transcript.map(\.helper) == ["an"])
        }
    }

    @Test(arguments: [false, true])
    func aStarterSilentForTheGoneTimeoutAbandonsTheTicket(assigned: Bool) async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            if assigned { _ = try await queue.take(ticket.number, helper: "an", at: at(0)) }
            try await queue.appendTurn(ticket.number, by: .starter, text: "ben je daar?", at: at(30))
            #expect(
                try await queue.heartbeat(helper: "an", tickets: [ticket.number], at: at(149)) == (assigned ? 1 : 0))
            #expect(try await queue.expire(at: at(149)).isEmpty)
            let transitions = try await queue.expire(at: at(150))
            #expect(transitions.map(\.cause) == [.starterGone])
            #expect(transitions.map(\.to) == [.abandoned])
            #expect(try await queue.ticket(ticket.number)?.helper == (assigned ? "an" : nil))
        }
    }

    @Test func aTicketNobodyTakesExpiresAtTheMaximumWait() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            for second in stride(from: 100.0, through: 600, by: 100) {
                try await queue.starterSeen(ticket.number, at: at(second))
            }
            #expect(try await queue.expire(at: at(599)).isEmpty)
            let transitions = try await queue.expire(at: at(600))
            #expect(transitions.map(\.cause) == [.waitedTooLong])
            #expect(try await queue.ticket(ticket.number)?.state == .expired)
        }
    }

    @Test func anAssignedTicketDoesNotExpireForWaiting() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            _ = try await queue.take(ticket.number, helper: "an", at: at(590))
            try await queue.starterSeen(ticket.number, at: at(600))
            try await queue.heartbeat(helper: "an", tickets: [ticket.number], at: at(620))
            #expect(try await queue.expire(at: at(650)).isEmpty)
        }
    }

    /// Drives a fresh ticket to `state` and returns it with its last assignment.
    static func close(_ queue: HandoffQueue, to state: Ticket.State) async throws -> (Ticket, Assignment) {
        let (ticket, _) = try await queue.enqueue(request(), at: at(0))
        let assignment = try #require(try await queue.take(ticket.number, helper: "an", at: at(1)).assignment)
        switch state {
        case .resolved: _ = try await queue.resolve(assignment, at: at(2))
        case .cancelled: _ = try await queue.cancel(ticket.number, at: at(2))
        case .abandoned: _ = try await queue.expire(at: at(1_000))
        case .expired:
            _ = try await queue.release(assignment, at: at(2))
            try await queue.starterSeen(ticket.number, at: at(602))
            _ = try await queue.expire(at: at(602))
        default: Issue.record("not a final state: \(state)")
        }
        let closed = try #require(try await queue.ticket(ticket.number))
        #expect(closed.state == state)
        return (closed, assignment)
    }

    @Test(arguments: Ticket.State.finals)
    func finalStatesAreAbsorbing(state: Ticket.State) async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, assignment) = try await Self.close(queue, to: state)
            let closed = TicketError(ticket.number, .closed(state))
            await #expect(throws: closed) { try await queue.take(ticket.number, helper: "bram", at: at(2_000)) }
            await #expect(throws: closed) { try await queue.release(assignment, at: at(2_000)) }
            await #expect(throws: closed) {
                try await queue.appendTurn(ticket.number, by: .starter, text: "hallo", at: at(2_000))
            }
            await #expect(throws: closed) { try await queue.renewLease(assignment, at: at(2_000)) }
            if state != .resolved {
                await #expect(throws: closed) { try await queue.resolve(assignment, at: at(2_000)) }
            }
            if state != .cancelled {
                await #expect(throws: closed) { try await queue.cancel(ticket.number, at: at(2_000)) }
            }
            #expect(try await queue.expire(at: at(100_000)).isEmpty)
            #expect(try await queue.starterSeen(ticket.number, at: at(100_000)) == false)
            #expect(try await queue.ticket(ticket.number) == ticket)
            let finals = try await queue.history(ticket.number).filter(\.to.isFinal)
            #expect(finals.map(\.to) == [state])
        }
    }

    @Test func operationsOnAMissingTicketSayItDoesNotExist() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let missing = TicketError(42, .notFound)
            await #expect(throws: missing) { try await queue.take(42, helper: "an", at: at(0)) }
            await #expect(throws: missing) { try await queue.cancel(42, at: at(0)) }
            await #expect(throws: missing) { try await queue.appendTurn(42, by: .bot, text: "x", at: at(0)) }
            let (ticket, ahead) = (try await queue.ticket(42), try await queue.ahead(of: 42))
            #expect(ticket == nil && ahead == nil)
        }
    }

    @Test func helperActionsOnAQueuedTicketAreRefused() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let invented = Assignment(ticket: ticket.number, helper: "an", epoch: 1)
            await #expect(throws: TicketError(ticket.number, .staleAssignment)) {
                try await queue.resolve(invented, at: at(1))
            }
            #expect(try await queue.ticket(ticket.number)?.state == .queued)
        }
    }

    @Test func aReopenedStoreHasTheSameQueueAndItsLeasesResumeOrExpire() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (kept, _) = try await queue.enqueue(request("a"), at: at(0))
            let (held, _) = try await queue.enqueue(request("b"), at: at(0))
            let assignment = try #require(try await queue.take(held.number, helper: "an", at: at(10)).assignment)
            let reopened = HandoffQueue(
                database: try store.reopen(), timeouts: Self.timeouts, logger: TemporaryStore.logger)
            #expect(try await reopened.queue() == (try await queue.queue()))
            #expect(try await reopened.expire(at: at(30)).isEmpty)
            #expect(try await reopened.renewLease(assignment, at: at(30)).leaseUntil == at(90))
            #expect(try await reopened.expire(at: at(90)).map(\.ticket) == [held.number])
            #expect(try await reopened.ticket(kept.number)?.state == .queued)
        }
    }

    @Test func transitionsAreNumberedForEvents() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(Self.timeouts)
            let (ticket, _) = try await queue.enqueue(request(), at: at(0))
            let assignment = try #require(try await queue.take(ticket.number, helper: "an", at: at(1)).assignment)
            _ = try await queue.resolve(assignment, at: at(2))
            let all = try await queue.transitions(after: 0)
            #expect(all.map(\.cause) == [.enqueued, .taken, .resolved])
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(try await queue.transitions(after: all[0].id).map(\.cause) == [.taken, .resolved])
        }
    }
}
