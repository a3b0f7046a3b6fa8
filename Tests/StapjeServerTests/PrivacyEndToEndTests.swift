import Foundation
import StapjeTestSupport
import Testing

/// Issue 10, "done when": no sensitive value typed by a starter can be found anywhere Stapje writes.
///
/// Every kind of sensitive data goes through the real kiosk (the `stapje` program on a pipe, kiosk mode, its default
/// data directory) and the real server (`stapje serve` over a socket, a handoff with a helper, logs at trace level in a
/// file). Then every file in both data directories (the `-wal` included), both logs, the kiosk's output, what the
/// helper was shown and the reports are searched for each value, as typed and as digits only.
struct PrivacyEndToEndTests {
    /// A message carrying one kind of sensitive data, and the forms of the value that must never be found.
    struct Case: Sendable {
        var message: String
        var forbidden: [String]
    }

    static let cases: [Case] = [
        Case(
            message: "mijn rijksregisternummer is 85.07.30-033.28, hoe vraag ik een attest aan",
            forbidden: ["85.07.30-033.28", "85073003328"]),
        Case(
            message: "mijn identiteitskaart heeft nummer 591-1917064-58",
            forbidden: ["591-1917064-58", "591191706458"]),
        Case(
            message: "IBAN BE48 3200 7018 4927 graag",
            forbidden: ["BE48 3200 7018 4927", "BE48320070184927", "320070184927"]),
        Case(
            message: "mijn bankkaart 4111 1111 1111 1111 is gestolen",
            forbidden: ["4111 1111 1111 1111", "4111111111111111"]),
        Case(message: "mail me op jan.peeters@example.be aub", forbidden: ["jan.peeters@example.be", "jan.peeters"]),
        Case(message: "bel me op 0471 23 45 67", forbidden: ["0471 23 45 67", "0471234567", "471234567"]),
        Case(message: "mon numéro est le 06 12 34 56 78", forbidden: ["06 12 34 56 78", "0612345678", "612345678"]),
        Case(message: "mijn pincode is 1234", forbidden: ["1234"]),
        Case(message: "my password is Tulp!Zon77", forbidden: ["Tulp!Zon77", "tulp!zon77", "Zon77"]),
        Case(message: "mijn itsme code is 482915", forbidden: ["482915"]),
    ]

    /// Every place a value could have landed, as (name, bytes).
    struct Haystack {
        var places: [(String, Data)] = []

        mutating func add(_ name: String, _ text: String) {
            places.append((name, Data(text.utf8)))
        }

        /// Every file below `directory`.
        mutating func addFiles(in directory: URL) throws {
            let paths = FileManager.default.subpaths(atPath: directory.path) ?? []
            for path in paths {
                let url = directory.appendingPathComponent(path)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                places.append((url.path, try Data(contentsOf: url)))
            }
        }

        /// "value in place" for every forbidden form found (case-insensitively for text).
        func findings(_ cases: [Case]) -> [String] {
            var found: [String] = []
            for (name, bytes) in places {
                let lower = Data(String(decoding: bytes, as: UTF8.self).lowercased().utf8)
                for form in cases.flatMap(\.forbidden) {
                    if bytes.range(of: Data(form.utf8)) != nil || lower.range(of: Data(form.lowercased().utf8)) != nil {
                        found.append("\(form) in \(name)")
                    }
                }
            }
            return found
        }
    }

    @Test func sensitiveDataIsFoundNowhereStapjeWrites() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-privacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var haystack = Haystack()

        // The kiosk: kiosk mode on a pipe keeps its statistics in the default data directory.
        let stateHome = root.appendingPathComponent("state")
        let kioskLog = root.appendingPathComponent("kiosk.log")
        let kioskInput =
            (["hoe maak ik een cv"] + Self.cases.map(\.message) + ["ik snap het niet", "ik wil een mens", "/klaar"])
            .joined(separator: "\n") + "\n"
        let kioskOutput = try Self.runKiosk(
            ["--kiosk", "--site", "bib-e2e"], input: kioskInput, stateHome: stateHome, log: kioskLog)
        let lessons =
            kioskOutput.components(separatedBy: "Typ nooit").count
            + kioskOutput.components(separatedBy: "Je hoeft hier geen persoonlijke gegevens").count - 2
        #expect(lessons >= Self.cases.count - 2, "the guard did not see every value:\n\(kioskOutput)")
        let kioskData = stateHome.appendingPathComponent("stapje")
        #expect(FileManager.default.fileExists(atPath: kioskData.appendingPathComponent("stapje.sqlite").path))
        haystack.add("kiosk output", kioskOutput)

