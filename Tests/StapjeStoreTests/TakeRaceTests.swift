import Foundation
import StapjeStore
import Testing

/// Many helpers taking the same ticket at once: exactly one wins, every other one is told who did.
struct TakeRaceTests {
    /// The outcome of one attempt: the winner's name, or the refusal.
    enum Outcome: Sendable, Hashable {
        case won(String)
        case refused(TicketError)
    }

    static func race(_ queues: [HandoffQueue], ticket: Int, helpers: Int) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for index in 0..<helpers {
                let queue = queues[index % queues.count]
                group.addTask {
                    do {
                        let taken = try await queue.take(ticket, helper: "h\(index)", at: at(1))
                        return .won(taken.helper ?? "?")
                    } catch let error as TicketError {
                        return .refused(error)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func check(_ outcomes: [Outcome], ticket: Int, helpers: Int) {
        let winners = outcomes.compactMap { if case .won(let name) = $0 { name } else { nil } }
        #expect(winners.count == 1, "ticket \(ticket): \(winners.count) winners")
        guard let winner = winners.first else { return }
        let refusals = outcomes.compactMap { if case .refused(let error) = $0 { error } else { nil } }
        #expect(refusals.count == helpers - 1)
        #expect(refusals.allSatisfy { $0 == TicketError(ticket, .taken(by: winner)) })
    }

    @Test func oneConnectionManyHelpers() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue()
            for round in 0..<20 {
                let (ticket, _) = try await queue.enqueue(request("s\(round)"), at: at(0))
                let outcomes = try await Self.race([queue], ticket: ticket.number, helpers: 16)
                Self.check(outcomes, ticket: ticket.number, helpers: 16)
                #expect(try await queue.history(ticket.number).filter { $0.cause == .taken }.count == 1)
            }
        }
    }

    /// Separate database connections on one file, as separate processes would have: the SQLite lock and the
    /// conditional update decide, not an in-process queue.
    @Test func severalConnectionsManyHelpers() async throws {
        try await TemporaryStore.with { store in
            var queues = [store.queue()]
            for _ in 0..<3 { queues.append(HandoffQueue(database: try store.reopen(), logger: TemporaryStore.logger)) }
            for round in 0..<20 {
                let (ticket, _) = try await queues[round % 4].enqueue(request("s\(round)"), at: at(0))
                let outcomes = try await Self.race(queues, ticket: ticket.number, helpers: 16)
                Self.check(outcomes, ticket: ticket.number, helpers: 16)
                let ticketNow = try #require(try await queues[0].ticket(ticket.number))
                #expect(ticketNow.epoch == 1)
            }
        }
    }

    @Test func concurrentRequestsFromOneConversationMakeOneTicket() async throws {
        try await TemporaryStore.with { store in
            let queues = [store.queue(), HandoffQueue(database: try store.reopen(), logger: TemporaryStore.logger)]
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<16 {
                    group.addTask { try await queues[index % 2].enqueue(request("same"), at: at(0)).ticket.number }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(numbers.count == 1)
            #expect(try await queues[0].queue().count == 1)
        }
    }
}
