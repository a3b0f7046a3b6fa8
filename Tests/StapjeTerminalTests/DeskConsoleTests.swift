import Foundation
import StapjeClient
import Testing

/// `stapje desk` on a pseudo-terminal against a real `stapje serve`, with a starter on a socket.
@Suite(.timeLimit(.minutes(3)))
struct DeskConsoleTests {
    /// `stapje desk` against `server`, signed in with `token` from the environment.
    static func desk(_ server: ServeProcess, token: String, home: TemporaryDirectory) throws -> PTYSession {
        try PTYSession(
            arguments: ["desk", "--port", "\(server.port)"],
            environment: StapjeBinary.environment(home: home.url, ["STAPJE_HELPER_TOKEN": token]))
    }

    @Test func aHelperSeesATicketLiveTakesItChatsAndResolvesIt() throws {
        let server = try ServeProcess(helpers: ["An"])
        let token = try #require(server.tokens["An"])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let desk = try Self.desk(server, token: token, home: home)
        try desk.expect("Signed in as An.")
        try desk.expect("The queue is empty.")
        try desk.expect("desk> ")

        let starter = try LineClient(port: server.port)
        try starter.send("HELLO starter STAPJE/1")
        try starter.send("NEW lang=nl channel=kiosk site=bib-gent-1")
        try starter.send("ASK hoe maak ik een e-mailadres")
        let queued = try starter.send("HUMAN")
        #expect(queued.code == 240)
        let ticket = try #require(queued.number("ticket"))

        // The ticket appears without a key press.
        try desk.expect("New ticket #\(ticket): nl VL, topic email.create. Type: take \(ticket)")
        desk.send("take \(ticket)\n")
        let card = try desk.expect("Type to write to the person")
        #expect(card.contains("--- Ticket #\(ticket) ---"))
        #expect(card.contains("Site: bib-gent-1"))
        #expect(card.contains("Topic:    email.create"))
        #expect(card.contains("Reason:   asked for a person"))
        #expect(card.contains("starter: hoe maak ik een e-mailadres"))
        try desk.expect("#\(ticket)> ")
        #expect(try starter.event(610)["helper"] == "An")

        desk.send("Hallo, ik ben An\n")
        #expect(try starter.event(615).text == "Hallo, ik ben An")
        try desk.expect("#\(ticket)> ")
        // A sentence that starts with a command word is said, not run.
        desk.send("Exit the settings app and open it again\n")
        #expect(try starter.event(615).text == "Exit the settings app and open it again")
        try desk.expect("#\(ticket)> ")

        let relayed = try starter.send("ASK ik vind de knop niet")
        #expect(relayed.code == 242)
        try desk.expect("#\(ticket) person: ik vind de knop niet")  // live again

        desk.send("transcript\n")
        let transcript = try desk.expect("helper An: Hallo, ik ben An")
        #expect(transcript.contains("Transcript of #\(ticket):"))

        desk.send("resolve\n")
        try desk.expect("#\(ticket) resolved.")
        try desk.expect("desk> ")
        let ended = try starter.event(612)
        #expect(ended["state"] == "resolved")
        #expect(try starter.send("ASK hoe maak ik een e-mailadres").code == 210)  // the bot is back

        desk.send("quit\n")
        #expect(desk.waitForExit() == 0)
        #expect(!desk.screen.contains(token))
    }

    /// A desk that crashes and is started again takes back the ticket its helper holds; until then nothing keeps
    /// the ticket's lease, so a helper who never comes back does not keep the person waiting.
    @Test func aDeskStartedAgainAfterACrashTakesBackItsTicket() throws {
        let server = try ServeProcess(helpers: ["An"])
        let token = try #require(server.tokens["An"])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let starter = try LineClient(port: server.port)
        try starter.send("HELLO starter STAPJE/1")
        try starter.send("NEW lang=nl")
        let ticket = try #require(try starter.send("HUMAN").number("ticket"))

        let first = try Self.desk(server, token: token, home: home)
        try first.expect("desk> ")
        first.send("take \(ticket)\n")
        try first.expect("#\(ticket)> ")
        first.crash()
        _ = first.waitForExit()

        let again = try Self.desk(server, token: token, home: home)
        try again.expect("You still hold #\(ticket)")
        try again.expect("#\(ticket)> ")
        again.send("Ik ben er nog\n")
        #expect(try starter.event(615).text == "Ik ben er nog")
        again.send("quit\n")
        #expect(again.waitForExit() == 0)
    }

    /// A desk whose server goes away says so and exits 1, so a wrapper that restarts it can tell.
    @Test func aDeskThatLosesItsServerSaysSoAndExitsOne() throws {
        let server = try ServeProcess(helpers: ["An"])
        let token = try #require(server.tokens["An"])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let desk = try Self.desk(server, token: token, home: home)
        try desk.expect("desk> ")
        server.stop()
        try desk.expect("The connection to the server was lost.")
        #expect(desk.waitForExit() == 1)
    }

    @Test func theTokenIsAskedForUnseenAWrongOneIsRefusedAndOthersTicketsAreShown() throws {
        let server = try ServeProcess(helpers: ["An", "Bram"])
        let token = try #require(server.tokens["An"])
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = StapjeBinary.environment(home: home.url)

        let wrong = try PTYSession(
            arguments: ["desk", "--port", "\(server.port)"],
            environment: environment.merging(["STAPJE_HELPER_TOKEN": "stapje_not-a-token"]) { $1 })
        try wrong.expect("the server refused the token")
        #expect(wrong.waitForExit() == 1)

        // Without STAPJE_HELPER_TOKEN the desk asks, and what is typed is not shown.
        let desk = try PTYSession(arguments: ["desk", "--port", "\(server.port)"], environment: environment)
        try desk.expect("Helper token: ")
        desk.send(token + "\n")
        try desk.expect("Signed in as An.")
        try desk.expect("desk> ")

        let starter = try LineClient(port: server.port)
        try starter.send("HELLO starter STAPJE/1")
        try starter.send("NEW lang=fr")
        let ticket = try #require(try starter.send("HUMAN").number("ticket"))
        try desk.expect("New ticket #\(ticket): fr VL")

        let bram = try LineClient(port: server.port)
        try bram.send("HELLO other-desk STAPJE/1")
        #expect(try bram.send("AUTH \(server.tokens["Bram"] ?? "")").code == 235)
        #expect(try bram.send("TAKE \(ticket)").code == 250)
        try desk.expect("#\(ticket) taken by Bram.")

        desk.send("take \(ticket)\n")
        try desk.expect("#\(ticket) is held by Bram.")
        desk.send("hello?\n")
        try desk.expect("You hold no ticket: take one first")
        desk.send("queue\n")
        try desk.expect("helper Bram")
        // Ctrl-D only once the prompt is back: between two reads readline has handed the terminal back to the
        // kernel, whose line discipline would swallow the ^D as an end-of-file of its own.
        try desk.expect("desk> ")
        desk.send("\u{04}")
        #expect(desk.waitForExit() == 0)
        #expect(!desk.screen.contains(token))
    }

    @Test func anUnreachableServerIsSaidPlainly() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let port = try ClosedPort.make()
        let desk = try PTYSession(
            arguments: ["desk", "--port", "\(port)"],
            environment: StapjeBinary.environment(home: home.url, ["STAPJE_HELPER_TOKEN": "stapje_x"]))
        try desk.expect("cannot reach a Stapje server at 127.0.0.1:\(port)")
        #expect(desk.waitForExit() == 1)
    }
}
