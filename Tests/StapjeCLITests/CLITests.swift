import Foundation
import StapjeTestSupport
import Testing

/// The `stapje` command run as a real process.
struct CLITests {
    static func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try StapjeProgram.run(arguments, input: input.map { Data($0.utf8) })
    }

    static func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func askAnswersAsText() throws {
        let (status, output) = try Self.run(["ask", "hoe solliciteer ik online"])
        #expect(status == 0)
        #expect(output.contains("1."))
    }

    @Test func askJSONFollowsTheContract() throws {
        let (status, output) = try Self.run(["ask", "--json", "mot de passe oublié"])
        #expect(status == 0)
        let object = try Self.json(output.split(separator: "\n")[0])
        for field in ["input", "kind", "intent", "confidence", "language", "alternatives", "answer", "explain"] {
            #expect(object.keys.contains(field), "missing \(field)")
        }
        #expect(object["kind"] as? String == "answer")
        #expect(object["intent"] as? String == "account.passwords")
        #expect(object["language"] as? String == "fr")
        let answer = try #require(object["answer"] as? [String: Any])
        #expect((answer["steps"] as? [String])?.isEmpty == false)
    }

    /// "nee" while the last step is on screen, however it was reached, is the topic's "does it not work?" part; on
    /// a kiosk with no helper behind it, asking for one first leaves no request open that would stop that.
    @Test func noAtTheLastStepIsTheNotWorkingAdviceAlsoAfterAskingForAHelper() throws {
        for opening in ["", "helper\n"] {
            let input = opening + "hoe laat vertrekt de trein\nde laatste stap\nnee\n"
            let (status, output) = try Self.run(["--no-stats", "--region", "VL"], input: input)
            #expect(status == 0)
            let replies = output.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            let last = try #require(replies.last)
            #expect(last.hasPrefix("Lukt het niet? Toont de app een fout"), "\(opening): \(last)")
            #expect(!output.contains("begrijp ik niet"))
        }
    }

    /// On a kiosk with no helper behind it, the list of where to find a person is shown once a conversation; a
    /// person who keeps missing gets its first line and first step again, not the whole list at every miss.
    @Test func whereToFindAPersonIsListedOnceAConversation() throws {
        let input = "qwxz vbnm\nplok zzqr\nfrml qqq\nhelper\n"
        let (status, output) = try Self.run(["--no-stats", "--region", "VL"], input: input)
        #expect(status == 0)
        #expect(output.components(separatedBy: "\nStappen\n").count == 2, "\(output)")
        #expect(output.components(separatedBy: "1. Vraag het aan de balie van deze bib").count == 4)
    }

    @Test func askJSONReadsOneQuestionPerLineInFreshConversations() throws {
        let input = "volgende\nhoe laat vertrekt de trein\nwat is het weer morgen in Gent\n\n"
        let (status, output) = try Self.run(["ask", "--json"], input: input)
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 4)
        let kinds = try lines.map { try Self.json($0)["kind"] as? String }
        #expect(kinds[1] == "answer")
        #expect(kinds[2] == "fallback")
    }

    /// Scores must not depend on anything that changes from run to run (a dictionary's per-process order once
    /// changed the last digits of centroid norms): two processes print the same explanations, digit for digit.
    @Test func twoRunsGiveTheSameScores() throws {
        let questions = [
            "hoe solliciteer ik online", "sollisiteren vdab", "mot de pass oublié gmail", "trein gent brussel uur",
            "hoeveel verdient een treinbestuurder", "en op mijn gsm?", "comment scanner un document",
            "how do I attach a photo to an email", "wachtwoordherstel itsme", "quel temps fera-t-il demain",
            "I want to talk to a person", "factuur betalen met de bank app", "l'horaire du bus à Namur",
            "mijn kleinzoon zit de hele dag op zijn gsm", "is this sms from bpost a scam",
        ].joined(separator: "\n")
        let first = try Self.run(["ask", "--json"], input: questions + "\n")
        let second = try Self.run(["ask", "--json"], input: questions + "\n")
        #expect(first.status == 0)
        #expect(first.output.contains("\"score\""))
        #expect(first.output == second.output)
    }

    @Test(arguments: ["", String(repeating: "a", count: 100_000), "\u{0}\u{1}\u{1B}[31m", "🙂🚆📱", "e\u{301}"])
    func badInputNeverCrashes(text: String) throws {
        let (status, output) = try Self.run(["ask", "--json"], input: text + "\n")
        #expect(status == 0)
        #expect(output.contains("\"kind\""))
    }

    @Test func invalidUTF8NeverCrashes() throws {
        let process = Process()
        process.executableURL = try StapjeProgram.url()
        process.arguments = ["ask", "--json"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data([0xFF, 0xFE, 0xC3, 0x28, 0x0A]))
        try input.fileHandleForWriting.close()
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func checkPassesOnTheBundledContent() throws {
        let (status, output) = try Self.run(["check"])
        #expect(status == 0, "\(output.suffix(2000))")
        #expect(output.contains("OK"))
    }

    @Test func checkFailsWithFileAndLineOnBrokenContent() throws {
        let broken = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("StapjeKnowledgeTests/Fixtures/broken").path
        let (status, output) = try Self.run(["check", "--content", broken])
        #expect(status != 0)
        #expect(output.contains("faq/jobs.cv/nl.md:12: error: 9 steps"))
        #expect(output.contains("FAILED"))
    }

    /// Content with errors: the server does not start on it (its reload would refuse it too), and the commands
    /// that answer questions say that some of it is missing.
    @Test(.timeLimit(.minutes(1))) func brokenContentStopsTheServerAndWarnsTheOthers() throws {
        let broken = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("StapjeKnowledgeTests/Fixtures/broken").path
        let (status, output) = try Self.run(["serve", "--content", broken, "--port", "0", "--no-queue"])
        #expect(status == 65)  // EX_DATAERR: a restart will not mend it
        #expect(output.contains("the server does not start on content that does not check"))
        #expect(!output.contains("listening"))
        let (asked, answer) = try Self.run(["ask", "--content", broken, "hallo"])
        #expect(asked == 0)
        #expect(answer.contains("stapje: warning: the content has "))
    }

    @Test func evalPrintsTheFigures() throws {
        let set = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-eval-\(UUID()).tsv")
        defer { try? FileManager.default.removeItem(at: set) }
        try "lang\texpected\ttext\nnl\taccount.passwords\twachtwoord vergeten\nnl\tnone\twat is het weer\n"
            .write(to: set, atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(["eval", set.path])
        #expect(status == 0)
        #expect(output.contains("in-scope acc."))
        let (_, json) = try Self.run(["eval", "--json", set.path])
        let summary = try Self.json(json.split(separator: "\n")[0])
        let figures = try #require(summary["summary"] as? [String: Any])
        #expect(figures["lines"] as? Int == 2)
        #expect(json.split(separator: "\n").count == 3)
    }

    @Test(arguments: [
        "lang\texpected\ttext\nnl\taccount.passwords\twachtwoord vergeten\nfr\tnone\tquel temps fait-il\n",
        "wachtwoord vergeten\n\nquel temps fait-il\n",
    ])
    func benchReadsAnEvalFileOrOneQuestionPerLine(questions: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-bench-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try questions.write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(["bench", "--rounds", "2", file.path])
        #expect(status == 0)
        #expect(output.contains("match (2 questions x 2 rounds)"), "\(output)")
    }

    /// The engine-only benchmark, built beside `stapje`.
    @Test func engineBenchPrintsTheFiguresAndRefusesBadArguments() throws {
        let program = try StapjeProgram.url().deletingLastPathComponent().appendingPathComponent("stapje-engine-bench")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-engine-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "wachtwoord vergeten\nquel temps fait-il\n".write(to: file, atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = program
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let (status, output) = try run([file.path, "--rounds", "2"])
        #expect(status == 0)
        #expect(output.contains("match (2 questions x 2 rounds)"), "\(output)")
        #expect(output.contains("resident memory:"))
        let (refused, usage) = try run([file.path, "--rounds", "0"])
        #expect(refused == 2)
        #expect(usage.contains("usage: stapje-engine-bench"))
    }

    /// Open loop, the lines that end the conversation are left out: a question sent on schedule after a goodbye
    /// would find the conversation ended and count as an error.
    @Test func openLoopLeavesOutGoodbyes() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-load-\(getpid()).tsv")
        try "lang\texpected\ttext\nnl\ttrains.times\twanneer vertrekt de trein\nnl\tchat.goodbye\tdoei\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try Self.run([
            "load", file.path, "--rate", "200", "--connections", "2", "--per-connection", "6", "--warmup", "0",
        ])
        #expect(status == 0)
        #expect(output.contains("open loop: 1 lines that end the conversation (chat.goodbye) left out"))
        #expect(output.contains("errors 0"))
    }

    @Test func whyExplainsAMatch() throws {
        let (status, output) = try Self.run(["why", "sollisiteren vdab"])
        #expect(status == 0)
        #expect(output.contains("words:"))
        #expect(output.contains("decision:"))
    }

    /// A language given with `--lang` is the caller's choice, not weighed: the line says so and shows no scores.
    @Test func whyWithAChosenLanguageShowsNoEmptyScores() throws {
        let (status, output) = try Self.run(["why", "--lang", "fr", "mot de passe oublié"])
        #expect(status == 0)
        #expect(output.contains("language:   fr (chosen by the person or the caller)"))
        #expect(!output.contains("; )"))
    }

    /// `why --after TOPIC` reads the question as said with that topic on screen: a follow-up offers it back.
    @Test func whyExplainsAFollowUpOfTheTopicOnScreen() throws {
        let (alone, plain) = try Self.run(["why", "en op mijn gsm?"])
        #expect(alone == 0)
        #expect(plain.contains("decision:   fallback"))
        let (status, output) = try Self.run(["why", "--after", "docs.scan", "en op mijn gsm?"])
        #expect(status == 0)
        #expect(output.contains("on screen:  docs.scan"))
        #expect(output.contains("decision:   clarify → docs.scan"))
        #expect(output.contains("context: +"))
        let (refused, message) = try Self.run(["why", "--after", "docs.scna", "en op mijn gsm?"])
        #expect(refused != 0)
        #expect(message.contains("no topic id"))
    }

    /// Values no server can run with are refused at once with the option named (exit 64): 0 seconds of idle time had
    /// made the server spin on every core, nan and 1e300 had crashed it, a port above 65535 had listened elsewhere.
    @Test(arguments: [
        ["--port", "70000"], ["--idle-timeout", "0"], ["--hello-timeout", "nan"], ["--session-ttl", "1e300"],
        ["--idle-timeout=-1"], ["--max-errors=-1"], ["--shutdown-grace=0"], ["--max-question=0"],
    ])
    func serveRefusesValuesItCannotRunWith(arguments: [String]) throws {
        let (status, output) = try Self.run(["serve", "--no-queue"] + arguments)
        #expect(status == 64, "\(output)")
        let option = String(arguments[0].prefix { $0 != "=" })
        #expect(output.contains(option), "\(output)")
    }
}
