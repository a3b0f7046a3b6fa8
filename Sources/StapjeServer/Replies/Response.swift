import StapjeCore

/// One reply to one request, before it is framed for the wire.
///
/// In text mode it becomes continuation lines (`210-...`) and a final line (`210 ANSWER k=v ... text`); in JSON
/// mode, one object. The events that follow it are written right after it, in the same buffer, so an event never
/// lands inside a reply and a reply is never split.
struct Response: Sendable {
    /// A `key=value` on the final line.
    struct Parameter: Sendable, Hashable {
        /// The key: lowercase letters and `-`.
        var key: String
        /// The value.
        var value: Value

        /// A parameter's value: JSON mode keeps numbers as numbers.
        enum Value: Sendable, Hashable {
            case text(String)
            case number(Int)
        }

        init(_ key: String, _ value: String) {
            self.key = key
            self.value = .text(value)
        }

        init(_ key: String, _ value: Int) {
            self.key = key
            self.value = .number(value)
        }
    }

    /// The three-digit code: clients branch on its first digit.
    var code: Int
    /// The stable uppercase keyword on the final line.
    var keyword: String
    /// Parameters on the final line.
    var parameters: [Parameter] = []
    /// A short text for people at the end of the final line.
    var message: String?
    /// Lines of text before the final line.
    var lines: [String] = []
    /// The conversation's reply in the `ask --json` shape (JSON mode only).
    var reply: AskJSON?
    /// Events to write after the reply.
    var events: [WireEvent] = []

    /// True for 4xx and 5xx.
    var isError: Bool { code >= 400 }
}

/// An unsolicited event: `* 614 HANDOFF-REQUESTED seq=3`. Never written inside a reply.
struct WireEvent: Sendable, Hashable {
    /// A 6xx code.
    var code: Int
    /// The stable uppercase keyword.
    var keyword: String
    /// The session's event counter, for `RESUME ... since=`.
    var sequence: Int
    /// Further parameters.
    var parameters: [Response.Parameter] = []
    /// A text for people at the end of the line (a helper's or starter's words, the bot's words).
    var message: String?
}
