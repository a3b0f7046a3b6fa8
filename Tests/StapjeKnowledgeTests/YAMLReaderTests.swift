import Synchronization
import Testing
import Yams

@testable import StapjeKnowledge

#if canImport(Glibc)
    import Glibc
#endif

/// The content's own YAML reader (libyaml's events) against Yams, which read the content before it.
struct YAMLReaderTests {
    /// Every YAML file of the bundled content, and every answer's header, relative to the content directory.
    static let bundledFiles: [String] = {
        var files: [String] = []
        func walk(_ relative: String) {
            let path = ContentLocator.bundled + "/" + relative
            for name in ((try? FileSystem.entries(path)) ?? []).sorted() {
                let child = relative + "/" + name
                if FileSystem.isDirectory(ContentLocator.bundled + "/" + child) {
                    walk(child)
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".md") {
                    files.append(child)
                }
            }
        }
        walk("faq")
        walk("intents")
        return files
    }()

    /// The YAML of a content file: the whole file, or an answer's header (between its `---` lines).
    static func yaml(of relative: String) throws -> String {
        let bytes = try FileSystem.contents(ContentLocator.bundled + "/" + relative)
        let text = String(decoding: bytes, as: UTF8.self)
        guard relative.hasSuffix(".md") else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let end = try #require(lines.dropFirst().firstIndex(of: "---"))
        return lines[1..<end].joined(separator: "\n")
    }

    @Test func theBundledContentHasYAMLToCompare() {
        #expect(Self.bundledFiles.filter { $0.hasSuffix(".yaml") }.count > 150)
        #expect(Self.bundledFiles.filter { $0.hasSuffix(".md") }.count > 100)
    }

    @Test(arguments: bundledFiles)
    func readsEveryBundledFileAsYamsDid(file: String) throws {
        let text = try Self.yaml(of: file)
        var reader = YAMLReader(file: file)
        let parsed = reader.parse(text)
        let ours = try #require(parsed)
        let theirs = try #require(try Yams.compose(yaml: text, Resolver.basic, .default, .utf8))
        #expect(reader.diagnostics.isEmpty)
        #expect(Self.outline(ours) == Self.outline(theirs))
    }

    /// Both parsers agree on trees written to exercise the YAML forms a curator may use.
    @Test(arguments: [
        "a: 1\nb: [x, 'y z', \"w\"]\nc: {d: e, f: [g]}\n",
        "text: |\n  line one\n  line two\n\n  after a gap\nfolded: >\n  joined\n  words\n\n  new paragraph\n",
        "keep: |+\n  kept\n\nstrip: >-\n  stripped\nnext: x\n",
        "double: \"tab\\there \\\"quoted\\\" \\u00e9 \\x41 line\\nbreak\"\nsingle: 'it''s'\n",
        "# a comment\nkey: value  # after a value\n# between\nlist:\n  - one # on an item\n  - two\n",
        "empty:\nnull: ~\nyes: yes\nnumber: 1_000\nsixty: 1:30\nquoted: '5'\n",
        "- plain\n- - nested\n  - list\n- key: value\n  other: value\n",
        "multi: first line\n  continued plain\nurl: http://example.org/a:b\n",
        "a: &shared [one, two]\nb: *shared\n",
        "---\nstarts: with a marker\n...\n",
    ])
    func readsYAMLFormsAsYamsDoes(text: String) throws {
        var reader = YAMLReader(file: "t.yaml")
        let parsed = reader.parse(text)
        let ours = try #require(parsed)
        let theirs = try #require(try Yams.compose(yaml: text, Resolver.basic, .default, .utf8))
        #expect(Self.outline(ours) == Self.outline(theirs))
    }

    @Test func blockScalarsKeepOrJoinLines() throws {
        var reader = YAMLReader(file: "t.yaml")
        let parsed = reader.parse("literal: |\n  one\n  two\nfolded: >\n  one\n  two\n")
        let node = try #require(parsed)
        #expect(node["literal"]?.string == "one\ntwo\n")
        #expect(node["literal"]?.style == .literal)
        #expect(node["folded"]?.string == "one two\n")
        #expect(node["folded"]?.style == .folded)
        #expect(node["folded"]?.line == 4)
    }

