/// Emphasis for a terminal: ANSI bold and colour on a terminal, nothing elsewhere.
///
/// Style only underlines what the words already say ("Let op:", "Stap 2 van 5"); no meaning is carried by
/// colour alone.
public struct TerminalStyle: Sendable, Hashable {
    /// Whether escape codes are written at all.
    public var enabled: Bool

    /// Creates a style.
    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Plain text: for pipes, `NO_COLOR` and dumb terminals.
    public static let plain = TerminalStyle(enabled: false)

    /// The style for standard output: colours only on a terminal that can show them and never with `NO_COLOR`.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let term = environment["TERM"] ?? ""
        return TerminalStyle(enabled: isTerminal && !noColor && !term.isEmpty && term != "dumb")
    }

    /// Bold text (titles, headings, "step 2 of 5", option numbers).
    public func bold(_ text: some StringProtocol) -> String { apply("1", text) }

    /// A warning label ("Let op:"): bold yellow.
    public func warning(_ text: some StringProtocol) -> String { apply("1;33", text) }

    /// A hint the person may act on ("type next"): cyan.
    public func hint(_ text: some StringProtocol) -> String { apply("36", text) }

    private func apply(_ code: String, _ text: some StringProtocol) -> String {
        guard enabled, !text.isEmpty else { return String(text) }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
