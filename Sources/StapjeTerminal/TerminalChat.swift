import Foundation
import Glibc
import LineEditor
public import StapjeCore
import StapjeKnowledge
import StapjeText
import Synchronization

/// The REPL on a terminal: readline editing, completion, terminal rendering, and kiosk mode.
///
/// In kiosk mode the screen is shared by strangers: history stays in memory, an idle person is warned and then
/// wiped (screen, session, history, half-typed line), "I'm done" wipes at once, Ctrl-D does nothing, and only
/// SIGTERM or the admin keys (Ctrl-X, then Shift-Q) end the program.
public final class TerminalChat {
    /// The conversation.
    public let conversation: Conversation
    /// The session every new person starts with.
    public let freshSession: Session
    /// How to run.
    public let options: TerminalOptions
    /// Where anonymous statistics go; nil records nothing.
    public let recording: KioskRecording?

    private var session: Session
    private let device: TerminalDevice
    private let style: TerminalStyle
    private let language: LanguageBox
    private var idleTimer: KioskIdleTimer
    private var historyFileFailed = false
    /// True once the current person typed something (their conversation is counted).
    private var started = false
    /// Whether this conversation was already shown the steps of where to find a person (`StandaloneHandoff`).
    private var whereShown = false
    /// When to look for a lost hub next (``HubCheck``); right after a wipe, the screen being fresh again.
    private var nextHubCheck = ContinuousClock.now

    /// The prompt.
    public static let prompt = "> "

    /// How a run ended.
    public enum Ending: Sendable, Equatable {
        /// The person (or the administrator) ended the program.
        case finished
        /// The hub this kiosk had lost answers again (``HubCheck``): the caller goes back to it.
        case hubIsBack
    }

    /// A kiosk that carries on alone after losing its hub (or never reaching it) looks for it again every
    /// `interval` while its screen is fresh (nobody typed since the last wipe), so that the next person has the
    /// helpers' desk again; a conversation under way is never cut off for it.
    public struct HubCheck {
        /// How often to look.
        public var interval: Duration
        /// True when the hub answers.
        public var isBack: () -> Bool

        public init(interval: Duration, isBack: @escaping () -> Bool) {
            self.interval = interval
            self.isBack = isBack
        }
    }

