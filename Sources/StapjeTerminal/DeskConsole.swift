import Foundation
import LineEditor
public import Logging
import StapjeClient

/// The helpers' console: signs in to a server, shows the queue live, takes a ticket and chats with its person.
///
/// New and changed tickets, and what the person types, appear above the prompt as they arrive, without a key
/// press. History stays in memory: the console shows what starters typed (redacted), and nothing of it is written
/// to disk.
public final class DeskConsole {
    /// Where and who.
    public struct Options: Sendable {
        /// The server's host.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The helper's token (from `stapje helper add NAME`).
        public var token: String
        /// How often to tell the server the desk is alive while idle, so a held ticket's lease does not run out.
        public var heartbeat: Duration

        /// Creates options.
        public init(host: String, port: Int, token: String, heartbeat: Duration = .seconds(20)) {
            self.host = host
            self.port = port
            self.token = token
            self.heartbeat = heartbeat
        }
    }

    /// Why the desk could not start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// The message.
        public var description: String

        init(_ description: String) { self.description = description }
    }

    private let options: Options
    private let logger: Logger
    private let device = TerminalDevice(term: "")
    private var link: HubLink?
    private var helper = ""
    /// The ticket this desk holds, if any: plain text goes to its person.
    private var held: Int?
    private var lastRequest = ContinuousClock.now

    /// The console's commands, for help and completion.
    static let commands: [(usage: String, summary: String)] = [
        ("queue", "show the open tickets"),
        ("take N", "take ticket N and show its card (take alone: the first in line)"),
        ("TEXT", "anything else is sent to the person of the ticket you hold"),
        ("say TEXT", "send TEXT as it is (a command word with more words after it is sent too)"),
        ("transcript [N]", "what was said in your ticket (or ticket N)"),
        ("release", "give your ticket back to the queue"),
        ("resolve", "close your ticket: the person was helped"),
        ("help", "this list"),
        ("quit (or exit)", "leave the desk (a ticket you hold goes back to the queue)"),
    ]

    /// Creates a console.
    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Connects, signs in, watches the queue and runs until `quit`, Ctrl-D or SIGTERM; false when it ended because
    /// the connection to the server was lost (the program then exits 1, so a wrapper can start it again).
    ///
    /// - Throws: ``StartError`` when the server cannot be reached or the token is refused; ``LineEditor/AlreadyInUse``.
    @discardableResult
    public func run() throws -> Bool {
        let link = try signIn()
        self.link = link
        defer {
            link.close()
            self.link = nil
        }
        let words = Self.commands.map { $0.usage.split(separator: " ")[0] }.filter { $0 != "TEXT" }.map(String.init)
        let editor = try LineEditor(
            LineEditor.Configuration(name: "stapje-desk", historyLimit: 200),
            completer: { typed in words.filter { $0.hasPrefix(typed.lowercased()) && !typed.isEmpty } })
        defer { editor.close() }

        var lost = false
        loop: while true {
            let tick = ContinuousClock.now + .milliseconds(200)
            switch editor.read(prompt: prompt, until: tick) {
            case .line(let text):
                editor.addHistory(text)
                if !handle(text) { break loop }
                show(events: link.drain(), editor: nil)
            case .deadline:
                show(events: link.drain(), editor: editor)
                guard link.isOpen else {
                    editor.interject("The connection to the server was lost. Start the desk again.\n")
                    lost = true
                    break loop
                }
                if lastRequest.duration(to: .now) >= options.heartbeat, let reply = request("PING desk"),
                    reply.code == 530
                {
                    // Signed out by the server (the account was removed): the ticket went back to the queue.
                    say(refusal(reply))
                    held = nil
                }
            case .endOfFile, .terminated, .hangup, .exitKey:
                break loop
            }
        }
        leave()
        return !lost
    }

    private var prompt: String { held.map { "#\($0)> " } ?? "desk> " }

    // MARK: - Starting

    private func signIn() throws -> HubLink {
        say("Connecting to \(options.host):\(options.port)...")
        let link: HubLink
        do {
            link = try HubLink.open(host: options.host, port: options.port, logger: logger)
        } catch {
            throw StartError("\(error)")
        }
        do {
            let hello = try link.send("HELLO desk STAPJE/1")
            guard hello.isSuccess else { throw StartError("the server refused HELLO: \(hello.text ?? hello.keyword)") }
            let auth = try link.send("AUTH \(options.token)")
            switch auth.code {
            case 235:
                helper = auth["helper"] ?? "?"
            case 535:
                throw StartError(
                    "the server refused the token; check STAPJE_HELPER_TOKEN, or ask for a new one "
                        + "(stapje helper add NAME)")
            case 454:
                throw StartError(
                    "too many failed sign-ins from this address; try again in \(auth["retry-after"] ?? "60") s")
            default:
                throw StartError("the server cannot sign helpers in: \(auth.text ?? auth.keyword)")
            }
            let watching = try link.send("WATCH")
            guard watching.isSuccess else { throw StartError("WATCH failed: \(watching.text ?? watching.keyword)") }
            say("Signed in as \(helper). New tickets appear here as they come. Type help for the commands.")
            say(queueLines(watching))
            // A desk started again (after a crash, or on another screen) takes back the ticket its helper holds,
            // so its lease is kept and what is typed goes to that person; until then the ticket runs out.
            if let mine = watching.lines.lazy.compactMap(QueueLine.init).first(where: {
                $0.state == "assigned" && $0["helper"] == helper
            }) {
                let again = try link.send("TAKE \(mine.number)")
                if again.isSuccess {
                    held = mine.number
                    say("You still hold #\(mine.number); what you type goes to that person.")
                    say(card(mine.number, again))
                }
            }
        } catch {
            link.close()
            throw error as? StartError ?? StartError("\(error)")
        }
        lastRequest = .now
        return link
    }

    // MARK: - Commands

    /// Handles one typed line; false ends the console.
    private func handle(_ text: String) -> Bool {
        let line = text.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return true }
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let word = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        let number = argument.flatMap { Int($0.trimmingPrefix("#")) }
        // A command word followed by words it does not take is a sentence for the person ("Exit the settings app
        // and open it again", "Help is on its way"): it is said, not run.
        let takesNumber = ["take", "transcript", "release", "resolve"].contains(word)
        if argument != nil && word != "say" && !(takesNumber && number != nil) {
            send(line)
            return true
        }
        switch word {
        case "quit", "exit":
            return false
        case "help", "?":
            let width = Self.commands.map(\.usage.count).max() ?? 0
            say(
                Self.commands.map {
                    "  " + $0.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary
                })
        case "queue":
            if let reply = request("QUEUE") { say(queueLines(reply)) }
        case "take":
            take(number)
        case "transcript":
            guard let ticket = number ?? held else { return usage("transcript N (you hold no ticket)") }
            if let reply = request("TRANSCRIPT \(ticket)") {
                say(reply.isSuccess ? ["Transcript of #\(ticket):"] + reply.lines.map { "  " + $0 } : [refusal(reply)])
            }
        case "release", "resolve":
            guard let ticket = number ?? held else { return usage("\(word) N (you hold no ticket)") }
            if let reply = request("\(word.uppercased()) \(ticket)") {
                if reply.isSuccess {
                    if ticket == held { held = nil }
                    say(word == "release" ? "#\(ticket) is back in the queue." : "#\(ticket) resolved. Thank you!")
                } else {
                    say(refusal(reply))
                }
            }
        case "say":
            send(argument ?? "")
        default:
            send(line)
        }
        return true
    }

    private func usage(_ text: String) -> Bool {
        say("Usage: \(text).")
        return true
    }

    private func take(_ requested: Int?) {
        var number = requested
        if number == nil {
            guard let queue = request("QUEUE") else { return }
            number = queue.lines.lazy.compactMap(QueueLine.init).first { $0.state == "queued" }?.number
            guard number != nil else { return say("Nobody is waiting.") }
        }
        guard let number, let reply = request("TAKE \(number)") else { return }
        guard reply.isSuccess else { return say(refusal(reply)) }
        if let previous = held, previous != number {
            say("Note: you still hold #\(previous); release or resolve it when you are done.")
        }
        held = number
        say(card(number, reply))
    }

    private func send(_ text: String) {
        guard let held else {
            return say("You hold no ticket: take one first (take N). Type help for the commands.")
        }
        guard !text.isEmpty else { return say("Usage: say TEXT.") }
        if let reply = request("SAY \(held) \(text)"), !reply.isSuccess { say(refusal(reply)) }
    }

    /// Sends a request; on a lost connection says so and returns nil.
    private func request(_ line: String) -> ServerReply? {
        guard let link else { return nil }
        lastRequest = .now
        do {
            return try link.send(line)
        } catch {
            say("The server did not answer: \(error)")
            return nil
        }
    }

    /// Gives back a held ticket when leaving, so its person does not wait for the lease to run out.
    private func leave() {
        if let held, let reply = request("RELEASE \(held)"), reply.isSuccess {
            say("#\(held) went back to the queue.")
        }
        _ = request("QUIT")
        say("Bye.")
    }

    // MARK: - Rendering

    private func queueLines(_ reply: ServerReply) -> [String] {
        guard reply.isSuccess else { return [refusal(reply)] }
        let tickets = reply.lines.compactMap(QueueLine.init)
        guard !tickets.isEmpty else { return ["The queue is empty."] }
        return ["Open tickets (\(tickets.count)):"]
            + tickets.map { ticket in
                var line = "  #\(ticket.number)  \(ticket.state.padding(toLength: 9, withPad: " ", startingAt: 0))"
                line += "waiting \(Self.duration(ticket["wait"]))  \(ticket["lang"] ?? "?") \(ticket["region"] ?? "?")"
                line += "  site \(ticket["site"] ?? "-")  topic \(ticket["topic"] ?? "none")"
                if let holder = ticket["helper"], holder != "-" { line += "  helper \(holder)" }
                return line
            }
    }

    private func card(_ number: Int, _ reply: ServerReply) -> [String] {
        let ticket = reply.lines.first.flatMap(QueueLine.init)
        var lines = ["--- Ticket #\(number) ---"]
        if let ticket {
            lines.append("Waiting:  \(Self.duration(ticket["wait"]))")
            lines.append(
                "Language: \(ticket["lang"] ?? "?")   Region: \(ticket["region"] ?? "?")   Site: \(ticket["site"] ?? "-")"
            )
            lines.append("Topic:    \(ticket["topic"] ?? "none") (the bot's guess)")
        }
        let rest = reply.lines.dropFirst()
        if let reason = rest.first(where: { $0.hasPrefix("reason: ") }) {
            lines.append("Reason:   \(reason.dropFirst("reason: ".count))")
        }
        let turns = rest.filter { !$0.hasPrefix("reason: ") }
        lines.append(turns.isEmpty ? "Nothing was said yet." : "So far (what the person typed is redacted):")
        lines += turns.map { "  " + $0 }
        lines.append("Type to write to the person; resolve when done, release to put it back.")
        return lines
    }

    private func show(events: [ServerEvent], editor: LineEditor?) {
        let lines = events.compactMap(describe)
        guard !lines.isEmpty else { return }
        let text = lines.map { $0 + "\n" }.joined()
        if let editor { editor.interject(text) } else { device.write(text) }
    }

    /// One event as a line for the helper, or nil when the console already said it.
    private func describe(_ event: ServerEvent) -> String? {
        let ticket = event.number("ticket") ?? 0
        switch event.code {
        case 602:
            return "#\(ticket) person: \(event.text ?? "")"
        case 603:
            return "#\(ticket): the person is back (they had lost the connection)."
        case 601:
            let who = event["helper"]
            let mine = who == helper
            let about = "\(event["lang"] ?? "?") \(event["region"] ?? "?"), topic \(event["topic"] ?? "none")"
            switch event["cause"] {
            case "enqueued":
                return "New ticket #\(ticket): \(about). Type: take \(ticket)"
            case "taken":
                return mine ? nil : "#\(ticket) taken by \(who ?? "a helper")."
            case "released":
                return mine ? nil : "#\(ticket) is back in the queue (\(about))."
            case "lease-expired":
                if held == ticket { held = nil }
                return mine
                    ? "Your hold on #\(ticket) ran out (no sign of the desk for too long); it is back in the queue."
                    : "#\(ticket) is back in the queue (\(who ?? "its helper") was gone too long)."
            case "resolved":
                return mine ? nil : "#\(ticket) resolved by \(who ?? "a helper")."
            case "cancelled":
                if held == ticket { held = nil }
                return "#\(ticket) was cancelled: the person no longer needs a helper."
            case "starter-gone":
                if held == ticket { held = nil }
                return "#\(ticket) closed: the person left."
            case "waited-too-long":
                return "#\(ticket) expired: nobody took it in time."
            default:
                return "#\(ticket) is now \(event["state"] ?? "?")."
            }
        default:
            return nil
        }
    }

    private func refusal(_ reply: ServerReply) -> String {
        switch reply.keyword {
        case "TICKET-TAKEN": "#\(reply["ticket"] ?? "?") is held by \(reply["helper"] ?? "another helper")."
        case "NOT-YOURS": "You do not hold #\(reply["ticket"] ?? "?") (any more)."
        case "NO-TICKET": "There is no ticket #\(reply["ticket"] ?? "?")."
        case "TICKET-CLOSED": "#\(reply["ticket"] ?? "?") is closed (\(reply["state"] ?? "final"))."
        default: "The server said: \(reply.code) \(reply.text ?? reply.keyword)"
        }
    }

    /// "3 s", "2 min 5 s".
    static func duration(_ seconds: String?) -> String {
        guard let seconds = seconds.flatMap({ Int($0) }) else { return "?" }
        return seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min \(seconds % 60) s"
    }

    private func say(_ line: String) { say([line]) }

    private func say(_ lines: [String]) {
        device.write(lines.map { $0 + "\n" }.joined())
    }
}

@available(*, unavailable)
extension DeskConsole: Sendable {}

/// A queue line: `17 queued wait=95 lang=nl region=VL site=bib-gent-1 topic=email.create helper=-`.
struct QueueLine {
    var number: Int
    var state: String
    var fields: [String: String]

    init?(_ line: String) {
        let words = line.split(separator: " ")
        guard words.count >= 2, let number = Int(words[0]) else { return nil }
        self.number = number
        self.state = String(words[1])
        var fields: [String: String] = [:]
        for word in words.dropFirst(2) {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        self.fields = fields
    }

    subscript(_ key: String) -> String? { fields[key] }
}
