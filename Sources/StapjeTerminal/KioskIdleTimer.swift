import LineEditor

/// The kiosk's "are you still there?" schedule, shared by the standalone kiosk and the kiosk on a hub: once someone
/// typed, a warning after `warnAfter` seconds without a key, a wipe after `wipeAfter`.
struct KioskIdleTimer {
    /// What is due now.
    enum Due: Equatable {
        case warning(secondsLeft: Int)
        case wipe
    }

    let options: TerminalOptions
    /// The last key press already warned about.
    private var warnedFor: ContinuousClock.Instant?
    /// The last key press before the last wipe (or the start): the timer runs only after a newer one.
    private var wipedAt: ContinuousClock.Instant?

    init(options: TerminalOptions) {
        self.options = options
    }

    /// Starts over after a wipe (or at the start), with `lastInput` as the last key press of the person before.
    mutating func reset(lastInput: ContinuousClock.Instant) {
        warnedFor = nil
        wipedAt = lastInput
    }

    /// In kiosk mode, once someone typed: the warning time, then the wipe time, after the last key.
    func deadline(lastInput: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard options.kiosk, let wipedAt, lastInput > wipedAt else { return nil }
        let after = warnedFor == lastInput ? options.wipeAfter : options.warnAfter
        return lastInput + .milliseconds(Int64(after * 1000))
    }

    /// What is due at `now`; a warning is given once for each last key press.
    mutating func due(lastInput: ContinuousClock.Instant, now: ContinuousClock.Instant = .now) -> Due? {
        let idle = lastInput.duration(to: now)
        if idle >= .milliseconds(Int64(options.wipeAfter * 1000)) { return .wipe }
        guard idle >= .milliseconds(Int64(options.warnAfter * 1000)), warnedFor != lastInput else { return nil }
        warnedFor = lastInput
        return .warning(secondsLeft: Int((options.wipeAfter - options.warnAfter).rounded()))
    }
}

extension LineEditor {
    /// The line editor of a conversation face: a short in-memory history that is never kept in kiosk mode, the
    /// administrator's exit keys in kiosk mode, Tab completion of commands and topics in the session's language.
    static func conversation(
        options: TerminalOptions, completions: CompletionList, language: LanguageBox
    ) throws -> LineEditor {
        try LineEditor(
            LineEditor.Configuration(
                name: "stapje", historyLimit: options.kiosk ? 100 : 1000,
                exitKeySequence: options.kiosk ? TerminalOptions.kioskExitKeys : nil, forgetful: options.kiosk),
            completer: { typed in
                let (current, locked) = language.value
                return completions.matches(for: typed, language: current, locked: locked)
            })
    }
}
