import Foundation
import StapjeCore
import StapjeKnowledge
import StapjeTerminal
import Testing

/// The REPL on a real pseudo-terminal, driven keystroke by keystroke.
@Suite(.timeLimit(.minutes(3)))
struct PTYTests {
    let words = StapjeBinary.bundle.words(.nl)

    /// The first words of a long message: the whole of it may be wrapped over lines on screen.
    func opening(_ text: String) -> String {
        String(text.prefix(40).split(separator: " ").dropLast().joined(separator: " "))
    }

    @Test func typingAQuestionShowsTheAnswerStepByStep() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let question = "hoe solliciteer ik online"
        let (_, reply) = Conversation(content: StapjeBinary.bundle).respond(to: question, in: Session(), at: Date())
        let title = try #require(reply.answer?.title)
        let total = try #require(reply.position?.total)
        #expect(total >= 2)

        let session = try PTYSession(arguments: [], environment: StapjeBinary.environment(home: home.url))
        try session.expect(words.text("welcome_human"))
        try session.expectPrompt()
        session.send(question + "\n")
        try session.expect(title)
        try session.expect(words.text("step_position", ["n": "1", "total": "\(total)"]))
        try session.expectPrompt()
        session.send("volgende\n")
        try session.expect(words.text("step_position", ["n": "2", "total": "\(total)"]))
        try session.expectPrompt()
        session.send("/quit\n")
        #expect(session.waitForExit() == 0)
    }

    @Test func tabCompletesCommandsAndTitles() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let titles = CompletionList(content: StapjeBinary.bundle, faceCommands: []).matches(
            for: "sollic", language: .nl)
        let title = try #require(titles.count == 1 ? titles.first : nil, "one title must have a word starting 'sollic'")

        let session = try PTYSession(arguments: [], environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        session.send("sollic\t")
        try session.expect(title)
        session.send("\n")
        try session.expect("\n" + title + "\n")  // the answer's title line: the completed title matched the topic
        try session.expectPrompt()
        session.send("/ta\t")  // completes to "/taal " and lists the languages at once
        try session.expect("/taal en  /taal fr  /taal nl")
        session.send("f\t\n")
        try session.expect(StapjeBinary.bundle.words(.fr).text("language_switched"))
        try session.expectPrompt()
        session.send("\u{04}")
        #expect(session.waitForExit() == 0)
    }

    @Test func ctrlCClearsTheLine() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let session = try PTYSession(arguments: ["--kiosk"], environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        session.send("abc")
        try session.expect("abc")
        session.interrupt()  // a terminal's line discipline turns Ctrl-C into SIGINT
        try session.expect("^C\n> ")
        session.send("/help\n")  // "abc/help" would be a question, not the help command
        let reply = try session.expect(opening(words.text("capabilities_commands")))
        #expect(reply.contains(words.text("capabilities")))
        #expect(!reply.contains("abc"))
        session.terminate()
        #expect(session.waitForExit() == 0)
    }

    @Test func nonASCIIIsEditedByCharacter() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let session = try PTYSession(arguments: [], environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        // One Backspace must erase the emoji, one the x: what is left names the region with its ë intact.
        session.send("/region Wallonië😀x")
        try session.expect("😀x")
        session.send("\u{7f}\u{7f}\n")
        let region = words.entry("regions", "WAL")
        try session.expect(words.text("region_switched", ["region": region]))
        try session.expectPrompt()
        let line = "ça va? é ë ç 😀"
        session.send(line + "\n")
        try session.expect(line + "\n")
        try session.expect("\n\n> ")  // a reply and the next prompt: nothing choked on it
        session.send("/quit\n")
        #expect(session.waitForExit() == 0)
    }

    @Test func idleKioskIsWipedAndHistoryIsGone() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let arguments = ["--kiosk", "--warn-after", "1", "--wipe-after", "2"]
        let session = try PTYSession(arguments: arguments, environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        session.send("/stappen\n")
        try session.expect(words.text("no_topic"))
        try session.expectPrompt()
        session.send("\u{1B}[A")  // arrow up brings back this person's line
        try session.expect("/stappen")
        try session.expect(words.text("idle_warning", ["seconds": "1"]))
        try session.expect(words.text("wiped"))
        try session.expect(words.text("welcome_human"))
        try session.expectPrompt()
        // Arrow up now finds nothing, and the half-typed line went with the wipe: Enter sends an empty line.
        session.send("\u{1B}[A")
        session.send("\n")
        let reply = try session.expect(words.text("empty_input"))
        #expect(!reply.contains(words.text("no_topic")))
        session.terminate()
        #expect(session.waitForExit() == 0)
        #expect(Self.onlyStatistics(home.files()), "kiosk mode wrote \(home.files()) into HOME")
    }

    /// What a kiosk may write into HOME: its anonymous statistics store (docs/PRIVACY.md), nothing typed.
    static func onlyStatistics(_ files: [String]) -> Bool {
        let store = ".local/state/stapje/stapje.sqlite"
        let allowed: Set = [".local", ".local/state", ".local/state/stapje", store, store + "-wal", store + "-shm"]
        return files.allSatisfy(allowed.contains)
    }

    enum KioskExit: CaseIterable {
        /// SIGTERM, as a service manager stops it.
        case terminate
        /// The admin keys: Ctrl-X, then Shift-Q.
        case adminKeys
    }

    @Test(arguments: KioskExit.allCases)
    func kioskIgnoresCtrlDWipesWhenDoneAndWritesNothing(_ exit: KioskExit) throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let session = try PTYSession(arguments: ["--kiosk"], environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        session.send("\u{04}")  // Ctrl-D on an empty line: the prompt is drawn again
        try session.expect("> ")
        session.send("/stappen\n")
        try session.expect(words.text("no_topic"))
        try session.expectPrompt()
        session.send("ik ben klaar\n")  // wipes at once: goodbye, welcome, and no history
        try session.expect(words.text("goodbye"))
        try session.expect(words.text("welcome_human"))
        try session.expectPrompt()
        session.send("\u{1B}[A\n")
        try session.expect(words.text("empty_input"))
        try session.expectPrompt()
        switch exit {
        case .terminate: session.terminate()
        case .adminKeys: session.send("\u{18}Q")
        }
        #expect(session.waitForExit() == 0)
        #expect(Self.onlyStatistics(home.files()), "kiosk mode wrote \(home.files()) into HOME")
    }

    @Test func historyFileIsWrittenOnlyWhenAsked() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("stapje-history")
        let arguments = ["--history-file", file.path]
        let session = try PTYSession(arguments: arguments, environment: StapjeBinary.environment(home: home.url))
        try session.expectPrompt()
        session.send("/stappen\n")
        try session.expectPrompt()
        session.send("/quit\n")
        #expect(session.waitForExit() == 0)
        let saved = try String(contentsOf: file, encoding: .utf8)
        #expect(saved.split(separator: "\n").contains("/stappen"))
        #expect(home.files() == ["stapje-history"])
    }

    @Test(arguments: [false, true])
    func coloursOnlyWithoutNoColor(noColor: Bool) throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        var extra = ["TERM": "xterm-256color"]
        if noColor { extra["NO_COLOR"] = "1" }
        let session = try PTYSession(arguments: [], environment: StapjeBinary.environment(home: home.url, extra))
        try session.expect("> ")
        session.send("/quit\n")
        #expect(session.waitForExit() == 0)
        let styled = session.screen.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression) != nil
        #expect(styled == !noColor)
    }
}
