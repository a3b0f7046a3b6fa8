import Foundation
import StapjeText

/// Reads one line (its line ending already removed) into a request, or says why it cannot.
///
/// The bytes are checked before anything else: NUL, other control characters (TAB excepted), telnet IAC (0xFF)
/// and invalid UTF-8 are refused with `501`. Verbs are matched on ASCII only, case-insensitively. A line starting
/// with `{` is a JSON request.
struct RequestParser: Sendable {
    /// What a line that is no command most likely meant: words for Stapje, which go after ASK.
    static let askHint = "to ask Stapje something, start the line with ASK; HELP lists the commands"

    /// What a line turned out to be.
    enum Outcome: Sendable, Hashable {
        /// Empty or only spaces and tabs: ignored, no reply.
        case blank
        /// A well-formed request.
        case request(Request)
        /// A line the server answers with an error.
        case refused(ProtocolError)
    }

    /// The longest question `ASK` takes, in characters.
    var maximumQuestionLength: Int

    /// The longest tag, in bytes.
    static let maximumTagLength = 64
    /// The longest client id, session token, site or channel name, in bytes.
    static let maximumTokenLength = 64

    /// Creates a parser.
    init(maximumQuestionLength: Int = 1000) {
        self.maximumQuestionLength = maximumQuestionLength
    }