    /// A list line indented one space too far is valid YAML that joins it to the item above: read as YAML reads it,
    /// with a warning on its line that names the item; lists nested on purpose, block scalars, continued plain text
    /// and quoted items are left alone.
    @Test func aListLineIndentedTooFarIsReadAsYAMLDoesAndWarned() throws {
        var reader = YAMLReader(file: "t.yaml")
        let text = "steps:\n  - Open the app\n    - Tap Settings\n  - Tap Account\n"
        let parsed = reader.parse(text)
        let node = try #require(parsed)
        #expect(node["steps"]?.sequence?.map(\.string) == ["Open the app - Tap Settings", "Tap Account"])
        let warnings = reader.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.location.line) == [3])
        #expect(warnings.first?.message.contains("list item on line 2") == true)
        #expect(reader.diagnostics.allSatisfy { $0.severity == .warning })

        let fine = [
            "steps:\n  - when:\n      - nested on purpose\n  - next\n",
            "note: |\n  - a dash in a block\n    - deeper\n",
            "- one\n  more words of one\n- two\n",
            "- 'quoted'\n- two\n",
            "- key: value\n  other: x\n- b\n",
        ]
        for text in fine {
            #expect(YAMLReader.joinedListItems(text).isEmpty, "\(text)")
        }
        #expect(YAMLReader.joinedListItems("- key: value\n    - joined\n").map(\.line) == [2])
    }

    @Test func flowCollectionsAndEscapesAreRead() throws {
        var reader = YAMLReader(file: "t.yaml")
        let parsed = reader.parse("- {id: a.b, regions: [VL, BXL]}\n- \"caf\\u00e9 \\\"x\\\"\"\n- 'it''s'\n")
        let node = try #require(parsed)
        let items = try #require(node.sequence)
        #expect(items[0]["id"]?.string == "a.b")
        #expect(items[0]["regions"]?.sequence?.map(\.string) == ["VL", "BXL"])
        #expect(items[1].string == "café \"x\"")
        #expect(items[2].string == "it's")
        #expect(items.map(\.line) == [1, 2, 3])
    }

    @Test func plainFlagsAndNumbersAreReadButQuotedOnesAreText() throws {
        var reader = YAMLReader(file: "t.yaml")
        let parsed = reader.parse("a: true\nb: 'true'\nc: 2.5\nd: \"2.5\"\n")
        let node = try #require(parsed)
        #expect(node["a"]?.bool == true)
        #expect(node["b"]?.bool == nil)
        #expect(node["c"]?.float == 2.5)
        #expect(node["d"]?.float == nil)
        #expect(node["d"]?.string == "2.5")
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n"])
    func anEmptyFileIsReported(text: String) {
        var reader = YAMLReader(file: "t.yaml")
        #expect(reader.parse(text, lineOffset: 1) == nil)
        #expect(
            reader.diagnostics.map(\.description) == [
                "t.yaml:2: error: the file is empty: write the YAML described in docs/CONTENT.md"
            ])
    }

    /// Broken YAML is reported at the line and with the words Yams gave (the checker's messages do not change).
    @Test(arguments: [
        ("bad indentation", "keywords:\n  cv: 3\n letter: 2\n", 3),
        ("unclosed quote", "intent: a.b\nexamples:\n  - \"unclosed\n  - two\n", 5),
        ("tab indentation", "intent: a.b\nexamples:\n\t- one\n", 3),
        ("duplicate key", "intent: a.b\nexamples: [x]\nintent: c.d\n", 1),
        ("duplicate nested key", "keywords:\n  cv: 3\n  letter: 2\n  cv: 1\n", 2),
        ("two documents", "a: b\n---\nc: d\n", 2),
        ("undefined alias", "a: *nowhere\n", 1),
        ("unclosed flow list", "title: [unclosed\n", 2),
    ])
    func brokenYAMLIsReportedWithFileLineAndMessage(what: String, text: String, line: Int) throws {
        var reader = YAMLReader(file: "intents/nl/t.yaml")
        #expect(reader.parse(text, lineOffset: 10) == nil, "\(what)")
        let expected = try #require(Self.yamsDiagnostic(text, file: "intents/nl/t.yaml", lineOffset: 10))
        #expect(reader.diagnostics.map(\.description) == [expected], "\(what)")
        #expect(reader.diagnostics.first?.location.line == 10 + line, "\(what)")
    }

    /// Deep nesting gets a diagnostic, not a stack overflow, also on a thread with a small stack like the
    /// loader's workers (the first version crashed `stapje check` on `[[[[...` a few thousand deep).
    @Test(arguments: ["flow lists", "flow mappings", "block lists"])
    func deepNestingIsReportedWithoutCrashing(what: String) throws {
        let text =
            switch what {
            case "flow lists":
                "examples: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
            case "flow mappings":
                "a: " + String(repeating: "{b: ", count: 5_000) + "c" + String(repeating: "}", count: 5_000)
            default:
                (0..<500).map { String(repeating: " ", count: 2 * $0) + "-" }.joined(separator: "\n") + " x"
            }
        let diagnostics = Mutex<[String]>([])
        let thread = try SmallStackThread(stackBytes: 256 * 1024) {
            var reader = YAMLReader(file: "t.yaml")
            _ = reader.parse(text)
            diagnostics.withLock { $0 = reader.diagnostics.map(\.description) }
        }
        thread.join()
        let found = diagnostics.withLock { $0 }
        // libyaml refuses the deepest flow nesting itself; the reader stops the rest at its own limit.
        #expect(found.count == 1, "\(what): \(found)")
        #expect(found.first?.hasPrefix("t.yaml:") == true, "\(what): \(found)")
        #expect(found.first?.contains("this is not valid YAML") == true, "\(what): \(found)")
    }

    @Test func nestingWithinTheLimitIsRead() throws {
        let depth = YAMLComposer.maximumDepth
        var reader = YAMLReader(file: "t.yaml")
        let node = reader.parse(String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth))
        #expect(reader.diagnostics.isEmpty)
        var current = try #require(node)
        for _ in 1..<depth { current = try #require(current.sequence?.first) }
        #expect(current.sequence?.first?.string == "x")
    }

    @Test func aDuplicateKeyIsNamed() {
        var reader = YAMLReader(file: "t.yaml")
        _ = reader.parse("b: 1\na: 2\nb: 3\na: 4\n")
        #expect(
            reader.diagnostics.map(\.description) == [
                "t.yaml:2: error: this is not valid YAML (the key a, b appears twice); the same key twice in one list: "
                    + "remove or rename one of them"
            ])
    }

    @Test func aTagIsRefusedWithAHint() {
        var reader = YAMLReader(file: "t.yaml")
        #expect(reader.parse("examples:\n  - !important question\n") == nil)
        #expect(
            reader.diagnostics.map(\.description) == [
                "t.yaml:2: error: `!important` is read as a YAML tag; put quotes around text that starts with `!`"
            ])
    }

    /// The diagnostic the Yams-based reader gave for `text`.
    static func yamsDiagnostic(_ text: String, file: String, lineOffset: Int) -> String? {
        do {
            _ = try Yams.compose(yaml: text, Resolver.basic, .default, .utf8)
            return nil
        } catch let error as YamlError {
            let (line, problem): (Int, String)
            switch error {
            case .scanner(_, let message, let mark, _), .parser(_, let message, let mark, _),
                .composer(_, let message, let mark, _):
                (line, problem) = (max(mark.line, 1), message)
            case .duplicatedKeysInMapping(let duplicates, let context):
                (line, problem) = (context.mark.line, "the key \(duplicates.joined(separator: ", ")) appears twice")
            default:
                return nil
            }
            return "\(file):\(lineOffset + line): error: " + YAMLProblem.syntax(line: line, problem).message
        } catch {
            return nil
        }
    }

    /// One line per node: kind, line, style, text and how a value reads as a flag and a number, indented by depth.
    /// (Not for keys: the content reads them only as text, and Yams types a key as text once it checked duplicates.)
    static func outline(_ node: YAMLNode, depth: Int = 0, isKey: Bool = false) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        switch node.content {
        case .scalar(let text, let style):
            let reading = isKey ? "- -" : "\(node.bool.map { "\($0)" } ?? "-") \(node.float.map { "\($0)" } ?? "-")"
            return [
                "\(indent)scalar \(node.line) \(style) \(reading) \(text.debugDescription)"
            ]
        case .sequence(let items):
            return ["\(indent)sequence \(node.line)"] + items.flatMap { outline($0, depth: depth + 1) }
        case .mapping(let pairs):
            return ["\(indent)mapping \(node.line)"]
                + pairs.flatMap { outline($0.key, depth: depth + 1, isKey: true) + outline($0.value, depth: depth + 2) }
        }
    }

    static func outline(_ node: Node, depth: Int = 0, isKey: Bool = false) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            let style: YAMLNode.Style =
                switch scalar.style {
                case .singleQuoted: .singleQuoted
                case .doubleQuoted: .doubleQuoted
                case .literal: .literal
                case .folded: .folded
                default: .plain
                }
            let reading = isKey ? "- -" : "\(node.bool.map { "\($0)" } ?? "-") \(node.float.map { "\($0)" } ?? "-")"
            return [
                "\(indent)scalar \(line) \(style) \(reading) \(scalar.string.debugDescription)"
            ]
        case .sequence(let items):
            return ["\(indent)sequence \(line)"] + items.flatMap { outline($0, depth: depth + 1) }
        case .mapping(let pairs):
            return ["\(indent)mapping \(line)"]
                + pairs.flatMap { outline($0.key, depth: depth + 1, isKey: true) + outline($0.value, depth: depth + 2) }
        case .alias:
            return ["\(indent)alias \(line)"]
        }
    }
}

/// A thread with a stack of a given size, running `body` once.
final class SmallStackThread: @unchecked Sendable {
    // Unchecked: `body` is read once by the new thread, before `join` returns.
    private var thread = pthread_t()
    private let body: () -> Void

    init(stackBytes: Int, _ body: @escaping () -> Void) throws {
        self.body = body
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(
            &thread, &attributes,
            { context in
                let this = Unmanaged<SmallStackThread>.fromOpaque(context!).takeRetainedValue()
                this.body()
                return nil
            }, context)
        guard started == 0 else {
            Unmanaged<SmallStackThread>.fromOpaque(context).release()
            throw ThreadError(code: started)
        }
    }

    struct ThreadError: Error {
        let code: Int32
    }

    func join() {
        pthread_join(thread, nil)
    }
}
