import CLibYAML

/// One event of libyaml's parser, copied out of the C library's memory.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(line: Int)
    case documentEnd
    case scalar(String, YAMLNode.Style, Properties)
    case sequenceStart(Properties)
    case sequenceEnd
    case mappingStart(Properties)
    case mappingEnd
    case alias(String, line: Int)

    /// Where a node starts and the anchor and tag written before it.
    struct Properties {
        /// The line, counting from 1.
        var line: Int
        var anchor: String?
        var tag: String?
    }
}

/// A problem found while reading YAML: the line (counting from 1) and a message for the curator.
struct YAMLProblem: Error {
    var line: Int
    var message: String

    /// A syntax error: libyaml's words in brackets, then what they most often mean for a curator who is no
    /// programmer ("mapping values are not allowed in this context" is a ": " inside a value).
    static func syntax(line: Int, _ problem: String) -> YAMLProblem {
        YAMLProblem(line: max(line, 1), message: "this is not valid YAML (\(problem)); " + advice(problem))
    }

    /// What a libyaml problem most often means, in plain words.
    static func advice(_ problem: String) -> String {
        let known: [(String, String)] = [
            (
                "cannot start any token",
                "a tab at the start of a line (use spaces), or a value that starts with @, `, % or another sign (put the value in quotes)"
            ),
            (
                "mapping values are not allowed",
                "a ': ' inside a value (put the value in quotes), or a line indented too far"
            ),
            (
                "could not find expected ':'",
                "a line without ':' where `key: value` is expected, or a quote or bracket left open above it"
            ),
            (
                "unexpected end of stream",
                "the file ends inside a quote or a bracket: close the quote (\" or ') or bracket opened above"
            ),
            ("did not find expected key", "a line indented differently from the lines around it, or a quote left open"),
            (
                "did not find expected '-' indicator",
                "each line of a list starts with '- ' at the same indentation; a value that starts with [ or { needs quotes"
            ),
            ("tag", "a value that starts with '!' (put the value in quotes)"),
            ("alphabetic or numeric character", "a value that starts with * or & (put the value in quotes)"),
            ("appears twice", "the same key twice in one list: remove or rename one of them"),
        ]
        return known.first { problem.contains($0.0) }?.1 ?? "check the indentation and quotes"
    }
}

/// libyaml's event parser over one text: the only type that touches the C library.
///
/// libyaml reads its input lazily and keeps pointers into it and into its own state between calls, so both live
/// in memory allocated here, which does not move, and are freed with the parser.
final class YAMLEventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let length: Int

    /// A parser over the UTF-8 bytes of `text`.
    init(_ text: String) {
        length = text.utf8.count
        input = .allocate(capacity: max(length, 1))
        _ = input.initialize(from: text.utf8)
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, length)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or the syntax error libyaml found.
    func next() throws(YAMLProblem) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw problem() }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(line: line)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let properties = YAMLEvent.Properties(
                line: line, anchor: Self.text(scalar.anchor), tag: Self.text(scalar.tag))
            return .scalar(text, Self.style(scalar.style), properties)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(.init(line: line, anchor: Self.text(start.anchor), tag: Self.text(start.tag)))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(.init(line: line, anchor: Self.text(start.anchor), tag: Self.text(start.tag)))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        case YAML_ALIAS_EVENT:
            return .alias(Self.text(event.data.alias.anchor) ?? "", line: line)
        default:
            return .streamEnd
        }
    }

    /// libyaml's description of the error it stopped at, on the line it names.
    private func problem() -> YAMLProblem {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        guard state.error == YAML_READER_ERROR else {
            return .syntax(line: Int(state.problem_mark.line) + 1, problem)
        }
        // A reader error (a control character, say) has only a byte offset: count the lines before it.
        let offset = min(state.problem_offset, length)
        return .syntax(line: 1 + input[..<offset].count(where: { $0 == 10 }), problem)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
