import Glibc

/// The terminal on standard input and output: its size, clearing it, and the settings a kiosk changes.
struct TerminalDevice {
    /// The `TERM` value; `dumb` or empty means no escape codes.
    let term: String

    /// Whether the terminal understands ANSI escape codes (cursor moves, clearing).
    var understandsEscapes: Bool { !term.isEmpty && term != "dumb" }

    /// Columns and rows of the terminal on standard output, or nil when it does not say.
    func size() -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Clears the screen and, where the terminal keeps one, its scrollback, so nothing of the last person stays.
    func clear() {
        if understandsEscapes {
            write("\u{1B}[H\u{1B}[2J\u{1B}[3J")
        } else {
            write(String(repeating: "\n", count: max(size()?.rows ?? 24, 24)))
        }
    }

    /// Writes `text` to standard output at once (no buffering to interleave with readline's).
    func write(_ text: String) {
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
}

/// What kiosk mode changes about the process and the terminal, undone by ``restore()``.
///
/// Ctrl-Z would stop the program and Ctrl-\ would kill it, leaving a dead screen; Ctrl-S would freeze the
/// output until Ctrl-Q, which no starter knows.
struct KioskGuard {
    private var saved: termios?

    /// Ignores SIGTSTP and SIGQUIT and turns off XON/XOFF flow control on standard input.
    mutating func engage() {
        signal(SIGTSTP, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        saved = settings
        settings.c_iflag &= ~tcflag_t(IXON)
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// Gives the terminal back its flow control.
    func restore() {
        guard var settings = saved else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }
}