        // The server, with a helper who takes the ticket, reads the transcript and resolves it.
        let serverData = root.appendingPathComponent("server-data")
        let helperToken = try Self.addHelper(dataDir: serverData)
        let serverLog = root.appendingPathComponent("server.log")
        let server = try await Self.startServer(
            ["--data-dir", serverData.path, "--log-level", "trace"], log: serverLog)
        var shown: [String] = []
        do {
            guard var starter = await LineClient.connect(port: server.port) else { throw TestFailure("no server") }
            defer { starter.close() }
            _ = try await starter.exchange("HELLO kiosk STAPJE/1")
            _ = try await starter.exchange("NEW site=bib-e2e channel=kiosk")
            _ = try await starter.exchange("ASK hoe maak ik een cv")
            let half = Self.cases.count / 2
            for item in Self.cases.prefix(half) {
                let reply = try #require(try await starter.exchange("ASK " + item.message))
                shown += reply
            }
            #expect(starter.takeEvents().filter { $0.contains("DATA-WITHHELD") }.count >= half - 1)
            let queued = try #require(try await starter.exchange("HUMAN"))
            let ticket = try #require(LineClient.parameter("ticket", in: queued.last), "\(queued)")

            guard var helper = await LineClient.connect(port: server.port) else { throw TestFailure("no server") }
            defer { helper.close() }
            _ = try await helper.exchange("HELLO desk STAPJE/1")
            let signedIn = try #require(try await helper.exchange("AUTH \(helperToken)"))
            #expect(signedIn.last?.hasPrefix("235") == true, "\(signedIn)")
            let taken = try #require(try await helper.exchange("TAKE \(ticket)"))
            #expect(taken.last?.contains("TAKEN") == true, "\(taken)")
            shown += taken
            // While the helper holds the ticket, the rest goes to them (relayed, redacted).
            for item in Self.cases.dropFirst(half) {
                shown += try #require(try await starter.exchange("ASK " + item.message))
            }
            _ = try await helper.exchange("PING")
            let transcript = try #require(try await helper.exchange("TRANSCRIPT \(ticket)"))
            #expect(transcript.contains { $0.contains("[IBAN]") || $0.contains("[SECRET]") }, "\(transcript)")
            shown += transcript + helper.takeEvents()
            _ = try await helper.exchange("SAY \(ticket) Ik kom eraan.")
            let resolved = try #require(try await helper.exchange("RESOLVE \(ticket)"))
            #expect(resolved.last?.contains("RESOLVED") == true, "\(resolved)")
            _ = try await starter.exchange("END")
        } catch {
            server.crash()
            throw error
        }
        #expect(try await server.terminate() == 0)
        haystack.add("what the helper was shown", shown.joined(separator: "\n"))

        // The reports read both stores (and fold the closed ticket into the counters).
        for directory in [kioskData, serverData] {
            for format in ["text", "csv", "html"] {
                let (status, report) = try Self.run(
                    ["report", "--data-dir", directory.path, "--format", format], stateHome: stateHome)
                #expect(status == 0, "\(report)")
                haystack.add("report \(format) of \(directory.lastPathComponent)", report)
            }
        }
        let (_, serverCSV) = try Self.run(
            ["report", "--data-dir", serverData.path, "--format", "csv"], stateHome: stateHome)
        #expect(serverCSV.contains("summary,guidance-moments,,1,"), "\(serverCSV)")
        #expect(serverCSV.contains("summary,sensitive-withheld,,\(Self.cases.count / 2),"), "\(serverCSV)")
        let (_, kioskCSV) = try Self.run(
            ["report", "--data-dir", kioskData.path, "--format", "csv"], stateHome: stateHome)
        #expect(kioskCSV.contains("summary,sensitive-withheld,,\(Self.cases.count),"), "\(kioskCSV)")

        try haystack.addFiles(in: kioskData)
        try haystack.addFiles(in: serverData)
        haystack.add("kiosk log", (try? String(contentsOf: kioskLog, encoding: .utf8)) ?? "")
        // The listening address is the one number in the log that is not ours (a port may contain "1234").
        let log = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""
        haystack.add("server log", log.replacing(/127\.0\.0\.1:\d+/, with: "127.0.0.1:PORT"))
        #expect(log.contains("ticket resolved"), "the log was not captured:\n\(log.prefix(2000))")

        // The search can fail: the stores hold the redacted transcript.
        let sqlite = haystack.places.filter { $0.0.contains("server-data") }.map(\.1)
        #expect(
            sqlite.contains { $0.range(of: Data("[IBAN]".utf8)) != nil || $0.range(of: Data("[SECRET]".utf8)) != nil })
        #expect(haystack.findings(Self.cases).isEmpty, "\(haystack.findings(Self.cases))")
        #expect(Haystack(places: [("control", Data("IBAN BE48320070184927".utf8))]).findings(Self.cases).count == 2)
    }

    // MARK: - Processes

    static func environment(stateHome: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = stateHome.path
        environment["LANG"] = "C.UTF-8"
        environment["STAPJE_KIOSK"] = nil
        environment["STAPJE_SITE"] = nil
        return environment
    }

    /// `stapje serve` on a free port, as `ServeProcess.start` does, but waiting up to three minutes for it to listen:
    /// with the whole suite running, a debug build may take more than a minute to compile the content.
    static func startServer(_ arguments: [String], log: URL) async throws -> ServeProcess {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try LifecycleTests.program()
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = environment(stateHome: log.deletingLastPathComponent().appendingPathComponent("none"))
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(180)
        while clock.now < deadline && process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) })
            {
                return ServeProcess(process: process, port: port, log: log)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let server = ServeProcess(process: process, port: 0, log: log)
        server.crash()
        throw TestFailure(
            "stapje serve did not listen within three minutes: \(try String(contentsOf: log, encoding: .utf8))")
    }

    /// Runs the kiosk on a pipe; returns what it printed.
    static func runKiosk(_ arguments: [String], input: String, stateHome: URL, log: URL) throws -> String {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try LifecycleTests.program()
        process.arguments = arguments
        process.environment = environment(stateHome: stateHome)
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Runs `stapje` with `arguments`; returns the status and standard output with standard error.
    static func run(_ arguments: [String], stateHome: URL) throws -> (Int32, String) {
        try StapjeProgram.run(arguments, environment: environment(stateHome: stateHome))
    }

    /// Adds helper An to the store in `dataDir`; returns the token.
    static func addHelper(dataDir: URL) throws -> String {
        let (status, output) = try run(
            ["helper", "add", "An", "--data-dir", dataDir.path],
            stateHome: dataDir.deletingLastPathComponent())
        #expect(status == 0, "\(output)")
        let token = output.split(separator: "\n").first { $0.hasPrefix("stapje_") }
        return try #require(token.map(String.init), "no token in: \(output)")
    }
}
