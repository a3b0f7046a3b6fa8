// The one file that talks to GNU readline. Readline is process-global C state; everything it calls back into
// lives in the `Readline` namespace below, guarded by Mutex/Atomic so Swift 6 accepts it without unsafe escapes.
@preconcurrency import CReadline
import Glibc
import Synchronization

/// Line editing on a terminal with GNU readline: history, tab completion, Ctrl-C, and a deadline.
///
/// It uses readline's alternate (callback) interface over `poll()`, so a read can stop at a deadline (the kiosk's
/// idle timer) without losing the half-typed line. Readline is process-global: create one editor per process.
/// Use it only when standard input is a terminal.
public final class LineEditor {
    /// What ended a call to ``read(prompt:until:)``.
    public enum Event: Sendable, Hashable {
        /// The person pressed Enter.
        case line(String)
        /// Ctrl-D on an empty line.
        case endOfFile
        /// The deadline passed; the half-typed line stays on screen and the next read continues it.
        case deadline
        /// SIGTERM or SIGHUP arrived.
        case terminated
        /// The terminal went away.
        case hangup
        /// The exit key sequence was typed (see ``Configuration/exitKeySequence``).
        case exitKey
    }

    /// How the editor behaves.
    public struct Configuration: Sendable {
        /// The name `$if` tests in `~/.inputrc`.
        public var name: String
        /// The most lines history keeps.
        public var historyLimit: Int
        /// A key sequence in inputrc notation (`"\\C-xQ"`) that ends reading with ``Event/exitKey``, or nil.
        public var exitKeySequence: String?
        /// Disable the keys that bring back text from before a ``wipe()``: yank (the kill ring) and history
        /// searches, whose last search string readline keeps.
        public var forgetful: Bool

        /// Creates a configuration.
        public init(name: String, historyLimit: Int = 500, exitKeySequence: String? = nil, forgetful: Bool = false) {
            self.name = name
            self.historyLimit = historyLimit
            self.exitKeySequence = exitKeySequence
            self.forgetful = forgetful
        }
    }

    /// Another editor already owns readline in this process.
    public struct AlreadyInUse: Error, Sendable, CustomStringConvertible {
        /// The message.
        public var description: String { "readline is process-global: create one LineEditor per process" }
    }

    /// Returns the completions for the text before the cursor (the whole line so far).
    public typealias Completer = @Sendable (String) -> [String]

    /// When the person last pressed a key (or the editor was created).
    public private(set) var lastInput: ContinuousClock.Instant
    /// The prompt of the line being edited, when a line is being edited.
    private var installedPrompt: String?
    private let fd = STDIN_FILENO
    private let historyLimit: Int

    /// Takes over readline for this process.
    public init(_ configuration: Configuration, completer: @escaping Completer) throws {
        guard !Readline.claimed.exchange(true, ordering: .acquiringAndReleasing) else { throw AlreadyInUse() }
        lastInput = .now
        historyLimit = configuration.historyLimit
        setlocale(LC_ALL, "")  // UTF-8 aware editing: é and emoji move and erase as one character
        Readline.completer.withLock { $0 = completer }
        rl_readline_name = UnsafePointer(strdup(configuration.name))
        rl_catch_signals = 0  // we own SIGINT/SIGTERM; readline's handlers mangle the display
        rl_catch_sigwinch = 0
        rl_initialize()
        Readline.installCompletion()
        Readline.installSignalHandlers()
        if let sequence = configuration.exitKeySequence { rl_bind_keyseq(sequence, Readline.exitKey) }
        if configuration.forgetful {
            for sequence in ["\\C-y", "\\ey", "\\C-r", "\\C-s", "\\ep", "\\en"] {
                rl_bind_keyseq(sequence, Readline.ding)
            }
        }
        using_history()
        stifle_history(Int32(clamping: configuration.historyLimit))
    }

    deinit {
        if installedPrompt != nil { rl_callback_handler_remove() }
        Readline.claimed.store(false, ordering: .releasing)
    }

