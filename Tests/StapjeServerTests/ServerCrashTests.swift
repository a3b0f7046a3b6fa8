import Foundation
import StapjeStore
import StapjeText
import Testing

/// The real `stapje serve` under SIGKILL, with starters and helpers talking to it over sockets the whole time; then
/// the books, read from the SQLite file.
///
/// `STAPJE_SERVER_CRASH_KILLS` sets the number of kills (default 5), `STAPJE_SERVER_CRASH_SEED` the seed (default
/// random; it is printed). `scripts/server-crash-run.sh` runs a long one.
@Suite(.timeLimit(.minutes(60)))
struct ServerCrashTests {
    @Test func killingTheServerLosesNoAcknowledgedTicket() async throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["STAPJE_SERVER_CRASH_KILLS"].flatMap(Int.init) ?? 5
        let seed = environment["STAPJE_SERVER_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...1_000_000)
        let (directory, tokens) = try await HandoffWireTests.dataDirectory(helpers: ["An", "Bo"])
        defer { try? FileManager.default.removeItem(at: directory) }

        let run = ServerCrashRun(directory: directory, tokens: tokens, seed: seed, starters: 6)
        let figures = try await run.run(kills: kills)
        print("server crash test: seed=\(seed) " + figures.summary)
        #expect(figures.kills == kills)
        #expect(figures.acknowledged > 0)
        #expect(figures.integrity == ["ok"])
        #expect(figures.lost.isEmpty, "acknowledged but not in the store: \(figures.lost)")
        #expect(figures.doubleFinal.isEmpty, "more than one final state: \(figures.doubleFinal)")
        #expect(figures.inconsistent.isEmpty, "history does not fit the state machine: \(figures.inconsistent)")
        #expect(figures.contradicted.isEmpty, "the store contradicts what a client was told: \(figures.contradicted)")
        #expect(figures.stillOpen.isEmpty, "not closed by the timeouts: \(figures.stillOpen)")
        #expect(figures.unknown == 0, "tickets nobody could have been told about: \(figures.unacknowledged)")
        #expect(figures.cleanExit == 0, "the last server did not drain and exit 0")
    }
}

/// What the clients were told, collected across every server process of one run.
actor CrashBooks {
    /// Tickets whose number a starter heard: `240 QUEUED ticket=N`, or a RESUME re-linked to it.
    var acknowledged: Set<Int> = []
    /// Final states the server announced per ticket: `250 RESOLVED`, event 612, and `250 CANCELLED` (any final).
    var told: [Int: Set<String>] = [:]
    /// HUMAN requests whose reply never came because the server died: each may have left one ticket.
    var inFlight = 0
    var counts: [String: Int] = [:]

    func acknowledge(_ ticket: Int) { acknowledged.insert(ticket) }
    func tell(_ ticket: Int, _ state: String) { told[ticket, default: []].insert(state) }
    func lostInFlight() { inFlight += 1 }
    func count(_ key: String) { counts[key, default: 0] += 1 }
}

/// The figures of one crash run.
struct CrashFigures {
    var runs = 0
    var kills = 0
    var acknowledged = 0
    var unacknowledged: [Int] = []
    var inFlight = 0
    var lost: [Int] = []
    var doubleFinal: [Int] = []
    var inconsistent: [String] = []
    var contradicted: [String] = []
    var stillOpen: [Int] = []
    var integrity: [String] = []
    var finals: [String: Int] = [:]
    var counts: [String: Int] = [:]
    var cleanExit: Int32 = -1

    /// Tickets in the store that no HUMAN in flight at a kill explains: a starter would never hear of them.
    var unknown: Int { max(0, unacknowledged.count - inFlight) }

    var summary: String {
        let states = finals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let activity = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "runs=\(runs) kills=\(kills) acknowledged=\(acknowledged) "
            + "committed-unacknowledged=\(unacknowledged.count) in-flight-at-kill=\(inFlight) lost=\(lost.count) "
            + "double-final=\(doubleFinal.count) inconsistent=\(inconsistent.count) "
            + "contradicted=\(contradicted.count) unknown=\(unknown) still-open=\(stillOpen.count) "
            + "final-states: \(states) activity: \(activity)"
    }
}

