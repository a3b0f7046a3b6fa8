import Foundation
import StapjeStore
import Testing

/// A starter whose server died: the real `stapje serve` is killed with SIGKILL and started again on the same data
/// directory, and `RESUME <token>` takes the person back to their open ticket.
@Suite(.timeLimit(.minutes(3)))
struct RelinkTests {
    @Test func resumeAfterARestartFindsTheOpenTicket() async throws {
        let (directory, tokens) = try await HandoffWireTests.dataDirectory()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-relink-\(UUID())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: logs)
        }
        let arguments = ["--data-dir", directory.path]
        let helperToken = try #require(tokens["An"])

        // Three starters ask for a person; the helper takes the second one's ticket. Then the server dies.
        var first = try await ServeProcess.start(arguments, log: logs.appendingPathComponent("1.log"))
        var queued: [(token: String, ticket: Int, seen: Int)] = []
        for (index, language) in ["fr", "nl", "en"].enumerated() {
            var starter = try #require(await LineClient.connect(port: first.port))
            _ = try await starter.exchange("HELLO kiosk-\(index) STAPJE/1")
            let session = try #require(try await starter.exchange("NEW lang=\(language) site=bib-\(index)"))
            let token = try #require(LineClient.parameter("token", in: session.last))
            let human = try #require(try await starter.exchange("HUMAN"))
            let ticket = try #require(LineClient.parameter("ticket", in: human.last).flatMap(Int.init), "\(human)")
            _ = try await starter.exchange("PING")
            let seen = starter.takeEvents().compactMap { LineClient.parameter("seq", in: $0).flatMap(Int.init) }.max()
            queued.append((token, ticket, seen ?? 0))
            starter.close()
        }
        var desk = try #require(await LineClient.connect(port: first.port))
        _ = try await desk.exchange("HELLO desk STAPJE/1")
        _ = try await desk.exchange("AUTH \(helperToken)")
        #expect(try await desk.exchange("TAKE \(queued[1].ticket)")?.last?.hasPrefix("250 TAKEN ") == true)
        first.crash()

        // The token is nowhere in the store: only its keyed hash.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            for entry in queued { #expect(bytes.range(of: Data(entry.token.utf8)) == nil, "\(file) holds a token") }
        }

        first = try await ServeProcess.start(arguments, log: logs.appendingPathComponent("2.log"))
        defer { first.crash() }
        desk = try #require(await LineClient.connect(port: first.port))
        _ = try await desk.exchange("HELLO desk STAPJE/1")
        _ = try await desk.exchange("AUTH \(helperToken)")

        // The first starter waits in line: their number and place again, in their language, numbered after the
        // last event they saw.
        var one = try #require(await LineClient.connect(port: first.port))
        _ = try await one.exchange("HELLO kiosk-0 STAPJE/1")
        let resumed = try #require(try await one.exchange("RESUME \(queued[0].token) since=\(queued[0].seen)"))
        let final = try #require(resumed.last)
        #expect(final.hasPrefix("220 SESSION token=\(queued[0].token) "), "\(resumed)")
        #expect(final.contains(" lang=fr ") && final.contains(" resumed=yes replay=1 "), "\(final)")
        #expect(final.contains(" ticket=\(queued[0].ticket) ahead=0"), "\(final)")
        let words = Fixtures.conversation.content.words(.fr).text("handoff_requested")
        #expect(resumed.first == "220-" + words, "\(resumed)")
        _ = try await one.exchange("PING")  // the events come right after the reply
        let place = one.takeEvents()
        #expect(place == ["* 613 HANDOFF-QUEUED seq=\(queued[0].seen + 1) ticket=\(queued[0].ticket) ahead=0"])
        let status = try #require(try await one.exchange("STATUS")?.last)
        #expect(status.contains("handoff=requested") && status.contains("site=bib-0"), "\(status)")

        // The second starter's helper already holds the ticket: they hear so, the helper sees them back, and what
        // they type goes to the helper.
        var two = try #require(await LineClient.connect(port: first.port))
        _ = try await two.exchange("HELLO kiosk-1 STAPJE/1")
        let again = try #require(try await two.exchange("RESUME \(queued[1].token)")?.last)
        #expect(again.contains(" ticket=\(queued[1].ticket)") && !again.contains("ahead="), "\(again)")
        _ = try await two.exchange("PING")
        #expect(two.takeEvents().first?.hasPrefix("* 610 HELPER-JOINED ") == true)
        _ = try await desk.exchange("PING")
        #expect(desk.takeEvents().contains("* 603 STARTER-BACK seq=0 ticket=\(queued[1].ticket)"))
        #expect(try await two.exchange("ASK waar is de knop")?.last?.hasPrefix("242 RELAYED ") == true)
        _ = try await desk.exchange("PING")
        #expect(desk.takeEvents().contains { $0.hasPrefix("* 602 STARTER ") && $0.hasSuffix(" waar is de knop") })
        #expect(try await desk.exchange("SAY \(queued[1].ticket) Ik kom eraan")?.last?.hasPrefix("250 SAID") == true)
        #expect(try await desk.exchange("RESOLVE \(queued[1].ticket)")?.last?.hasPrefix("250 RESOLVED") == true)
        _ = try await two.exchange("PING")
        let ended = two.takeEvents()
        #expect(ended.contains { $0.hasPrefix("* 615 HELPER ") && $0.hasSuffix(" Ik kom eraan") }, "\(ended)")
        #expect(ended.last?.hasPrefix("* 612 HANDOFF-ENDED ") == true && ended.last?.contains("state=resolved") == true)

        // A ticket that closed is not a way back in; neither is a token nobody had.
        var three = try #require(await LineClient.connect(port: first.port))
        _ = try await three.exchange("HELLO kiosk-2 STAPJE/1")
        #expect(try await one.exchange("CANCEL")?.last?.hasPrefix("250 CANCELLED") == true)
        one.close()
        var four = try #require(await LineClient.connect(port: first.port))
        _ = try await four.exchange("HELLO kiosk-0 STAPJE/1")
        // The conversation itself lives on in memory; its ticket is closed.
        let back = try #require(try await four.exchange("RESUME \(queued[0].token)")?.last)
        #expect(back.hasPrefix("220 ") && !back.contains("ticket="), "\(back)")
        #expect(try await three.exchange("RESUME 2222-3333-4444-5555")?.last?.hasPrefix("550 NO-SESSION") == true)
        // The third starter's ticket is still open and theirs.
        let last = try #require(try await three.exchange("RESUME \(queued[2].token)")?.last)
        #expect(last.contains(" ticket=\(queued[2].ticket) ahead=0") && last.contains(" lang=en "), "\(last)")
    }
}
