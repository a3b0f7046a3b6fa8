import Yams

/// Reads YAML with line numbers and turns every problem into a diagnostic instead of an error.
struct YAMLReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// Parses `text`; nil (with a diagnostic) when it is not valid YAML.
    ///
    /// Plain scalars are left untyped (`Resolver.basic`): the default resolver runs seven regular expressions on
    /// every mapping key to tell ints, dates and nulls from text, and the content reads every value as text anyway
    /// (`Node.string`, `.float` and `.bool` parse the text themselves).
    mutating func parse(_ text: String, lineOffset: Int = 0) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text, Resolver.basic, .default, .utf8) else {
                error(line: lineOffset + 1, "the file is empty: write the YAML described in docs/CONTENT.md")
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            let (line, problem) = Self.describe(yamlError)
            error(line: lineOffset + line, "this is not valid YAML (\(problem)); check the indentation and quotes")
            return nil
        } catch {
            self.error(line: lineOffset + 1, "this is not valid YAML: \(error)")
            return nil
        }
    }

    static func describe(_ error: YamlError) -> (Int, String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return (max(mark.line, 1), problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, "the key \(duplicates.joined(separator: ", ")) appears twice")
        default:
            return (1, "\(error)")
        }
    }

    mutating func error(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.error, SourceLocation(file: file, line: line), message))
    }

    mutating func warning(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.warning, SourceLocation(file: file, line: line), message))
    }

    func location(_ node: Node?, offset: Int = 0) -> SourceLocation {
        SourceLocation(file: file, line: offset + (node?.mark?.line ?? 0))
    }

    /// The pairs of a mapping in file order, with string keys.
    mutating func pairs(_ node: Node, what: String, offset: Int = 0) -> [(String, Node)] {
        guard let mapping = node.mapping else {
            error(line: offset + (node.mark?.line ?? 1), "\(what) should be a list of `key: value` lines")
            return []
        }
        return mapping.map { ($0.key.string ?? "", $0.value) }
    }

    /// A list of strings (a single string counts as a list of one).
    mutating func strings(_ node: Node, what: String, offset: Int = 0) -> [Located<String>] {
        if let scalar = node.scalar {
            return [Located(scalar.string, location(node, offset: offset))]
        }
        guard let sequence = node.sequence else {
            error(line: offset + (node.mark?.line ?? 1), "\(what) should be a list (lines starting with `- `)")
            return []
        }
        var result: [Located<String>] = []
        for item in sequence {
            if let text = item.scalar?.string {
                result.append(Located(text, location(item, offset: offset)))
            } else {
                error(
                    line: offset + (item.mark?.line ?? 1),
                    "each item of \(what) should be plain text; put quotes around text with a colon")
            }
        }
        return result
    }
}