    /// Creates the REPL; `environment` decides colours (`NO_COLOR`, `TERM`).
    public init(
        conversation: Conversation, freshSession: Session, options: TerminalOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment, recording: KioskRecording? = nil
    ) {
        self.conversation = conversation
        self.recording = recording
        var fresh = freshSession
        if options.helperMode {
            fresh.helperMode = true
            fresh.allSteps = true
        }
        self.freshSession = fresh
        self.options = options
        self.idleTimer = KioskIdleTimer(options: options)
        self.session = fresh
        self.device = TerminalDevice(term: environment["TERM"] ?? "")
        self.style = TerminalStyle.detect(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
        self.language = LanguageBox(fresh)
    }

    /// Runs until the person quits (or, in kiosk mode, until SIGTERM or the admin keys), or until `hubCheck` finds
    /// the lost hub again. `notice`, when given, is shown first, after the kiosk's screen is cleared: a kiosk that
    /// lost its hub tells the person so on the screen they keep.
    ///
    /// - Throws: ``LineEditor/AlreadyInUse`` or ``LineEditor/HistoryFileError`` before anything is shown.
    @discardableResult
    public func run(notice: String? = nil, hubCheck: HubCheck? = nil) throws -> Ending {
        let completions = CompletionList(
            content: conversation.content,
            faceCommands: options.kiosk
                ? [TerminalOptions.FaceCommand.helperMode.rawValue]
                : TerminalOptions.FaceCommand.allCases.map(\.rawValue))
        let editor = try LineEditor.conversation(options: options, completions: completions, language: language)
        var kioskGuard = KioskGuard()
        if options.kiosk { kioskGuard.engage() }
        defer {
            editor.close()
            kioskGuard.restore()
        }
        if let path = options.historyFile { try editor.loadHistory(from: path) }

        if options.kiosk { device.clear() }
        if let notice { show(renderer.note(notice)) }
        show(renderer.welcome(conversation, session: session))
        idleTimer.reset(lastInput: editor.lastInput)

        var ending = Ending.finished
        nextHubCheck = ContinuousClock.now + (hubCheck?.interval ?? .zero)
        loop: while true {
            var until = idleTimer.deadline(lastInput: editor.lastInput)
            if hubCheck != nil {
                let tick = ContinuousClock.now + .milliseconds(500)
                until = until.map { min($0, tick) } ?? tick
            }
            switch editor.read(prompt: Self.prompt, until: until) {
            case .line(let text):
                if !handle(text, editor: editor) { break loop }
            case .deadline:
                if let hubCheck, !started, ContinuousClock.now >= nextHubCheck {
                    if hubCheck.isBack() {
                        ending = .hubIsBack
                        break loop
                    }
                    nextHubCheck = ContinuousClock.now + hubCheck.interval
                }
                idle(editor)
            case .endOfFile:
                guard options.kiosk else {
                    device.write("\n")
                    break loop
                }
                device.write("\r")  // the prompt is drawn again over the empty one
            case .terminated, .hangup, .exitKey:
                break loop
            }
        }
        if options.kiosk {
            editor.wipe()
            device.clear()
        }
        return ending
    }

    private var renderer: TerminalRenderer {
        TerminalRenderer(
            content: conversation.content, style: style, width: device.size()?.columns ?? 80,
            showHelperNotes: session.helperMode)
    }

    /// Handles one line; false ends the program.
    private func handle(_ text: String, editor: LineEditor) -> Bool {
        let command = TerminalOptions.FaceCommand(rawValue: text.trimmingSpaces().lowercased())
        if !options.kiosk && (command == .quit || command == .exit) { return false }
        if command == .helperMode {
            remember(text, editor: editor)
            session.helperMode.toggle()
            session.allSteps = session.helperMode
            show(renderer.note(FaceWords.helperMode(session.helperMode, language: session.language)))
            return true
        }
        let now = Date()
        let (next, reply) = conversation.respond(to: text, in: session, at: now)
        let typed = !text.trimmingSpaces().isEmpty
        recording?.record(reply, before: session, typed: text, startsConversation: typed && !started, at: now)
        started = started || typed
        session = next
        language.update(session)
        if !reply.events.contains(.sensitiveDataWithheld) && !text.trimmingSpaces().isEmpty {
            remember(text, editor: editor)
        }
        let adjusted = StandaloneHandoff.adjust(
            reply, session: &session, content: conversation.content, brief: whereShown)
        if adjusted != reply { whereShown = true }
        let lines = renderer.render(adjusted)
        if reply.events.contains(.endSession) {
            wipe(editor, notice: lines)
        } else {
            show(lines)
        }
        return true
    }

    private func remember(_ text: String, editor: LineEditor) {
        editor.addHistory(text)
        guard let path = options.historyFile, !options.kiosk else { return }
        do {
            try editor.appendLastHistoryLine(to: path)
        } catch {
            if !historyFileFailed { show(["\(error)"]) }
            historyFileFailed = true
        }
    }

    private func idle(_ editor: LineEditor) {
        let words = conversation.content.words(session.language)
        switch idleTimer.due(lastInput: editor.lastInput) {
        case .wipe:
            wipe(editor, notice: renderer.note(words.text("wiped")))
        case .warning(let seconds):
            let warning = renderer.note(words.text("idle_warning", ["seconds": "\(seconds)"]))
            editor.interject(warning.joined(separator: "\n") + "\n\n")
        case nil:
            break
        }
    }

    /// Forgets everything of this person, clears the screen (kiosk), and welcomes the next one.
    private func wipe(_ editor: LineEditor, notice: [String]) {
        editor.wipe()
        if options.kiosk { device.clear() }
        session = freshSession
        started = false
        whereShown = false
        nextHubCheck = .now
        language.update(session)
        idleTimer.reset(lastInput: editor.lastInput)
        show(notice)
        show(renderer.welcome(conversation, session: session))
    }

    private func show(_ lines: [String]) {
        device.write(lines.map { $0 + "\n" }.joined() + "\n")
    }
}

@available(*, unavailable)
extension TerminalChat: Sendable {}

/// The session's language and whether the person chose it, read by the completer (which readline calls from C).
final class LanguageBox: Sendable {
    private let storage: Mutex<(Language, Bool)>

    init(_ session: Session) { storage = Mutex((session.language, session.languageLocked)) }

    var value: (Language, Bool) { storage.withLock { $0 } }

    func update(_ session: Session) { storage.withLock { $0 = (session.language, session.languageLocked) } }
}
