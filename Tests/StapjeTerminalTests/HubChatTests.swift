import Foundation
import StapjeClient
import StapjeCore
import StapjeKnowledge
import Testing

/// The kiosk REPL in hub mode (`stapje --hub HOST:PORT`) on a pseudo-terminal, against a real `stapje serve`, with
/// a helper on a socket.
@Suite(.timeLimit(.minutes(3)))
struct HubChatTests {
    let words = StapjeBinary.bundle.words(.nl)

    /// The first words of a long message: the whole of it may be wrapped over lines on screen.
    func opening(_ text: String) -> String {
        String(text.prefix(40).split(separator: " ").dropLast().joined(separator: " "))
    }

    @Test func aKioskOnAHubHandsOffToAHelperAndBack() throws {
        let server = try ServeProcess(helpers: ["An"])
        let helper = try LineClient(port: server.port)
        try helper.send("HELLO desk STAPJE/1")
        #expect(try helper.send("AUTH \(server.tokens["An"] ?? "")").code == 235)
        try helper.send("WATCH")

        let home = try TemporaryDirectory()
        defer { home.remove() }
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(server.port)", "--site", "bib-test", "--lang", "nl"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expect(words.text("welcome_human"))
        try kiosk.expectPrompt()
        kiosk.send("hoe maak ik een e-mailadres\n")
        let title = try #require(StapjeBinary.bundle.answer("email.create", language: .nl)?.title)
        try kiosk.expect("\n" + title + "\n")  // the server's answer, rendered as the standalone kiosk does
        try kiosk.expect(words.text("step_position", ["n": "1", "total": ""]).trimmingCharacters(in: .whitespaces))
        try kiosk.expectPrompt()

        kiosk.send("/helper\n")
        try kiosk.expect(opening(words.text("handoff_requested")))
        try kiosk.expect("Je hebt nummer 1. Jij bent de volgende.")
        try kiosk.expectPrompt()
        let queued = try helper.event(601) { $0["cause"] == "enqueued" }
        #expect(queued["topic"] == "email.create")
        let card = try helper.send("TAKE 1")
        #expect(card.keyword == "TAKEN")
        #expect(card.lines.first?.contains("site=bib-test") == true)
        #expect(card.lines.contains("starter: hoe maak ik een e-mailadres"))

        // The helper's words appear without a key press.
        try kiosk.expect("An is er om je te helpen.")
        try helper.send("SAY 1 Hallo, ik ben An. Waar zit je vast?")
        try kiosk.expect("An (helper): Hallo, ik ben An. Waar zit je vast?")
        kiosk.send("bij het wachtwoord\n")
        try kiosk.expect("(verstuurd naar je helper)")
        #expect(try helper.event(602).text == "bij het wachtwoord")

        try helper.send("RESOLVE 1")
        try kiosk.expect(words.text("thanks"))
        kiosk.send("hoe maak ik een e-mailadres\n")
        try kiosk.expect("\n" + title + "\n")  // the bot answers again

        try kiosk.expectPrompt()

        // `/new` and a goodbye end the conversation on the hub too: only the fresh one is left.
        let observer = try LineClient(port: server.port)
        kiosk.send("/new\n")
        try kiosk.expect(words.text("wiped"))
        try kiosk.expectPrompt()
        #expect(try observer.send("STATS").number("sessions") == 1)
        kiosk.send("/klaar\n")
        try kiosk.expect(opening(words.text("goodbye")))
        try kiosk.expect(words.text("welcome_human"))
        try kiosk.expectPrompt()
        #expect(try observer.send("STATS").number("sessions") == 1)

        kiosk.send("/quit\n")
        #expect(kiosk.waitForExit() == 0)
        // Leaving sent END: nothing of the person stays on the server.
        #expect(try observer.send("STATS").number("sessions") == 0)
    }

    @Test func aKioskWhoseHubGoesAwaySaysSoAndCarriesOnAlone() throws {
        let server = try ServeProcess(helpers: [])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(server.port)", "--lang", "nl"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expectPrompt()
        server.stop()
        try kiosk.expect("De verbinding met de helpers is weg.")  // without a key press
        try kiosk.expect("lost the hub at 127.0.0.1:\(server.port)")
        try kiosk.expectPrompt()
        kiosk.send("/helper\n")
        try kiosk.expect("Er is hier geen helper via het scherm.")  // standalone now
        try kiosk.expectPrompt()
        kiosk.send("/quit\n")
        #expect(kiosk.waitForExit() == 0)
    }

