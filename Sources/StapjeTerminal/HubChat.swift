import Foundation
import Glibc
import LineEditor
public import Logging
import StapjeClient
public import StapjeCore
import StapjeKnowledge
import StapjeText

/// The kiosk REPL as a client of a Stapje server (a hub), so that a request for a person reaches a helper's desk.
///
/// The server runs the conversation: every typed line goes to it as `ASK`, and its reply lines are shown the way
/// the standalone REPL shows its own (``TerminalRenderer``). What the helper does (joins, writes, gives the ticket
/// back, resolves) appears above the prompt as it happens. Kiosk mode behaves as standalone: memory-only history,
/// idle warning and wipe. A wipe, `/new` and leaving send `END`, so nothing of the person stays on the server.
public final class HubChat {
    /// Where the hub listens.
    public struct Hub: Sendable, Hashable, CustomStringConvertible {
        /// The host.
        public var host: String
        /// The port.
        public var port: Int

        /// Parses `HOST:PORT` (`[::1]:4242` for IPv6); nil when it is not one.
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self.host = host
            self.port = port
        }

        /// `HOST:PORT`.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// True when a Stapje server answers at `hub` (its banner, within a second); the connection is closed again.
    public static func answers(_ hub: Hub) -> Bool {
        let quiet = Logger(label: "stapje.hub") { _ in SwiftLogNoOpLogHandler() }
        guard let link = try? HubLink.open(host: hub.host, port: hub.port, connectTimeout: .seconds(1), logger: quiet)
        else { return false }
        link.close()
        return true
    }

