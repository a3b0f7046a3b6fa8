/// A `key=value` on a reply's final line or an event line.
public struct Parameter: Sendable, Hashable {
    /// The key: lowercase letters, digits, `-` and `.`.
    public var key: String
    /// The value, one word.
    public var value: String

    /// Creates a parameter.
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// One reply of a STAPJE/1 server: its continuation lines and its final line, taken apart.
public struct ServerReply: Sendable, Hashable {
    /// What the first digit of the code says.
    public enum Outcome: Sendable, Hashable {
        /// 2xx: done.
        case done
        /// 3xx: done, but more is needed from the client (a clarification).
        case needsMore
        /// 4xx: try again later.
        case tryLater
        /// 5xx: refused.
        case refused
    }

    /// The request's tag, when it had one.
    public var tag: String?
    /// The three-digit code.
    public var code: Int
    /// The stable keyword of the final line (`ANSWER`, `QUEUED`, `TAKEN`...).
    public var keyword: String
    /// The final line's parameters, in order.
    public var parameters: [Parameter]
    /// The final line's text for people, after the parameters.
    public var text: String?
    /// The continuation lines, without their `ddd-` prefix.
    public var lines: [String]

    /// Creates a reply.
    public init(
        tag: String? = nil, code: Int, keyword: String, parameters: [Parameter] = [], text: String? = nil,
        lines: [String] = []
    ) {
        self.tag = tag
        self.code = code
        self.keyword = keyword
        self.parameters = parameters
        self.text = text
        self.lines = lines
    }

    /// The value of the first parameter named `key`.
    public subscript(_ key: String) -> String? { parameters.first { $0.key == key }?.value }

    /// The value of parameter `key` as a number.
    public func number(_ key: String) -> Int? { self[key].flatMap { Int($0) } }

    /// What happened, by the code's first digit.
    public var outcome: Outcome {
        switch code / 100 {
        case 2: .done
        case 3: .needsMore
        case 4: .tryLater
        default: .refused
        }
    }

    /// True for 2xx and 3xx.
    public var isSuccess: Bool { code < 400 }
}

/// An event: a line the server writes without being asked (`* 615 HELPER seq=4 ticket=1 helper=An Hallo`).
public struct ServerEvent: Sendable, Hashable {
    /// The 6xx code.
    public var code: Int
    /// The stable keyword.
    public var keyword: String
    /// The `seq` number.
    public var sequence: Int
    /// The parameters after `seq`, in order.
    public var parameters: [Parameter]
    /// The text for people at the end of the line (a helper's or a starter's words, the bot's words).
    public var text: String?

    /// Creates an event.
    public init(code: Int, keyword: String, sequence: Int, parameters: [Parameter] = [], text: String? = nil) {
        self.code = code
        self.keyword = keyword
        self.sequence = sequence
        self.parameters = parameters
        self.text = text
    }

    /// The value of the first parameter named `key`.
    public subscript(_ key: String) -> String? { parameters.first { $0.key == key }?.value }

    /// The value of parameter `key` as a number.
    public func number(_ key: String) -> Int? { self[key].flatMap { Int($0) } }
}
