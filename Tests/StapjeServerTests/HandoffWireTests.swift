import Foundation
import ServiceLifecycle
import StapjeStore
import Testing

@testable import StapjeServer

/// The durable handoff over real sockets: a starter asks for a person, a helper signs in, takes the ticket, chats
/// and resolves it; races, sign-in limits and a restart on the same data directory.
@Suite(.timeLimit(.minutes(2)))
struct HandoffWireTests {
    /// A fresh data directory with one helper; returns it with the helper's token.
    static func dataDirectory(helpers: [String] = ["An"]) async throws -> (URL, [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-wire-\(UUID())")
        let database = try StoreDatabase.open(directory: directory, logger: Fixtures.logger)
        let accounts = HelperAccounts(database: database, logger: Fixtures.logger)
        var tokens: [String: String] = [:]
        for name in helpers { tokens[name] = try await accounts.add(name: name, at: Date()).token }
        return (directory, tokens)
    }

    /// A real server with a store in `directory`, run around `body`, then shut down gracefully.
    func withHandoffServer<T: Sendable>(
        _ directory: URL, _ configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (RunningServer) async throws -> T
    ) async throws -> T {
        let database = try StoreDatabase.open(directory: directory, logger: Fixtures.logger)
        return try await withServer(
            store: database,
            { configuration in
                configuration.maximumErrors = 100
                configure(&configuration)
            }, body)
    }

    /// Sends `line` and returns the lines up to the reply's final line.
    func exchange(_ client: TestClient, _ line: String) async throws -> [String] {
        try await client.send(line + "\n")
        return try await client.readReply()
    }

    /// Reads lines until one starts with `prefix`; returns it.
    func nextLine(_ client: TestClient, _ prefix: String) async throws -> String {
        while let line = try await client.readLine() {
            if line.hasPrefix(prefix) { return line }
        }
        throw TestFailure("the connection closed before a line starting with \(prefix)")
    }

    /// A greeted starter with a session that asked for a person; returns it with its ticket number.
    func starterInQueue(_ server: RunningServer, question: String? = nil) async throws -> (TestClient, Int) {
        let starter = try await server.greetedClient()
        _ = try await exchange(starter, "NEW lang=nl channel=kiosk site=bib-gent-1")
        if let question { _ = try await exchange(starter, "ASK \(question)") }
        let reply = try await exchange(starter, "HUMAN")
        let final = try #require(reply.last)
        #expect(final.hasPrefix("240 QUEUED "), "\(reply)")
        #expect(reply.contains { $0.hasPrefix("240-") }, "the core's words for the person come with the number")
        let ticket = try #require(Self.parameter("ticket", in: final).flatMap { Int($0) })
        #expect(try await starter.readLine()?.hasPrefix("* 614 HANDOFF-REQUESTED ") == true)
        return (starter, ticket)
    }

    func helper(_ server: RunningServer, token: String) async throws -> TestClient {
        let helper = try await server.greetedClient()
        let reply = try await exchange(helper, "AUTH \(token)")
        #expect(reply.last?.hasPrefix("235 AUTHENTICATED ") == true, "\(reply)")
        return helper
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for word in line.split(separator: " ") where word.hasPrefix(key + "=") {
            return String(word.dropFirst(key.count + 1))
        }
        return nil
    }

    @Test func starterReachesAHelperAndComesBackToTheBot() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let (starter, ticket) = try await starterInQueue(server, question: "hoe maak ik een e-mailadres")
            #expect(ticket == 1)

            // Helper commands before AUTH are refused, on a starter's connection too.
            #expect(try await exchange(starter, "QUEUE").last?.hasPrefix("530 AUTH-REQUIRED") == true)
            #expect(try await exchange(starter, "TRANSCRIPT 1").last?.hasPrefix("530 ") == true)

            let helper = try await helper(server, token: try #require(tokens["An"]))
            let queue = try await exchange(helper, "QUEUE")
            #expect(queue.last == "250 QUEUE open=1")
            #expect(queue.first?.hasPrefix("250-1 queued ") == true)
            #expect(queue.first?.contains("topic=email.create") == true)

            let taken = try await exchange(helper, "TAKE 1")
            #expect(taken.last?.hasPrefix("250 TAKEN ticket=1 ") == true, "\(taken)")
            #expect(taken.contains("250-starter: hoe maak ik een e-mailadres"), "the card shows what was tried")
            #expect(try await nextLine(starter, "* ").hasPrefix("* 610 HELPER-JOINED "))

            #expect(try await exchange(helper, "SAY 1 Hallo, ik ben An").last?.hasPrefix("250 SAID ticket=1") == true)
            let said = try await nextLine(starter, "* ")
            #expect(said.hasPrefix("* 615 HELPER "))
            #expect(said.hasSuffix(" Hallo, ik ben An"))

            // The bot is silent: what the starter types goes to the helper, redacted.
            var relayed = try await exchange(starter, "ASK ik vind de knop niet")
            #expect(relayed.last?.hasPrefix("242 RELAYED ticket=1") == true, "\(relayed)")
            var heard = try await nextLine(helper, "* ")
            #expect(heard.hasPrefix("* 602 STARTER ") && heard.hasSuffix(" ik vind de knop niet"))
            // Invisible characters do not reach the helper: an override would show the line backwards.
            relayed = try await exchange(starter, "ASK waar staat \u{202E}knop\u{202C} de\u{200B}ze")
            #expect(relayed.last?.hasPrefix("242 RELAYED") == true)
            heard = try await nextLine(helper, "* 602 ")
            #expect(heard.hasSuffix(" waar staat knop deze"), "\(heard.unicodeScalars.map { $0.value })")
            #expect(try await exchange(helper, "SAY 1 kijk \u{2067}hier\u{2069}").last?.hasPrefix("250 SAID") == true)
            #expect(try await nextLine(starter, "* ").hasSuffix(" kijk hier"))
            relayed = try await exchange(starter, "ASK mijn rekening is BE68 5390 0754 7034")
            #expect(relayed.last?.hasPrefix("242 ") == true)
            // The person is told what the helper does not see, as the bot tells them.
            #expect(relayed.first?.hasPrefix("242-Je hoeft hier geen persoonlijke gegevens") == true, "\(relayed)")
            heard = try await nextLine(helper, "* 602 ")
            #expect(!heard.contains("7034"), "\(heard)")
            // Live as kept: a short code the redactor lets through is masked on the helper's screen too.
            relayed = try await exchange(starter, "ASK de code is 4821 zegt de sms")
            #expect(relayed.last?.hasPrefix("242 ") == true)
            heard = try await nextLine(helper, "* 602 ")
            #expect(!heard.contains("4821") && heard.hasSuffix(" de code is [NUMBER] zegt de sms"), "\(heard)")

            let transcript = try await exchange(helper, "TRANSCRIPT 1")
            #expect(transcript.contains("250-helper An: Hallo, ik ben An"))
            #expect(transcript.contains("250-starter: ik vind de knop niet"))
            #expect(!transcript.joined().contains("0754"))

            #expect(try await exchange(helper, "RESOLVE 1").last == "250 RESOLVED ticket=1 state=resolved")
            let ended = try await nextLine(starter, "* ")
            #expect(ended.hasPrefix("* 612 HANDOFF-ENDED ") && ended.contains("state=resolved"), "\(ended)")
            #expect(ended.hasSuffix(Fixtures.conversation.content.words(.nl).text("thanks")))

            // The bot is back.
            let answer = try await exchange(starter, "ASK hoe maak ik een e-mailadres")
            #expect(answer.last?.hasPrefix("210 ANSWER ") == true, "\(answer)")
            #expect(try await exchange(starter, "STATUS").last?.contains("handoff=none") == true)
            #expect(try await exchange(helper, "RESOLVE 1").last?.hasPrefix("554 TICKET-CLOSED") == true)
        }
    }