    /// Parses the bytes of one line.
    func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        if let problem = Self.byteProblem(bytes) { return .refused(.syntax(problem)) }
        guard let line = String(validating: bytes, as: UTF8.self) else {
            return .refused(.syntax("the line is not valid UTF-8; send UTF-8 text"))
        }
        // The forbidden scalars are all beyond ASCII.
        if bytes.contains(where: { $0 >= 0x80 }), line.unicodeScalars.contains(where: Self.isForbiddenScalar) {
            return .refused(.syntax("the line holds a control character; send plain text"))
        }
        let trimmed = Self.trimmed(line[...])
        if trimmed.isEmpty { return .blank }
        if trimmed.first == "{" { return parseJSON(trimmed) }
        return parseText(trimmed)
    }

    /// Parses a line given as bytes.
    func parse(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { parse($0) }
    }

    // MARK: - Bytes

    /// Why the raw bytes are refused, or nil when they may be UTF-8 text.
    static func byteProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        for byte in bytes {
            switch byte {
            case 0x00: return "the line holds a NUL byte; send plain text"
            case 0xFF: return "the line holds telnet control bytes (IAC); use a plain TCP client such as nc"
            case 0x09: continue
            case 0x01..<0x20, 0x7F: return "the line holds a control character; send plain text"
            default: continue
            }
        }
        return nil
    }

    /// C1 controls and the Unicode line and paragraph separators: a client could read them as line breaks.
    static func isForbiddenScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value >= 0x80 && value < 0xA0) || value == 0x2028 || value == 0x2029
    }

    static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }

    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, isBlank(first) { text.removeFirst() }
        while let last = text.last, isBlank(last) { text.removeLast() }
        return text
    }

    /// Letters, digits, `.`, `_` and `-`, from 1 to `maximum` bytes: safe to echo and to log.
    static func isToken(_ text: some StringProtocol, maximum: Int = maximumTokenLength) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maximum else { return false }
        return utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    // MARK: - Text requests

    func parseText(_ line: Substring) -> Outcome {
        var rest = line
        var tag: String?
        if rest.first == "@" {
            let end = rest.firstIndex(where: Self.isBlank) ?? rest.endIndex
            let raw = rest[rest.index(after: rest.startIndex)..<end]
            guard Self.isToken(raw, maximum: Self.maximumTagLength) else {
                return .refused(.syntax("a tag is @ then 1 to 64 letters, digits, '.', '_' or '-'"))
            }
            tag = String(raw)
            rest = Self.trimmed(rest[end...])
            guard !rest.isEmpty else { return .refused(.syntax("a tag needs a command after it", tag: tag)) }
        }
        let verbEnd = rest.firstIndex(where: Self.isBlank) ?? rest.endIndex
        let verb = rest[..<verbEnd]
        let arguments = Self.trimmed(rest[verbEnd...])
        guard verb.utf8.count <= 16, verb.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else {
            // A person at `nc` types what the replies say: a number to choose, or the words of a question.
            if !verb.isEmpty, verb.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                return .refused(
                    .unknown("unknown command; to choose a numbered option, send FOLLOW and the number", tag: tag))
            }
            return .refused(.unknown("unknown command; " + Self.askHint, tag: tag))
        }
        switch command(verb: verb.uppercased(), arguments: arguments) {
        case .success(let command): return .request(Request(tag: tag, command: command))
        case .failure(var error):
            error.tag = tag
            return .refused(error)
        }
    }

    func command(verb: String, arguments: Substring) -> Result<Command, ProtocolError> {
        // The most frequent line by far: its question is not split into words.
        if verb == "ASK" { return ask(arguments) }
        let words = arguments.split(whereSeparator: Self.isBlank)
        func bare(_ command: Command) -> Result<Command, ProtocolError> {
            words.isEmpty
                ? .success(command) : .failure(.syntax("\(verb) takes nothing after it; " + Self.askHint))
        }
        switch verb {
        case "HELLO": return hello(words)
        case "CAPA": return bare(.capa)
        case "HELP":
            guard words.count <= 1 else { return .failure(.syntax("HELP takes at most one command name")) }
            guard let word = words.first else { return .success(.help(verb: nil)) }
            guard Self.isToken(word, maximum: 16) else { return .failure(.syntax("HELP takes a command name")) }
            return .success(.help(verb: word.uppercased()))
        case "NEW": return new(words)
        case "RESUME": return resume(words)
        case "LANG", "REGION":
            guard words.count == 1, Self.isToken(words[0], maximum: 16) else {
                return .failure(.syntax(verb == "LANG" ? "LANG takes a language: nl, fr or en" : Self.regionUsage))
            }
            return .success(verb == "LANG" ? .lang(String(words[0])) : .region(String(words[0])))
        case "ASK": return ask(arguments)
        case "FOLLOW":
            guard words.count == 1, let number = Self.optionNumber(words[0]) else {
                return .failure(.syntax("FOLLOW takes the number of an option, from 1 to 9999"))
            }
            return .success(.follow(number))
        case "HUMAN": return .success(.human)
        case "CANCEL": return bare(.cancel)
        case "STATUS": return bare(.status)
        case "END": return bare(.end)
        case "PING":
            guard words.count <= 1 else { return .failure(.syntax("PING takes at most one word")) }
            guard let word = words.first else { return .success(.ping(nil)) }
            guard Self.isToken(word) else {
                return .failure(.syntax("PING takes 1 to 64 letters, digits, '.', '_' or '-'"))
            }
            return .success(.ping(String(word)))
        case "QUIT": return bare(.quit)
        case "STATS": return bare(.stats)
        case "AUTH":
            guard words.count == 1, Self.isToken(words[0], maximum: 128) else {
                return .failure(.syntax("AUTH takes your helper token"))
            }
            return .success(.auth(String(words[0])))
        case "QUEUE": return bare(.queue)
        case "WATCH": return bare(.watch)
        case "TAKE", "TRANSCRIPT", "RELEASE", "RESOLVE":
            guard words.count == 1, let number = Self.sequence(words[0]), number >= 1 else {
                return .failure(.syntax("\(verb) takes a ticket number"))
            }
            switch verb {
            case "TAKE": return .success(.take(number))
            case "TRANSCRIPT": return .success(.transcript(number))
            case "RELEASE": return .success(.release(number))
            default: return .success(.resolve(number))
            }
        case "SAY": return say(arguments)
        default:
            if let move = Command.Navigation(rawValue: verb) { return bare(.navigate(move)) }
            return .failure(.unknown("unknown command \(verb); " + Self.askHint))
        }
    }

    static let regionUsage = "REGION takes a region: VL, BXL, WAL or FR"

    func hello(_ words: [Substring]) -> Result<Command, ProtocolError> {
        var client: String?
        var version: String?
        var format: String?
        for word in words {
            if word.lowercased().hasPrefix("format=") {
                let value = word.dropFirst("format=".count)
                guard format == nil, Self.isToken(value, maximum: 16) else {
                    return .failure(.syntax("HELLO takes format=text or format=json once"))
                }
                format = value.lowercased()
            } else if word.contains("/") {
                guard version == nil, Self.isToken(word.replacingOccurrences(of: "/", with: ""), maximum: 32) else {
                    return .failure(.syntax("HELLO takes one protocol version, such as STAPJE/1"))
                }
                version = word.uppercased()
            } else {
                guard client == nil, Self.isToken(word) else {
                    return .failure(
                        .syntax("usage: HELLO [client-id] [STAPJE/1] [format=text|json]; a client id is a single word"))
                }
                client = String(word)
            }
        }
        return .success(.hello(client: client, version: version, format: format))
    }

    func new(_ words: [Substring]) -> Result<Command, ProtocolError> {
        var options = Command.NewOptions()
        for word in words {
            guard let equals = word.firstIndex(of: "=") else {
                return .failure(.syntax("usage: NEW [lang=nl] [region=VL] [channel=kiosk] [site=<library>]"))
            }
            let key = word[..<equals].lowercased()
            let value = word[word.index(after: equals)...]
            guard Self.isToken(value) else {
                return .failure(.syntax("a NEW option value is 1 to 64 letters, digits, '.', '_' or '-'"))
            }
            let keyPath: WritableKeyPath<Command.NewOptions, String?>
            switch key {
            case "lang": keyPath = \.lang
            case "region": keyPath = \.region
            case "channel": keyPath = \.channel
            case "site": keyPath = \.site
            default: return .failure(.syntax("NEW takes lang=, region=, channel= and site="))
            }
            guard options[keyPath: keyPath] == nil else { return .failure(.syntax("NEW takes each option once")) }
            options[keyPath: keyPath] = String(value)
        }
        return .success(.new(options))
    }

    func resume(_ words: [Substring]) -> Result<Command, ProtocolError> {
        let usage = ProtocolError.syntax("usage: RESUME <token> [since=<seq>]")
        guard words.count == 1 || words.count == 2, Self.isToken(words[0]) else { return .failure(usage) }
        var since: Int?
        if words.count == 2 {
            guard words[1].lowercased().hasPrefix("since="), let value = Self.sequence(words[1].dropFirst(6)) else {
                return .failure(usage)
            }
            since = value
        }
        // Tokens are written in capitals without look-alikes; a person typing one back may use lower case.
        return .success(.resume(token: words[0].uppercased(), since: since))
    }

    func ask(_ text: Substring) -> Result<Command, ProtocolError> {
        guard !text.isEmpty else {
            return .failure(.syntax("ASK takes a question: ASK how do I make an e-mail address?"))
        }
        // A character is at least one byte: counting characters is needed only for a long question.
        guard text.utf8.count <= maximumQuestionLength || text.count <= maximumQuestionLength else {
            return .failure(.syntax("the question is longer than \(maximumQuestionLength) characters; make it shorter"))
        }
        guard !Self.holdsControl(text) else {
            return .failure(.syntax("the question holds a control character; send plain text"))
        }
        return .success(.ask(String(text)))
    }

    /// JSON strings can carry escaped control characters; text lines were checked byte by byte already.
    static func holdsControl(_ text: Substring) -> Bool {
        ControlCharacters.found(in: text.utf8, allowingTab: true)
    }

    /// `SAY <n> <text>`: the text is the rest of the line, at most as long as a question.
    func say(_ arguments: Substring) -> Result<Command, ProtocolError> {
        let usage = ProtocolError.syntax("SAY takes a ticket number and your text: SAY 17 Hallo, ik ben An")
        let trimmed = Self.trimmed(arguments)
        guard let space = trimmed.firstIndex(where: Self.isBlank),
            let number = Self.sequence(trimmed[..<space]), number >= 1
        else { return .failure(usage) }
        let text = Self.trimmed(trimmed[space...])
        guard !text.isEmpty else { return .failure(usage) }
        guard text.count <= maximumQuestionLength else {
            return .failure(.syntax("SAY takes at most \(maximumQuestionLength) characters"))
        }
        guard !Self.holdsControl(text) else {
            return .failure(.syntax("the text holds a control character; send plain text"))
        }
        return .success(.say(number, String(text)))
    }

    /// 1 to 9999, digits only.
    static func optionNumber(_ text: Substring) -> Int? {
        guard (1...4).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let number = Int(text), number >= 1
        else { return nil }
        return number
    }

    /// 0 to 999,999,999, digits only.
    static func sequence(_ text: Substring) -> Int? {
        guard (1...9).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    // MARK: - JSON requests

    /// `{"tag":"q1","cmd":"ask","text":"..."}`. Unknown fields are ignored; a field given twice is refused
    /// (`JSONMemberNames`). Each field is read on its own, so a field of the wrong type is named (`wrongField`) and
    /// the request's tag still comes back with the refusal.
    struct JSONRequest: Decodable {
        var tag: String?
        var cmd: String
        var text: String?
        var client: String?
        var version: String?
        var format: String?
        var verb: String?
        var lang: String?
        var region: String?
        var channel: String?
        var site: String?
        var token: String?
        var since: Int?
        var n: Int?
        var payload: String?
        var ticket: Int?
        /// The first field that is there with the wrong type, and the type it must have.
        var wrongField: (name: String, type: String)?

        private enum Key: String, CodingKey {
            case tag, cmd, text, client, version, format, verb, lang, region, channel, site, token, since, n, payload
            case ticket
        }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: Key.self)
            var wrong: (name: String, type: String)?
            func read<T: Decodable>(_ key: Key, _ type: T.Type, _ name: String) -> T? {
                guard fields.contains(key), (try? fields.decodeNil(forKey: key)) != true else { return nil }
                if let value = try? fields.decode(T.self, forKey: key) { return value }
                if wrong == nil { wrong = (key.rawValue, name) }
                return nil
            }
            func string(_ key: Key) -> String? { read(key, String.self, "a string") }
            func number(_ key: Key) -> Int? { read(key, Int.self, "a whole number") }
            tag = string(.tag)
            cmd = string(.cmd) ?? ""
            text = string(.text)
            client = string(.client)
            version = string(.version)
            format = string(.format)
            verb = string(.verb)
            lang = string(.lang)
            region = string(.region)
            channel = string(.channel)
            site = string(.site)
            token = string(.token)
            since = number(.since)
            n = number(.n)
            payload = string(.payload)
            ticket = number(.ticket)
            wrongField = wrong
        }
    }

    func parseJSON(_ line: Substring) -> Outcome {
        let request: JSONRequest
        do {
            request = try JSONDecoder().decode(JSONRequest.self, from: Data(line.utf8))
        } catch {
            return .refused(.syntax(#"not a JSON request: send an object such as {"cmd":"ping"}"#))
        }
        var tag: String?
        if let raw = request.tag {
            guard Self.isToken(raw, maximum: Self.maximumTagLength) else {
                return .refused(.syntax("a tag is 1 to 64 letters, digits, '.', '_' or '-'"))
            }
            tag = raw
        }
        if let name = JSONMemberNames.repeated(in: line) {
            // Which of two tags is meant cannot be known: the refusal then carries none.
            return .refused(.syntax("\"\(name)\" is given twice: name each field once", tag: name == "tag" ? nil : tag))
        }
        if let (name, type) = request.wrongField {
            return .refused(.syntax("\"\(name)\" must be \(type)", tag: tag))
        }
        guard !request.cmd.isEmpty else {
            return .refused(.syntax(#"a JSON request needs "cmd", such as {"cmd":"ping"}"#, tag: tag))
        }
        switch jsonCommand(request) {
        case .success(let command): return .request(Request(tag: tag, command: command))
        case .failure(var error):
            error.tag = tag
            return .refused(error)
        }
    }

    func jsonCommand(_ request: JSONRequest) -> Result<Command, ProtocolError> {
        guard Self.isToken(request.cmd, maximum: 16) else {
            return .failure(.unknown("unknown command; \"cmd\" is one of the commands HELP lists, such as \"ask\""))
        }
        let verb = request.cmd.uppercased()
        func word(_ value: String?) -> Substring? { value.map { Substring($0) } }
        switch verb {
        case "HELLO":
            let words = [request.client, request.version, request.format.map { "format=" + $0 }].compactMap(word)
            guard !words.contains(where: { $0.contains(where: Self.isBlank) }) else {
                return .failure(.syntax("HELLO fields are single words"))
            }
            return hello(words)
        case "NEW":
            let pairs =
                [("lang", request.lang), ("region", request.region), ("channel", request.channel)]
                + [("site", request.site)]
            let words = pairs.compactMap { key, value in value.map { Substring(key + "=" + $0) } }
            return new(words)
        case "RESUME":
            guard let token = request.token, Self.isToken(token) else {
                return .failure(.syntax(#"RESUME needs "token""#))
            }
            guard request.since.map({ $0 >= 0 }) ?? true else { return .failure(.syntax(#""since" is 0 or more"#)) }
            return .success(.resume(token: token.uppercased(), since: request.since))
        case "ASK":
            return ask(Self.trimmed(word(request.text) ?? ""))
        case "FOLLOW":
            guard let number = request.n, (1...9999).contains(number) else {
                return .failure(.syntax(#"FOLLOW needs "n", the number of an option, from 1 to 9999"#))
            }
            return .success(.follow(number))
        case "LANG", "REGION", "HELP", "PING":
            let value =
                verb == "LANG"
                ? request.lang
                : verb == "REGION"
                    ? request.region
                    : verb == "HELP" ? request.verb : request.payload
            if let value, value.contains(where: Self.isBlank) || value.isEmpty {
                return .failure(.syntax("\(verb) takes a single word"))
            }
            return command(verb: verb, arguments: word(value) ?? "")
        case "AUTH":
            guard let token = request.token, Self.isToken(token, maximum: 128) else {
                return .failure(.syntax(#"AUTH needs "token", your helper token"#))
            }
            return .success(.auth(token))
        case "TAKE", "TRANSCRIPT", "RELEASE", "RESOLVE", "SAY":
            guard let number = request.ticket, (1...999_999_999).contains(number) else {
                return .failure(.syntax(#"\#(verb) needs "ticket", a ticket number"#))
            }
            guard verb == "SAY" else { return command(verb: verb, arguments: Substring(String(number))) }
            let text = Self.trimmed(word(request.text) ?? "")
            guard !text.isEmpty else { return .failure(.syntax(#"SAY needs "text", what to write to the person"#)) }
            return say(Substring("\(number) ") + text)
        default:
            return command(verb: verb, arguments: "")
        }
    }
}