/// One crash run: start the server on a data directory, let starters and helpers work, SIGKILL it at a seeded
/// random moment, start it again on the same directory, and so on; then a last server whose short timeouts close
/// every ticket, a SIGTERM, and the books.
struct ServerCrashRun {
    let directory: URL
    let tokens: [String: String]
    let seed: UInt64
    let starters: Int

    /// Short timeouts, so the last server closes everything within seconds.
    static let timeouts = ["--max-wait", "4", "--starter-gone", "8", "--helper-lease", "2"]

    func serverArguments() -> [String] {
        ["--data-dir", directory.path, "--max-errors", "100000", "--session-ttl", "120"] + Self.timeouts
    }

    func run(kills: Int) async throws -> CrashFigures {
        let books = CrashBooks()
        var random = SeededGenerator(seed: seed)
        var people = (0..<starters).map { StarterState(index: $0) }
        var figures = CrashFigures()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-crash-\(UUID())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }

        for round in 0..<kills {
            let server = try await ServeProcess.start(
                serverArguments(), log: logs.appendingPathComponent("serve-\(round).log"))
            figures.runs += 1
            let roundSeed = random.next()
            // Some kills land right after start-up (the sweep at start), most while tickets flow.
            let delay = Duration.milliseconds(Int(random.next() % 2200) + 100)
            let killer = Task {
                try? await Task.sleep(for: delay)
                server.crash()
            }
            people = try await work(port: server.port, people: people, seed: roundSeed, books: books, until: nil)
            await killer.value
            figures.kills += 1
        }

        // The last server is not killed: starters with an open ticket come back and wait, helpers do not, and the
        // timeouts close every ticket (starter gone, lease run out, waited too long).
        let server = try await ServeProcess.start(serverArguments(), log: logs.appendingPathComponent("serve-last.log"))
        figures.runs += 1
        let deadline = ContinuousClock.now + .seconds(90)
        let drained: @Sendable () async throws -> Bool = {
            try await openTickets() == 0 || ContinuousClock.now > deadline
        }
        _ = try await work(port: server.port, people: people, seed: random.next(), books: books, until: drained)
        while try await !drained() { try await Task.sleep(for: .milliseconds(250)) }
        figures.cleanExit = try await server.terminate()

        let ledger = try HandoffLedger.read(directory: directory)
        figures.integrity = ledger.integrity
        let acknowledged = await books.acknowledged
        figures.acknowledged = acknowledged.count
        figures.inFlight = await books.inFlight
        figures.counts = await books.counts
        figures.lost = acknowledged.filter { ledger.entries[$0] == nil }.sorted()
        figures.unacknowledged = ledger.entries.keys.filter { !acknowledged.contains($0) }.sorted()
        let told = await books.told
        for (number, entry) in ledger.entries.sorted(by: { $0.key < $1.key }) {
            if entry.finalTransitions > 1 { figures.doubleFinal.append(number) }
            if let problem = entry.inconsistency { figures.inconsistent.append("\(number): \(problem)") }
            if !entry.ticket.state.isFinal { figures.stillOpen.append(number) }
            figures.finals[entry.ticket.state.rawValue, default: 0] += 1
            for state in told[number] ?? [] {
                let fits = state == "final" ? entry.ticket.state.isFinal : entry.ticket.state.rawValue == state
                if !fits { figures.contradicted.append("\(number): told \(state), stored \(entry.ticket.state)") }
            }
        }
        return figures
    }

    func openTickets() async throws -> Int {
        try HandoffLedger.read(directory: directory).entries.values.filter { !$0.ticket.state.isFinal }.count
    }

    /// Runs every starter and both helpers against the server on `port` until its connections close (it was
    /// killed), or, with `until`, until that says to stop (the helpers then stay away).
    func work(
        port: Int, people: [StarterState], seed: UInt64, books: CrashBooks,
        until stop: (@Sendable () async throws -> Bool)?
    ) async throws -> [StarterState] {
        try await withThrowingTaskGroup(of: StarterState?.self) { group in
            for person in people {
                group.addTask {
                    var person = person
                    var random = SeededGenerator(seed: seed &+ UInt64(person.index) &* 7919)
                    try await person.visit(port: port, random: &random, books: books, until: stop)
                    return person
                }
            }
            if stop == nil {
                for (index, name) in tokens.keys.sorted().enumerated() {
                    let token = tokens[name] ?? ""
                    group.addTask {
                        var random = SeededGenerator(seed: seed &+ 1_000_003 &* UInt64(index + 1))
                        try await HelperDriver(name: name, token: token).work(
                            port: port, random: &random, books: books)
                        return nil
                    }
                }
            }
            var after: [StarterState] = []
            for try await person in group { if let person { after.append(person) } }
            return after.sorted { $0.index < $1.index }
        }
    }
}

