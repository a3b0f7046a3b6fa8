import Foundation
import StapjeStore
import Testing

@testable import StapjeServer

extension HandoffWireTests {
    /// A server with a queue and no statistics (`serve --no-stats`) still purges closed tickets when it starts.
    @Test func aServerWithoutStatisticsPurgesClosedTickets() async throws {
        let (directory, _) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = HandoffQueue(
            database: try StoreDatabase.open(directory: directory, logger: Fixtures.logger), logger: Fixtures.logger)
        let now = Date()
        let turns: [Turn.Draft] = [.init(.starter, "hoe stuur ik een mail", at: now - 40 * 86_400)]
        let old = try await queue.enqueue(request("s1", turns: turns), at: now - 40 * 86_400).ticket.number
        _ = try await queue.cancel(old, at: now - 31 * 86_400)
        let recent = try await queue.enqueue(request("s2"), at: now - 3 * 86_400).ticket.number
        _ = try await queue.cancel(recent, at: now - 2 * 86_400)

        try await withHandoffServer(directory) { _ in
            // Generous: the purge runs on its own task, beside the server's start.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await queue.ticket(old) != nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(try await queue.ticket(old) == nil)
        #expect(try await queue.transcript(old).isEmpty)
        #expect(try await queue.ticket(recent)?.state == .cancelled)
    }

    private func request(_ starter: String, turns: [Turn.Draft] = []) -> HandoffRequest {
        HandoffRequest(
            starter: starter, language: "nl", region: "VL", site: "bib-gent-1", channel: "kiosk",
            reason: "asked for a person", recentTurns: turns)
    }
}
