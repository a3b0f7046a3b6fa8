import Glibc

/// Asks for a secret on the terminal without showing what is typed.
public enum SecretPrompt {
    /// Shows `prompt`, reads one line with echo off, and restores the terminal; nil at the end of input.
    public static func read(_ prompt: String) -> String? {
        // Echo goes off before the prompt shows, so nothing typed after the prompt is echoed; TCSANOW keeps what was
        // already typed.
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if isTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        }
        TerminalDevice(term: "").write(prompt)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 0x0A || byte == 0x0D { break }
            bytes.append(byte)
        }
        return String(String(decoding: bytes, as: UTF8.self).trimmingSpaces())
    }
}