/// One starter, across server restarts: their resume token and the ticket they were told about.
struct StarterState: Sendable {
    let index: Int
    var token: String?
    var ticket: Int?
    /// The last event seen, for `RESUME ... since=`.
    var seen = 0

    static let questions = [
        "hoe maak ik een e-mailadres", "comment envoyer une photo", "how do I apply for a job online",
        "mijn wachtwoord werkt niet", "ik vind de knop niet",
    ]

    /// Connects, resumes or starts a conversation, and does random things until the connection closes. With
    /// `until`, only a starter with an open ticket comes back, and only to wait: it pings until `until` says stop.
    mutating func visit(
        port: Int, random: inout SeededGenerator, books: CrashBooks, until stop: (@Sendable () async throws -> Bool)?
    ) async throws {
        if stop != nil && ticket == nil { return }
        while true {
            guard var client = await LineClient.connect(port: port) else { return }
            defer { client.close() }
            guard try await client.exchange("HELLO starter-\(index) STAPJE/1") != nil else { return }
            if let token {
                guard let reply = try await client.exchange("RESUME \(token) since=\(seen)") else { return }
                await notice(&client, books: books)
                if reply.last?.hasPrefix("220 ") == true {
                    await books.count("resumed")
                    if let number = LineClient.parameter("ticket", in: reply.last).flatMap(Int.init) {
                        await books.count("relinked")
                        await books.acknowledge(number)
                        ticket = number
                    }
                } else {
                    await books.count("resume-refused")
                    self.token = nil
                    ticket = nil
                }
            }
            if let stop {
                while ticket != nil, try await !stop() {
                    try await Task.sleep(for: .milliseconds(200))
                    guard try await client.exchange("PING") != nil else { return }
                    await notice(&client, books: books)
                }
                return
            }
            if token == nil {
                guard let reply = try await client.exchange("NEW lang=nl channel=kiosk site=crash-\(index)") else {
                    return
                }
                token = LineClient.parameter("token", in: reply.last)
                seen = 0
            }
            // Some actions per connection, then a reconnect (QUIT, or a dropped connection).
            for _ in 0..<(Int(random.next() % 12) + 1) {
                guard try await act(&client, random: &random, books: books) else { return }
                await notice(&client, books: books)
            }
            if random.next() % 2 == 0 { _ = try await client.exchange("QUIT") }
        }
    }