    /// Reads a line, showing `prompt`, until Enter, Ctrl-D, a signal, or `deadline`.
    ///
    /// Ctrl-C clears the line and shows a fresh prompt without returning.
    public func read(prompt: String, until deadline: ContinuousClock.Instant? = nil) -> Event {
        if installedPrompt != prompt {
            if installedPrompt != nil { rl_callback_handler_remove() }
            Readline.received.withLock { $0 = nil }
            rl_callback_handler_install(prompt, Readline.lineHandler)
            installedPrompt = prompt
        }
        while true {
            if Readline.terminate.exchange(false, ordering: .relaxed) { return finish(.terminated) }
            if Readline.interrupt.exchange(false, ordering: .relaxed) { clearLineAfterInterrupt() }
            if Readline.resize.exchange(false, ordering: .relaxed) { rl_resize_terminal() }
            if let deadline, ContinuousClock.now >= deadline { return .deadline }

            // Short slices: a signal that lands just before poll() is seen within 100 ms.
            var slice: Int32 = 100
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline).components
                slice = Int32(
                    clamping: min(100, max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000)))
            }
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, slice)
            if ready < 0 {
                if errno == EINTR { continue }
                return finish(.hangup)
            }
            if ready == 0 { continue }
            if Int32(pollFD.revents) & (POLLHUP | POLLERR | POLLNVAL) != 0 { return finish(.hangup) }

            lastInput = .now
            rl_callback_read_char()
            if Readline.exitRequested.exchange(false, ordering: .relaxed) { return finish(.exitKey) }
            if let received = Readline.received.withLock({ value -> Readline.Received? in
                defer { value = nil }
                return value
            }) {
                installedPrompt = nil  // the line handler removed itself
                switch received {
                case .line(let text): return .line(text)
                case .endOfFile: return .endOfFile
                }
            }
        }
    }

    /// Prints `text` above the line being edited and redraws the prompt and the half-typed line under it.
    public func interject(_ text: String) {
        guard installedPrompt != nil else {
            Readline.write(text)
            return
        }
        let point = rl_point
        let saved = rl_copy_text(0, rl_end)
        rl_save_prompt()
        rl_replace_line("", 0)
        rl_redisplay()
        Readline.write(text)
        rl_restore_prompt()
        if let saved {
            rl_replace_line(saved, 0)
            free(saved)
        }
        rl_point = point
        rl_forced_update_display()
    }

    /// Adds a line to the history (arrow up).
    public func addHistory(_ line: String) {
        add_history(line)  // readline copies the string
    }

    /// Forgets the line being edited, its undo list, the history and any typed-ahead input.
    ///
    /// After a wipe, arrow up shows nothing. The next ``read(prompt:until:)`` starts a fresh line.
    public func wipe() {
        if installedPrompt != nil {
            rl_free_line_state()
            rl_callback_sigcleanup()
            rl_replace_line("", 1)
            rl_point = 0
            rl_callback_handler_remove()
            installedPrompt = nil
        }
        clear_history()
        using_history()
        tcflush(fd, TCIFLUSH)
        Readline.received.withLock { $0 = nil }
        lastInput = .now
    }

    /// Ends the line being edited (if any) and gives the terminal back its normal settings.
    public func close() {
        if installedPrompt != nil {
            rl_callback_handler_remove()
            installedPrompt = nil
        }
    }

    /// Loads history lines from a file and cuts the file to the history limit. A missing file is not an error.
    public func loadHistory(from path: String) throws {
        let result = read_history(path)
        if result == ENOENT { return }
        guard result == 0 else { throw HistoryFileError(path: path, code: result) }
        history_truncate_file(path, Int32(clamping: historyLimit))
    }

    /// Appends the last history line to a file, creating it when needed.
    public func appendLastHistoryLine(to path: String) throws {
        if access(path, F_OK) != 0 {
            let created = open(path, O_WRONLY | O_CREAT, 0o600)
            guard created >= 0 else { throw HistoryFileError(path: path, code: errno) }
            Glibc.close(created)
        }
        let result = append_history(1, path)
        guard result == 0 else { throw HistoryFileError(path: path, code: result) }
    }

    /// A history file could not be read or written.
    public struct HistoryFileError: Error, Sendable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// The errno value.
        public var code: Int32

        /// The message.
        public var description: String {
            "cannot use history file \(path): \(String(cString: strerror(code))); check the path and its permissions"
        }
    }

    private func finish(_ event: Event) -> Event {
        if installedPrompt != nil {
            rl_replace_line("", 1)
            rl_callback_handler_remove()
            installedPrompt = nil
            Readline.write("\n")
        }
        return event
    }

    /// Shows `^C`, drops the line (and any place in history) and draws a fresh prompt.
    private func clearLineAfterInterrupt() {
        guard installedPrompt != nil else { return }
        lastInput = .now
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_point = rl_end
        rl_redisplay()
        Readline.write("^C\n")
        rl_replace_line("", 1)
        using_history()
        rl_on_new_line()
        rl_redisplay()
    }
}