    @Test func cancelAndEndCloseTheTicket() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let helper = try await helper(server, token: try #require(tokens["An"]))
            #expect(try await exchange(helper, "WATCH").last == "250 WATCHING open=0")
            let (first, one) = try await starterInQueue(server)
            #expect(try await nextLine(helper, "* 601 ").contains("ticket=\(one) state=queued cause=enqueued"))
            #expect(try await exchange(first, "CANCEL").last?.hasPrefix("250 CANCELLED") == true)
            #expect(try await nextLine(helper, "* 601 ").contains("ticket=\(one) state=cancelled"))
            let (second, two) = try await starterInQueue(server)
            #expect(two == one + 1, "a cancelled conversation asking again gets a new ticket")
            _ = try await nextLine(helper, "* 601 ")
            #expect(try await exchange(second, "END").last == "250 ENDED")
            #expect(try await nextLine(helper, "* 601 ").contains("ticket=\(two) state=cancelled"))
            #expect(try await exchange(helper, "QUEUE").last == "250 QUEUE open=0")
            // A goodbye in the person's own words wipes the conversation as END does, its ticket too.
            let (third, three) = try await starterInQueue(server)
            _ = try await nextLine(helper, "* 601 ")
            let goodbye = try await exchange(third, "ASK dag, ik ga naar huis")
            #expect(goodbye.last?.hasPrefix("212 CHAT ") == true, "\(goodbye)")
            #expect(try await third.readLine()?.hasPrefix("* 621 SESSION-ENDED ") == true)
            #expect(try await nextLine(helper, "* 601 ").contains("ticket=\(three) state=cancelled"))
            #expect(try await exchange(helper, "QUEUE").last == "250 QUEUE open=0")
            #expect(try await exchange(third, "STATUS").last?.contains("session=none") == true)
        }
    }

    /// `stapje helper remove` while the helper is signed in: their next helper command finds them signed out.
    @Test func aRemovedHelperIsSignedOutAtTheirNextCommand() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let helper = try await helper(server, token: try #require(tokens["An"]))
            #expect(try await exchange(helper, "QUEUE").last == "250 QUEUE open=0")
            let database = try StoreDatabase.open(directory: directory, logger: Fixtures.logger)
            #expect(try await HelperAccounts(database: database, logger: Fixtures.logger).remove(name: "An"))
            let refused = try await exchange(helper, "QUEUE")
            #expect(refused.last?.hasPrefix("530 AUTH-REQUIRED ") == true, "\(refused)")
            #expect(try await exchange(helper, "TAKE 1").last?.hasPrefix("530 ") == true)
        }
    }

    /// A removed helper whose desk only sends `PING` (every 20 seconds) is signed out at that line: their ticket goes
    /// back to the queue at once and its person is told; what the person types next reaches no one.
    @Test func aRemovedHelperIsSignedOutAtTheirNextPingAndTheirTicketGoesBack() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let helper = try await helper(server, token: try #require(tokens["An"]))
            let (starter, ticket) = try await starterInQueue(server)
            #expect(try await exchange(helper, "TAKE \(ticket)").last?.hasPrefix("250 TAKEN ") == true)
            _ = try await nextLine(starter, "* 610 ")
            let database = try StoreDatabase.open(directory: directory, logger: Fixtures.logger)
            #expect(try await HelperAccounts(database: database, logger: Fixtures.logger).remove(name: "An"))

            let ping = try await exchange(helper, "PING desk")
            #expect(ping.last?.hasPrefix("530 AUTH-REQUIRED ") == true, "\(ping)")
            _ = try await nextLine(starter, "* 613 ")
            let asked = try await exchange(starter, "ASK is daar nog iemand?")
            #expect(asked.last?.hasPrefix("242 ") != true, "\(asked)")
            #expect(try await exchange(helper, "PING again").last == "250 PONG again")
            #expect(try await exchange(helper, "QUEUE").last?.hasPrefix("530 ") == true)
        }
    }

    @Test func twoHelpersTakingOneTicketExactlyOneWins() async throws {
        let (directory, tokens) = try await Self.dataDirectory(helpers: ["An", "Bo"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let an = try await helper(server, token: try #require(tokens["An"]))
            let bo = try await helper(server, token: try #require(tokens["Bo"]))
            for _ in 0..<5 {
                let (starter, ticket) = try await starterInQueue(server)
                async let first = exchange(an, "TAKE \(ticket)")
                async let second = exchange(bo, "TAKE \(ticket)")
                let finals = try await [first, second].compactMap(\.last)
                let winners = finals.filter { $0.hasPrefix("250 TAKEN ") }
                let losers = finals.filter { $0.hasPrefix("553 TICKET-TAKEN ") }
                #expect(winners.count == 1 && losers.count == 1, "\(finals)")
                let winner = finals[0].hasPrefix("250") ? an : bo
                let winnerName = finals[0].hasPrefix("250") ? "An" : "Bo"
                #expect(losers.first?.contains("helper=\(winnerName)") == true, "the loser is told who won")
                // TAKE is idempotent for the holder.
                #expect(try await exchange(winner, "TAKE \(ticket)").last?.hasPrefix("250 TAKEN ") == true)
                #expect(try await nextLine(starter, "* ").hasPrefix("* 610 HELPER-JOINED "))
                starter.close()
            }
        }
    }

    @Test func failedSignInsAreLimitedAndSayNothingAboutNames() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let client = try await server.greetedClient()
            #expect(try await exchange(client, "TAKE 1").last?.hasPrefix("530 AUTH-REQUIRED") == true)
            var refusals: [String] = []
            for attempt in 0..<5 {
                let guess = "stapje_" + String(repeating: "A", count: 43 - String(attempt).count) + String(attempt)
                refusals += try await exchange(client, "AUTH \(guess)")
            }
            #expect(refusals.allSatisfy { $0 == "535 AUTH-FAILED that token is not valid" }, "\(refusals)")
            let limited = try await exchange(client, "AUTH \(try #require(tokens["An"]))")
            #expect(limited.last?.hasPrefix("454 AUTH-LIMITED retry-after=") == true, "\(limited)")
            #expect(try await exchange(client, "QUEUE").last?.hasPrefix("530 ") == true)
        }
    }

    @Test func aRestartKeepsTheQueue() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try #require(tokens["An"])
        let before = try await withHandoffServer(directory) { server in
            let (first, one) = try await starterInQueue(server, question: "hoe maak ik een e-mailadres")
            let (second, _) = try await starterInQueue(server)
            let helper = try await helper(server, token: token)
            _ = try await exchange(helper, "TAKE \(one)")
            let queue = try await exchange(helper, "QUEUE")
            for client in [first, second, helper] { client.close() }
            return queue
        }
        #expect(before.count == 3)
        try await withHandoffServer(directory) { server in
            let helper = try await helper(server, token: token)
            let after = try await exchange(helper, "QUEUE")
            #expect(after.count == before.count)
            #expect(zip(before, after).allSatisfy { Self.withoutWait($0) == Self.withoutWait($1) }, "\(after)")
            #expect(after.first?.contains("assigned") == true && after.first?.contains("helper=An") == true)
            let transcript = try await exchange(helper, "TRANSCRIPT 1")
            #expect(transcript.contains("250-starter: hoe maak ik een e-mailadres"))
        }
    }

    /// One JSON reply object as a dictionary.
    static func object(_ line: String?) throws -> [String: Any] {
        let data = Data(try #require(line).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(line ?? "")")
    }

    @Test func helperCommandsHaveJSONForms() async throws {
        let (directory, tokens) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(directory) { server in
            let (starter, ticket) = try await starterInQueue(server, question: "hoe maak ik een e-mailadres")
            let helper = try await server.greetedClient(format: "json")
            func send(_ json: String) async throws -> [String: Any] {
                try Self.object(try await exchange(helper, json).last)
            }
            #expect(try await send(#"{"cmd":"take","ticket":1}"#)["code"] as? Int == 530)
            let token = try #require(tokens["An"])
            let auth = try await send(#"{"cmd":"auth","token":"\#(token)","tag":"a1"}"#)
            #expect(auth["code"] as? Int == 235 && auth["helper"] as? String == "An" && auth["tag"] as? String == "a1")

            let taken = try await send(#"{"cmd":"take","ticket":\#(ticket),"tag":"t1"}"#)
            #expect(
                taken["kw"] as? String == "TAKEN" && taken["ticket"] as? Int == ticket
                    && taken["tag"] as? String == "t1")
            #expect((taken["lines"] as? [String])?.contains("starter: hoe maak ik een e-mailadres") == true)
            #expect(try await nextLine(starter, "* ").hasPrefix("* 610 HELPER-JOINED "))

            let said = try await send(#"{"cmd":"say","ticket":\#(ticket),"text":"Hallo, ik ben An"}"#)
            #expect(said["kw"] as? String == "SAID")
            #expect(try await nextLine(starter, "* ").hasSuffix(" Hallo, ik ben An"))
            let transcript = try await send(#"{"cmd":"transcript","ticket":\#(ticket)}"#)
            #expect((transcript["lines"] as? [String])?.contains("helper An: Hallo, ik ben An") == true)

            let released = try await send(#"{"cmd":"release","ticket":\#(ticket)}"#)
            #expect(released["kw"] as? String == "RELEASED" && released["state"] as? String == "queued")
            let queued = try await nextLine(starter, "* ")
            #expect(queued.hasPrefix("* 613 HANDOFF-QUEUED ") && queued.contains(" ticket=\(ticket) "), "\(queued)")
            _ = try await send(#"{"cmd":"take","ticket":\#(ticket)}"#)
            let resolved = try await send(#"{"cmd":"resolve","ticket":\#(ticket)}"#)
            #expect(resolved["kw"] as? String == "RESOLVED" && resolved["state"] as? String == "resolved")
            #expect(try await nextLine(starter, "* 612 ").contains("state=resolved"))

            // A malformed JSON helper request is refused with 501 and names the field; a text connection takes
            // JSON requests too.
            let missing = try await send(#"{"cmd":"say","ticket":\#(ticket)}"#)
            #expect(missing["code"] as? Int == 501 && (missing["text"] as? String)?.contains(#""text""#) == true)
            #expect(try await send(#"{"cmd":"take","ticket":"1"}"#)["code"] as? Int == 501)
            let queue = try await exchange(starter, #"{"cmd":"queue"}"#)
            #expect(queue.last?.hasPrefix("530 AUTH-REQUIRED") == true, "\(queue)")
        }
    }

    static func withoutWait(_ line: String) -> String {
        line.split(separator: " ").filter { !$0.hasPrefix("wait=") }.joined(separator: " ")
    }

    @Test func theSweepEndsATicketThatWaitedTooLong() async throws {
        let (directory, _) = try await Self.dataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHandoffServer(
            directory,
            {
                $0.handoffTimeouts.maximumWait = .milliseconds(300)
                $0.handoffSweepInterval = .milliseconds(100)
            }
        ) { server in
            let (starter, _) = try await starterInQueue(server)
            let ended = try await nextLine(starter, "* ")
            #expect(ended.hasPrefix("* 612 HANDOFF-ENDED ") && ended.contains("state=expired"), "\(ended)")
            #expect(try await exchange(starter, "STATUS").last?.contains("handoff=none") == true)
        }
    }
}