    /// In kiosk mode the screen is cleared for the standalone kiosk: the note that the helpers are gone is shown
    /// again on the new screen, before the welcome, instead of vanishing with the old one.
    @Test func aKioskScreenClearedAfterLosingItsHubStillSaysSo() throws {
        let server = try ServeProcess(helpers: [])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(server.port)", "--lang", "nl", "--kiosk", "--no-stats"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expectPrompt()
        server.stop()
        try kiosk.expect("lost the hub at 127.0.0.1:\(server.port)")
        let redrawn = try kiosk.expect("Hallo!")
        #expect(redrawn.contains("De verbinding met de helpers is weg."), "\(redrawn)")
        kiosk.terminate()
        _ = kiosk.waitForExit()
    }

    /// The hub is killed and started again while a person waits for a helper: the kiosk gets back to it by itself,
    /// takes the conversation up with `RESUME`, and the person keeps their place; the helper reaches them.
    @Test func aKioskWhoseHubRestartsKeepsThePersonsPlaceInTheQueue() throws {
        let server = try ServeProcess(helpers: ["An"])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(server.port)", "--lang", "nl"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expectPrompt()
        kiosk.send("/helper\n")
        try kiosk.expect("Je hebt nummer 1. Jij bent de volgende.")
        try kiosk.expectPrompt()

        server.kill()
        try server.restart()
        // Without a key press: the kiosk notices, gets back, and says where the person stands.
        let back = try kiosk.expect("Je hebt nummer 1. Jij bent de volgende.")
        #expect(!back.contains("De verbinding met de helpers is weg."), "\(back)")
        #expect(!back.contains("moest even weg"), "\(back)")  // not the words for a helper who left

        let helper = try LineClient(port: server.port)
        try helper.send("HELLO desk STAPJE/1")
        #expect(try helper.send("AUTH \(server.tokens["An"] ?? "")").code == 235)
        #expect(try helper.send("TAKE 1").keyword == "TAKEN")
        try kiosk.expect("An is er om je te helpen.")
        try helper.send("SAY 1 Hallo, ik ben An.")
        try kiosk.expect("An (helper): Hallo, ik ben An.")
        kiosk.send("/quit\n")
        #expect(kiosk.waitForExit() == 0)
    }

    /// A kiosk that could not reach its hub answers on its own, and goes back to the hub once it answers, while
    /// nobody is using the kiosk: the next person asking for a helper reaches the desk.
    @Test func aKioskGoesBackToItsHubWhenItAnswersAgain() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let port = try ClosedPort.make()
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(port)", "--hub-retry", "1", "--lang", "nl"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expect("cannot reach the hub at 127.0.0.1:\(port)")
        try kiosk.expect(words.text("welcome_human"))
        try kiosk.expectPrompt()

        let server = try ServeProcess(helpers: [], port: port)
        try kiosk.expect(words.text("welcome_human"))  // the hub's welcome, once the kiosk found it
        try kiosk.expectPrompt()
        kiosk.send("/helper\n")
        try kiosk.expect("Je hebt nummer 1. Jij bent de volgende.")
        let observer = try LineClient(port: server.port)
        #expect(try observer.send("STATS").number("sessions") == 1)
        kiosk.send("/quit\n")
        #expect(kiosk.waitForExit() == 0)
    }

    @Test func anUnreachableHubIsSaidPlainlyAndTheKioskAnswersOnItsOwn() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let port = try ClosedPort.make()
        let kiosk = try PTYSession(
            arguments: ["--hub", "127.0.0.1:\(port)", "--lang", "nl"],
            environment: StapjeBinary.environment(home: home.url))
        try kiosk.expect("cannot reach the hub at 127.0.0.1:\(port)")
        try kiosk.expect(words.text("welcome_human"))
        try kiosk.expectPrompt()
        kiosk.send("/helper\n")
        try kiosk.expect("Er is hier geen helper via het scherm.")
        try kiosk.expectPrompt()
        kiosk.send("/quit\n")
        #expect(kiosk.waitForExit() == 0)
    }
}