    /// One random action; false when the connection closed.
    mutating func act(_ client: inout LineClient, random: inout SeededGenerator, books: CrashBooks) async throws
        -> Bool
    {
        let question = Self.questions[Int(random.next() % UInt64(Self.questions.count))]
        guard let ticket else {
            if random.next() % 3 == 0 {
                return try await client.exchange("ASK \(question)") != nil
            }
            await books.count("human")
            guard let reply = try await client.exchange("HUMAN") else {
                await books.lostInFlight()
                return false
            }
            if reply.last?.hasPrefix("240 QUEUED ") == true,
                let number = LineClient.parameter("ticket", in: reply.last).flatMap(Int.init)
            {
                await books.acknowledge(number)
                self.ticket = number
            }
            return true
        }
        switch random.next() % 10 {
        case 0:
            await books.count("cancel")
            guard let reply = try await client.exchange("CANCEL") else { return false }
            if reply.last?.hasPrefix("250 CANCELLED") == true {
                await books.tell(ticket, "final")
                self.ticket = nil
            }
        case 1:
            await books.count("end")
            guard let reply = try await client.exchange("END") else { return false }
            if reply.last == "250 ENDED" {
                token = nil
                self.ticket = nil
                guard let reply = try await client.exchange("NEW lang=nl channel=kiosk site=crash-\(index)") else {
                    return false
                }
                token = LineClient.parameter("token", in: reply.last)
                seen = 0
            }
        case 2, 3, 4:
            return try await client.exchange("ASK \(question)") != nil
        default:
            try await Task.sleep(for: .milliseconds(Int(random.next() % 300) + 20))
            return try await client.exchange("PING") != nil
        }
        return true
    }

    /// Records the events read so far: an ended handoff tells the ticket's final state.
    mutating func notice(_ client: inout LineClient, books: CrashBooks) async {
        for event in client.takeEvents() {
            if let sequence = LineClient.parameter("seq", in: event).flatMap(Int.init) { seen = max(seen, sequence) }
            guard event.hasPrefix("* 612 "), let state = LineClient.parameter("state", in: event),
                let number = LineClient.parameter("ticket", in: event).flatMap(Int.init)
            else { continue }
            await books.tell(number, state)
            if number == ticket { ticket = nil }
        }
    }
}

/// A helper at the desk: signs in, looks at the queue, takes, chats, releases and resolves, until the server dies.
struct HelperDriver {
    let name: String
    let token: String

    func work(port: Int, random: inout SeededGenerator, books: CrashBooks) async throws {
        while true {
            guard var client = await LineClient.connect(port: port) else { return }
            defer { client.close() }
            guard try await client.exchange("HELLO desk-\(name) STAPJE/1") != nil,
                let auth = try await client.exchange("AUTH \(token)")
            else { return }
            guard auth.last?.hasPrefix("235 ") == true else { throw TestFailure("\(name) could not sign in: \(auth)") }
            for _ in 0..<(Int(random.next() % 30) + 5) {
                guard let queue = try await client.exchange("QUEUE") else { return }
                let open = queue.dropLast().compactMap { line -> (Int, Bool)? in
                    let words = line.dropFirst(4).split(separator: " ")
                    guard words.count > 1, let number = Int(words[0]) else { return nil }
                    return (number, line.contains("helper=\(name)"))
                }
                let mine = open.filter(\.1).map(\.0)
                let queued = open.filter { !$0.1 }.map(\.0)
                let choice = random.next() % 10
                if let number = mine.randomElement(using: &random), choice < 6 {
                    switch choice {
                    case 0, 1, 2:
                        guard try await client.exchange("SAY \(number) Hallo, ik ben \(name)") != nil else { return }
                    case 3:
                        await books.count("release")
                        guard try await client.exchange("RELEASE \(number)") != nil else { return }
                    default:
                        await books.count("resolve")
                        guard let reply = try await client.exchange("RESOLVE \(number)") else { return }
                        if reply.last?.hasPrefix("250 RESOLVED ") == true { await books.tell(number, "resolved") }
                    }
                } else if let number = queued.randomElement(using: &random), choice < 9 {
                    await books.count("take")
                    guard try await client.exchange("TAKE \(number)") != nil else { return }
                } else {
                    try await Task.sleep(for: .milliseconds(Int(random.next() % 200) + 20))
                }
                _ = client.takeEvents()
            }
            _ = try await client.exchange("QUIT")
        }
    }
}
