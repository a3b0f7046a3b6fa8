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
    /// The last keystroke the idle warning was shown for; nil when none is pending.
    private var warnedFor: ContinuousClock.Instant?
    /// When the screen was last wiped: the idle timer runs only once someone typed after it.
    private var wipedAt: ContinuousClock.Instant?
    private var historyFileFailed = false
    /// True once the current person typed something (their conversation is counted).
    private var started = false

    /// The prompt.
    public static let prompt = "> "

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
        self.session = fresh
        self.device = TerminalDevice(term: environment["TERM"] ?? "")
        self.style = TerminalStyle.detect(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
        self.language = LanguageBox(fresh)
    }

    /// Runs until the person quits (or, in kiosk mode, until SIGTERM or the admin keys).
    ///
    /// - Throws: ``LineEditor/AlreadyInUse`` or ``LineEditor/HistoryFileError`` before anything is shown.
    public func run() throws {
        let completions = CompletionList(
            content: conversation.content,
            faceCommands: options.kiosk
                ? [TerminalOptions.FaceCommand.helperMode.rawValue]
                : TerminalOptions.FaceCommand.allCases.map(\.rawValue))
        let language = self.language
        let editor = try LineEditor(
            LineEditor.Configuration(
                name: "stapje", historyLimit: options.kiosk ? 100 : 1000,
                exitKeySequence: options.kiosk ? TerminalOptions.kioskExitKeys : nil, forgetful: options.kiosk),
            completer: { typed in
                let (current, locked) = language.value
                return completions.matches(for: typed, language: current, locked: locked)
            })
        var kioskGuard = KioskGuard()
        if options.kiosk { kioskGuard.engage() }
        defer {
            editor.close()
            kioskGuard.restore()
        }
        if let path = options.historyFile { try editor.loadHistory(from: path) }

        if options.kiosk { device.clear() }
        show(renderer.welcome(conversation, session: session))
        wipedAt = editor.lastInput

        loop: while true {
            switch editor.read(prompt: Self.prompt, until: idleDeadline(editor)) {
            case .line(let text):
                if !handle(text, editor: editor) { break loop }
            case .deadline:
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
        let lines = renderer.render(StandaloneHandoff.adjust(reply, content: conversation.content))
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

    /// In kiosk mode, once someone typed: the warning time, then the wipe time, after the last key.
    private func idleDeadline(_ editor: LineEditor) -> ContinuousClock.Instant? {
        guard options.kiosk, let wipedAt, editor.lastInput > wipedAt else { return nil }
        let after = warnedFor == editor.lastInput ? options.wipeAfter : options.warnAfter
        return editor.lastInput + .milliseconds(Int64(after * 1000))
    }

    private func idle(_ editor: LineEditor) {
        let idle = editor.lastInput.duration(to: .now)
        if idle >= .milliseconds(Int64(options.wipeAfter * 1000)) {
            wipe(editor, notice: renderer.note(conversation.content.words(session.language).text("wiped")))
        } else if idle >= .milliseconds(Int64(options.warnAfter * 1000)), warnedFor != editor.lastInput {
            warnedFor = editor.lastInput
            let seconds = Int((options.wipeAfter - options.warnAfter).rounded())
            let words = conversation.content.words(session.language)
            let warning = renderer.note(words.text("idle_warning", ["seconds": "\(seconds)"]))
            editor.interject(warning.joined(separator: "\n") + "\n\n")
        }
    }

    /// Forgets everything of this person, clears the screen (kiosk), and welcomes the next one.
    private func wipe(_ editor: LineEditor, notice: [String]) {
        editor.wipe()
        if options.kiosk { device.clear() }
        session = freshSession
        started = false
        language.update(session)
        warnedFor = nil
        wipedAt = editor.lastInput
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
