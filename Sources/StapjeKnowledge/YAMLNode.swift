/// A YAML value as the content reads it: text, a list or `key: value` pairs, with the line where it starts.
///
/// Plain text is never given a type while reading (every value is read as text); `bool` and `float` read the text
/// the way YAML 1.1 and Yams do, for the few fields that want a flag or a number.
struct YAMLNode: Sendable {
    /// How a piece of text was written.
    enum Style: Sendable, Equatable {
        case plain
        case singleQuoted
        case doubleQuoted
        /// A `|` block: line breaks kept.
        case literal
        /// A `>` block: lines joined.
        case folded
    }

    /// What the node holds.
    enum Content: Sendable {
        case scalar(String, Style)
        case sequence([YAMLNode])
        /// The pairs in file order.
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    var content: Content
    /// The line where the node starts, counting from 1.
    var line: Int

    /// The text of a scalar; nil for a list or a mapping.
    var string: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The style of a scalar; nil for a list or a mapping.
    var style: Style? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The items of a list.
    var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs of a mapping, in file order.
    var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value of `key` in a mapping.
    subscript(key: String) -> YAMLNode? {
        mapping?.last(where: { $0.key.string == key })?.value
    }

    /// A plain `true`, `yes`, `on` or `false`, `no`, `off` (any case); quoted text is never a flag.
    var bool: Bool? {
        guard case .scalar(let text, .plain) = content else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// A plain number as YAML 1.1 writes it: digits with `_` between them, an exponent, `.inf`, `.nan` or base 60
    /// (`1:30` is 90); quoted text is never a number.
    var float: Double? {
        guard case .scalar(let text, .plain) = content else { return nil }
        // Plain digits and a decimal point, as keyword weights are written, need none of the rest.
        if text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) { return Double(text) }
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        let digits = String(text.filter { $0 != "_" })
        guard digits.contains(":") else { return Double(digits) }
        var rest = Substring(digits)
        var sign = 1.0
        if rest.hasPrefix("-") {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.hasPrefix("+") {
            rest = rest.dropFirst()
        }
        // Summed from the right, as Yams does, so a fraction rounds the same way.
        var value = 0.0
        var base = 1.0
        for part in rest.split(separator: ":", omittingEmptySubsequences: false).reversed() {
            guard let number = Double(part) else { return nil }
            value += number * base
            base *= 60
        }
        return sign * value
    }
}

/// Builds the node tree of one YAML document from libyaml's events.
///
/// Nodes are built recursively, so nesting is limited to `maximumDepth` levels: content needs five or six, and a
/// file nested thousands deep (`[[[[...`) would otherwise overflow the stack of the worker thread reading it (512
/// KB on Linux) and crash the program instead of getting a diagnostic.
struct YAMLComposer {
    /// The deepest nesting of lists and mappings read.
    static let maximumDepth = 64

    private let events: YAMLEventParser
    /// Nodes by anchor (`&name`), for the aliases (`*name`) that repeat them.
    private var anchors: [String: YAMLNode] = [:]

    init(_ text: String) {
        events = YAMLEventParser(text)
    }

    /// The single document of the text, or nil when it holds none (empty, or only comments).
    mutating func document() throws(YAMLProblem) -> YAMLNode? {
        _ = try events.next()  // stream start
        guard case .documentStart = try events.next() else { return nil }
        let root = try node(from: try events.next(), depth: 1)
        _ = try events.next()  // document end
        if case .documentStart(let line) = try events.next() {
            throw .syntax(line: line, "but found another document")
        }
        return root
    }

    private mutating func node(from event: YAMLEvent, depth: Int) throws(YAMLProblem) -> YAMLNode {
        switch event {
        case .sequenceStart(let properties) where depth > Self.maximumDepth,
            .mappingStart(let properties) where depth > Self.maximumDepth:
            throw .syntax(
                line: properties.line, "lists and mappings nested more than \(Self.maximumDepth) levels deep")
        case .scalar(let text, let style, let properties):
            try Self.refuseTag(properties)
            return remember(YAMLNode(content: .scalar(text, style), line: properties.line), properties)
        case .sequenceStart(let properties):
            try Self.refuseTag(properties)
            var items: [YAMLNode] = []
            while true {
                let next = try events.next()
                if case .sequenceEnd = next { break }
                items.append(try node(from: next, depth: depth + 1))
            }
            return remember(YAMLNode(content: .sequence(items), line: properties.line), properties)
        case .mappingStart(let properties):
            try Self.refuseTag(properties)
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            while true {
                let next = try events.next()
                if case .mappingEnd = next { break }
                let key = try node(from: next, depth: depth + 1)
                pairs.append((key, try node(from: try events.next(), depth: depth + 1)))
            }
            try Self.refuseDuplicates(pairs)
            return remember(YAMLNode(content: .mapping(pairs), line: properties.line), properties)
        case .alias(let name, let line):
            guard let node = anchors[name] else { throw .syntax(line: line, "found undefined alias") }
            return node
        default:
            throw .syntax(line: 1, "unexpected structure")
        }
    }

    private mutating func remember(_ node: YAMLNode, _ properties: YAMLEvent.Properties) -> YAMLNode {
        if let anchor = properties.anchor { anchors[anchor] = node }
        return node
    }

    /// A tag (`!name` before a value) would change how text is read; content files never need one, and a curator
    /// who writes one most likely meant text starting with `!`.
    private static func refuseTag(_ properties: YAMLEvent.Properties) throws(YAMLProblem) {
        guard let tag = properties.tag else { return }
        throw YAMLProblem(
            line: properties.line,
            message: "`\(tag)` is read as a YAML tag; put quotes around text that starts with `!`")
    }

    /// Two equal keys in one mapping: named in sorted order, at the line of the first key's first use (as Yams
    /// reported them).
    static func refuseDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLProblem) {
        guard pairs.count > 1 else { return }
        // Most mappings have a handful of keys: comparing them pairwise costs less than hashing each, and only a
        // mapping with a repeated key goes on to the look-up that names them all.
        if pairs.count <= 16 && !hasRepeatedKey(pairs) { return }
        var firstUse: [String: YAMLNode] = [:]
        firstUse.reserveCapacity(pairs.count)
        var duplicates: Set<String> = []
        for (key, _) in pairs {
            guard let text = key.string else { continue }
            if firstUse[text] == nil { firstUse[text] = key } else { duplicates.insert(text) }
        }
        guard !duplicates.isEmpty else { return }
        let names = duplicates.sorted()
        throw .syntax(
            line: firstUse[names[0]]?.line ?? 1, "the key \(names.joined(separator: ", ")) appears twice")
    }

    private static func hasRepeatedKey(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> Bool {
        for later in pairs.indices.dropFirst() {
            guard let text = pairs[later].key.string else { continue }
            for earlier in pairs.indices[..<later] where pairs[earlier].key.string == text { return true }
        }
        return false
    }
}