    /// What a person is told when the hub goes away: shown at once, and again by the face that carries on.
    public static func lostNotice(language: Language) -> String {
        HubWords.lost(language: language)
    }

    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// The person (or the administrator) ended the program.
        case finished
        /// The hub could not be reached at the start; nothing was shown to the person yet.
        case unreachable(String)
        /// The hub went away during the run; the person was told.
        case lost(String)
    }

    /// The conversation's content: words, the welcome and the help.where answer (the server runs the conversation).
    public let conversation: Conversation
    /// The session every new person starts with (language and region).
    public let freshSession: Session
    /// How to run.
    public let options: TerminalOptions
    /// The hub.
    public let hub: Hub
    /// The kiosk's site, sent with `NEW` for the helper's card.
    public let site: String?

    private let logger: Logger
    private var session: Session
    private let device: TerminalDevice
    private let style: TerminalStyle
    private let language: LanguageBox
    private var link: HubLink?
    private var idleTimer: KioskIdleTimer
    /// Set when the hub went away: the run ends and the caller carries on standalone.
    private var lostReason: String?
    private var lastRequest = ContinuousClock.now
    /// The conversation's resume token on the hub and the number of the last event seen: after the connection drops
    /// the kiosk takes the conversation up again with `RESUME` (``reconnect()``).
    private var token: String?
    private var lastEvent = 0
    /// True while the loop handles a timer tick: the editor's prompt is on screen, so notes are interjected.
    private var betweenKeys = false
    private var editor: LineEditor?

    /// How often an idle kiosk pings the hub, well inside the server's idle timeout (300 s by default), so a
    /// kiosk waiting for its next person keeps its connection.
    static let heartbeat: Duration = .seconds(60)

    /// How long a kiosk whose connection dropped tries to reach its hub again before it carries on alone: a hub
    /// that its service manager restarts is back well within it.
    static let reconnectWindow: Duration = .seconds(10)
    /// The pause between two tries, in seconds.
    static let reconnectPause = 0.5

    /// Creates the REPL; `environment` decides colours (`NO_COLOR`, `TERM`).
    public init(
        conversation: Conversation, freshSession: Session, options: TerminalOptions, hub: Hub, site: String?,
        logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.conversation = conversation
        self.freshSession = freshSession
        self.options = options
        self.idleTimer = KioskIdleTimer(options: options)
        self.hub = hub
        self.site = site
        self.logger = logger
        self.session = freshSession
        self.device = TerminalDevice(term: environment["TERM"] ?? "")
        self.style = TerminalStyle.detect(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
        self.language = LanguageBox(freshSession)
    }

    /// Connects and runs until the person quits (kiosk: SIGTERM or the admin keys), or until the hub goes away.
    ///
    /// - Throws: ``LineEditor/AlreadyInUse`` before anything is shown.
    public func run() throws -> Outcome {
        do {
            let link = try HubLink.open(host: hub.host, port: hub.port, logger: logger)
            self.link = link
            let hello = try link.send("HELLO kiosk STAPJE/1")
            guard hello.isSuccess else {
                link.close()
                return .unreachable("the hub refused HELLO: \(hello.text ?? hello.keyword)")
            }
            try startSession()
        } catch {
            link?.close()
            return .unreachable("\(error)")
        }
        let outcome = try converse()
        link?.close()
        return outcome
    }

    private func converse() throws -> Outcome {
        let completions = CompletionList(
            content: conversation.content, faceCommands: options.kiosk ? [Self.newCommand] : Self.faceCommands)
        let editor = try LineEditor.conversation(options: options, completions: completions, language: language)
        self.editor = editor
        var kioskGuard = KioskGuard()
        if options.kiosk { kioskGuard.engage() }
        defer {
            editor.close()
            self.editor = nil
            kioskGuard.restore()
        }
        if options.kiosk { device.clear() }
        show(renderer.welcome(conversation, session: session))
        idleTimer.reset(lastInput: editor.lastInput)

        loop: while lostReason == nil {
            let idle = idleTimer.deadline(lastInput: editor.lastInput)
            let tick = ContinuousClock.now + .milliseconds(200)
            switch editor.read(prompt: TerminalChat.prompt, until: idle.map { min($0, tick) } ?? tick) {
            case .line(let text):
                if !handle(text, editor: editor) { break loop }
            case .deadline:
                betweenKeys = true
                defer { betweenKeys = false }
                if let link, !link.isOpen { _ = reconnect() }
                showEvents(editor: editor, interject: true)
                if lastRequest.duration(to: .now) >= Self.heartbeat { _ = request("PING kiosk") }
                if let idle, ContinuousClock.now >= idle { self.idle(editor) }
            case .endOfFile:
                guard options.kiosk else {
                    device.write("\n")
                    break loop
                }
                device.write("\r")
            case .terminated, .hangup, .exitKey:
                break loop
            }
        }
        if let lostReason {
            editor.wipe()
            return .lost(lostReason)
        }
        _ = request("END", reconnecting: false)
        _ = request("QUIT", reconnecting: false)
        if options.kiosk {
            editor.wipe()
            device.clear()
        }
        return .finished
    }

    static let newCommand = "/new"
    static let faceCommands = [
        newCommand, TerminalOptions.FaceCommand.quit.rawValue, TerminalOptions.FaceCommand.exit.rawValue,
    ]

    private var renderer: TerminalRenderer {
        TerminalRenderer(content: conversation.content, style: style, width: device.size()?.columns ?? 80)
    }

    // MARK: - Lines

    /// Handles one line; false ends the program.
    private func handle(_ text: String, editor: LineEditor) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let command = trimmed.lowercased()
        if !options.kiosk
            && (command == TerminalOptions.FaceCommand.quit.rawValue
                || command == TerminalOptions.FaceCommand.exit.rawValue)
        {
            return false
        }
        if command == Self.newCommand {
            _ = request("END")
            wipe(editor, notice: renderer.note(words.text("wiped")), startSession: true)
            return true
        }
        guard !trimmed.isEmpty else {
            show(renderer.note(words.text("empty_input")))
            return true
        }
        guard var reply = request("ASK \(trimmed)") else { return lostReason == nil }
        if reply.code == 503 || reply.code == 550 {
            // The server forgot the conversation (its time to live ran out): start again and ask once more.
            guard (try? startSession()) != nil, let again = request("ASK \(trimmed)") else { return lostReason == nil }
            reply = again
        }
        let events = drainEvents()
        if !events.contains(where: { $0.code == 622 }) { editor.addHistory(text) }
        if let lang = reply["lang"].flatMap(Language.init(rawValue:)) {
            session.language = lang
            language.update(session)
        }
        let lines = render(reply)
        if events.contains(where: { $0.code == 621 }) {
            // The person said goodbye: the server wiped the conversation; so does the screen.
            wipe(editor, notice: lines, startSession: true)
            return true
        }
        show(lines)
        show(events: events, editor: editor, interject: false)
        return true
    }

    /// A reply as screen lines.
    private func render(_ reply: ServerReply) -> [String] {
        let language = reply["lang"].flatMap(Language.init(rawValue:)) ?? session.language
        switch reply.code {
        case 242:
            // The privacy lesson comes as a line of the reply when the message held what no one may ask for.
            return renderer.render(lines: reply.lines, language: language, position: nil, titled: false)
                + renderer.note(HubWords.relayed(language: language))
        case 241:
            // A hub without a queue pages nobody: say where to find a person, as a kiosk on its own does.
            return renderer.render(
                lines: StandaloneHandoff.texts(
                    language: language, region: session.region, content: conversation.content),
                language: language, position: nil, titled: false)
        case 200..<400:
            let position = reply["step"].flatMap(Self.position)
            let titled = reply["topic"] != nil && [210, 213, 230, 231].contains(reply.code)
            var lines = renderer.render(lines: reply.lines, language: language, position: position, titled: titled)
            if reply.code == 240, let ticket = reply.number("ticket") {
                lines += renderer.note(
                    HubWords.queued(ticket: ticket, ahead: reply.number("ahead") ?? 0, language: language))
            }
            return lines
        default:
            logger.notice("hub refused a line", metadata: ["code": "\(reply.code)", "keyword": "\(reply.keyword)"])
            return renderer.note(reply.text ?? words.text("empty_input"))
        }
    }

    /// `step=2/5` as (2, 5).
    static func position(_ text: String) -> (step: Int, total: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let step = Int(parts[0]), let total = Int(parts[1]) else { return nil }
        return (step, total)
    }

    // MARK: - Events

    private func showEvents(editor: LineEditor, interject: Bool) {
        let events = drainEvents()
        guard !events.isEmpty else { return }
        if events.contains(where: { $0.code == 621 }) {
            wipe(editor, notice: renderer.note(words.text("wiped")), startSession: true)
            return
        }
        show(events: events, editor: editor, interject: interject)
    }

    /// The events that arrived since the last call, noting the last one's number for a `RESUME`.
    private func drainEvents() -> [ServerEvent] {
        let events = link?.drain() ?? []
        if let last = events.map(\.sequence).max() { lastEvent = max(lastEvent, last) }
        return events
    }

    private func show(events: [ServerEvent], editor: LineEditor, interject: Bool) {
        let lines = events.flatMap(describe)
        guard !lines.isEmpty else { return }
        let text = lines.map { $0 + "\n" }.joined() + "\n"
        if interject { editor.interject(text) } else { device.write(text) }
    }

    /// What the person sees of an event; nothing for those the reply already said.
    private func describe(_ event: ServerEvent) -> [String] {
        let language = session.language
        switch event.code {
        case 610:
            return renderer.note(HubWords.joined(event["helper"] ?? "?", language: language)).map { style.bold($0) }
        case 615:
            return renderer.note(HubWords.helperSays(event["helper"] ?? "?", event.text ?? "", language: language))
        case 613:
            return renderer.note(HubWords.backInLine(ahead: event.number("ahead") ?? 0, language: language))
        case 612:
            switch event["state"] {
            case "resolved":
                return renderer.note(event.text ?? words.text("thanks"))
            case "expired":
                return renderer.note(HubWords.expired(language: language))
                    + renderer.render(
                        lines: StandaloneHandoff.texts(
                            language: language, region: session.region, content: conversation.content),
                        language: language, position: nil, titled: false)
            default:
                return []
            }
        default:
            return []
        }
    }

    // MARK: - Sessions

    /// `NEW` on the hub, with the kiosk's language (when fixed), region, channel and site.
    private func startSession() throws {
        guard let link else { throw ConnectionClosed("not connected") }
        var line = "NEW region=\(session.region.rawValue) channel=kiosk"
        if freshSession.languageLocked { line += " lang=\(freshSession.language.rawValue)" }
        if let site, !site.isEmpty { line += " site=\(site)" }
        let reply = try link.send(line)
        guard reply.code == 220 else { throw ConnectionClosed("the hub refused NEW: \(reply.text ?? reply.keyword)") }
        token = reply["token"]
        lastEvent = reply.number("seq") ?? 0
        _ = drainEvents()
    }

    /// Sends a request. When the connection has dropped, the kiosk first tries to get back to the hub
    /// (``reconnect()``) and sends it there; when the hub stays away, the person is told once and the run is lost.
    /// `reconnecting: false` for what only makes sense on the connection there was (`END` and `QUIT` on leaving).
    private func request(_ line: String, reconnecting: Bool = true) -> ServerReply? {
        guard lostReason == nil else { return nil }
        lastRequest = .now
        if let link {
            do {
                return try link.send(line)
            } catch {
                guard reconnecting else {
                    lose("\(error)")
                    return nil
                }
                logger.notice("hub connection dropped", metadata: ["reason": "\(error)"])
            }
        } else if !reconnecting {
            return nil
        }
        guard reconnect(), let link else { return nil }
        do {
            return try link.send(line)
        } catch {
            lose("\(error)")
            return nil
        }
    }

    /// Gets back to the hub after the connection dropped, trying for ``reconnectWindow``: `RESUME` takes the
    /// conversation up again with the events missed; after a restart of the hub a person waiting for a helper gets
    /// their place in the queue back (PROTOCOL.md section 6); a hub that forgot the conversation starts a fresh
    /// one. False, with the person told, when the hub stays away.
    private func reconnect() -> Bool {
        link?.close()
        link = nil
        let deadline = ContinuousClock.now + Self.reconnectWindow
        var reason = "the hub closed the connection"
        var told = false
        while lostReason == nil {
            do {
                let link = try HubLink.open(host: hub.host, port: hub.port, connectTimeout: .seconds(2), logger: logger)
                self.link = link
                try resume(on: link)
                logger.notice("hub connection restored")
                return true
            } catch {
                reason = "\(error)"
                link?.close()
                link = nil
            }
            guard ContinuousClock.now + .seconds(Self.reconnectPause) < deadline else { break }
            if !told {
                say(renderer.note(HubWords.reconnecting(language: session.language)))
                told = true
            }
            Thread.sleep(forTimeInterval: Self.reconnectPause)
        }
        lose(reason)
        return false
    }

    /// Greets a new connection and takes the conversation up on it: `RESUME`, or `NEW` when the hub does not know
    /// it any more. Throws when the hub refuses, or still holds the conversation on the old connection.
    private func resume(on link: HubLink) throws {
        let hello = try link.send("HELLO kiosk STAPJE/1")
        guard hello.isSuccess else { throw ConnectionClosed("the hub refused HELLO: \(hello.text ?? hello.keyword)") }
        guard let token else { return try startSession() }
        let reply = try link.send("RESUME \(token) since=\(lastEvent)")
        switch reply.code {
        case 220:
            // The missed events follow the reply: wait for them (briefly), so that what the person sees is whole.
            let expected = reply.number("replay") ?? 0
            var events: [ServerEvent] = []
            let patience = ContinuousClock.now + .seconds(2)
            while events.count < expected && ContinuousClock.now < patience {
                events += drainEvents()
                if events.count < expected { Thread.sleep(forTimeInterval: 0.02) }
            }
            lastEvent = max(lastEvent, reply.number("seq") ?? 0)
            say(resumed(reply, events: events))
        case 453:
            throw ConnectionClosed("the hub still holds the conversation on the dropped connection")
        default:
            // 550: the hub forgot the conversation (it restarted, and no helper was asked for).
            try startSession()
        }
    }

    /// What the person sees when the conversation is taken up again: after a restart of the hub, the request for
    /// a helper and their place (the reply's words and `ticket`/`ahead`, not the replayed 613, which would say the
    /// helper had to leave); the missed events otherwise.
    private func resumed(_ reply: ServerReply, events: [ServerEvent]) -> [String] {
        guard let ticket = reply.number("ticket") else { return events.flatMap(describe) }
        var lines = renderer.render(lines: reply.lines, language: session.language, position: nil, titled: false)
        if let ahead = reply.number("ahead") {
            lines += renderer.note(HubWords.queued(ticket: ticket, ahead: ahead, language: session.language))
        }
        return lines + events.filter { $0.code != 613 }.flatMap(describe)
    }

    /// Shows lines at once: interjected above the prompt between keys, written out while a line is handled.
    private func say(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        if betweenKeys, let editor {
            editor.interject(lines.map { $0 + "\n" }.joined() + "\n")
        } else {
            show(lines)
        }
    }

    private func lose(_ reason: String) {
        guard lostReason == nil else { return }
        lostReason = reason
        logger.warning("hub lost", metadata: ["reason": "\(reason)"])
        say(renderer.note(HubWords.lost(language: session.language)))
    }

    private var words: Messages { conversation.content.words(session.language) }

    // MARK: - Idle and wipe (as TerminalChat)

    private func idle(_ editor: LineEditor) {
        switch idleTimer.due(lastInput: editor.lastInput) {
        case .wipe:
            _ = request("END")
            wipe(editor, notice: renderer.note(words.text("wiped")), startSession: true)
        case .warning(let seconds):
            let warning = renderer.note(words.text("idle_warning", ["seconds": "\(seconds)"]))
            editor.interject(warning.joined(separator: "\n") + "\n\n")
        case nil:
            break
        }
    }

    /// Forgets everything of this person on screen, starts a fresh conversation on the hub, welcomes the next one.
    private func wipe(_ editor: LineEditor, notice: [String], startSession fresh: Bool) {
        editor.wipe()
        if options.kiosk { device.clear() }
        session = freshSession
        language.update(session)
        idleTimer.reset(lastInput: editor.lastInput)
        if fresh {
            do {
                try startSession()
            } catch {
                // The connection dropped: the fresh conversation starts on the next one.
                token = nil
                guard reconnect() else { return }
            }
        }
        show(notice)
        show(renderer.welcome(conversation, session: session))
    }

    private func show(_ lines: [String]) {
        device.write(lines.map { $0 + "\n" }.joined() + "\n")
    }
}

@available(*, unavailable)
extension HubChat: Sendable {}