@available(*, unavailable)
extension LineEditor: Sendable {}

/// Readline's callbacks and the state they share with `LineEditor`. C callbacks cannot capture context, so the
/// state is global; the signal handlers touch only atomics.
private enum Readline {
    enum Received: Sendable {
        case line(String)
        case endOfFile
    }

    static let claimed = Atomic<Bool>(false)
    static let received = Mutex<Received?>(nil)
    static let completer = Mutex<LineEditor.Completer?>(nil)
    static let pendingMatches = Mutex<[String]>([])
    static let interrupt = Atomic<Bool>(false)
    static let terminate = Atomic<Bool>(false)
    static let resize = Atomic<Bool>(false)
    static let exitRequested = Atomic<Bool>(false)

    static func write(_ text: String) {
        fflush(rl_outstream)
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Called by readline with the finished line (malloc'd, ours to free) or NULL for Ctrl-D.
    static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
        let received: Received
        if let raw {
            received = .line(String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self))
            free(raw)
        } else {
            received = .endOfFile
        }
        Readline.received.withLock { $0 = received }
        // Removing the handler here stops readline from drawing the next prompt before the reply is printed.
        rl_callback_handler_remove()
    }

    static let exitKey: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
        Readline.exitRequested.store(true, ordering: .relaxed)
        return 0
    }

    static let ding: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
        rl_ding()
    }

    static func installCompletion() {
        // No word breaks: the "word" is the whole line before the cursor, so titles with spaces complete too.
        rl_completer_word_break_characters = UnsafePointer(strdup(""))
        rl_variable_bind("completion-ignore-case", "on")
        rl_variable_bind("show-all-if-ambiguous", "on")  // one Tab shows the choices; no bell to decode
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1  // never fall back to file names
            guard let text else { return nil }
            let prefix = String(cString: text)
            let matches = Readline.completer.withLock { $0?(prefix) } ?? []
            guard !matches.isEmpty else { return nil }
            Readline.pendingMatches.withLock { $0 = matches.reversed() }
            return rl_completion_matches(text) { _, _ in
                guard let next = Readline.pendingMatches.withLock({ $0.popLast() }) else { return nil }
                return strdup(next)  // readline frees it
            }
        }
    }

    static func installSignalHandlers() {
        // Touch the globals now: their lazy initialisation must not happen inside a signal handler.
        _ = interrupt.load(ordering: .relaxed)
        _ = terminate.load(ordering: .relaxed)
        _ = resize.load(ordering: .relaxed)
        handle(SIGINT) { _ in Readline.interrupt.store(true, ordering: .relaxed) }
        handle(SIGTERM) { _ in Readline.terminate.store(true, ordering: .relaxed) }
        handle(SIGHUP) { _ in Readline.terminate.store(true, ordering: .relaxed) }
        handle(SIGWINCH) { _ in Readline.resize.store(true, ordering: .relaxed) }
        // A child of Foundation.Process starts with these blocked (swift-corelibs-foundation#4772).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    private static func handle(_ signal: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR at once
        sigaction(signal, &action, nil)
    }
}
