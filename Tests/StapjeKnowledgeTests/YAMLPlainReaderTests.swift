import StapjeTestSupport
import StapjeText
import Testing

@testable import StapjeKnowledge

/// The plain-YAML reader against libyaml (`YAMLComposer`): wherever it gives a tree, it must be libyaml's tree, text,
/// style and line of every node; everything else it must leave to libyaml.
struct YAMLPlainReaderTests {
    static func libyaml(_ text: String) -> [String]? {
        var composer = YAMLComposer(text)
        guard let node = try? composer.document() else { return nil }
        return YAMLReaderTests.outline(node)
    }

    static func plain(_ text: String) -> [String]? {
        YAMLPlainReader.parse(text).map { YAMLReaderTests.outline($0) }
    }

    /// The reader gives libyaml's tree for every bundled file it reads, and it reads every intent file and answer
    /// header (nearly all of the content's YAML; the curriculum and the conversation's words use forms it leaves
    /// to libyaml).
    @Test(arguments: YAMLReaderTests.bundledFiles)
    func readsBundledFilesAsLibyamlDoes(file: String) throws {
        let text = try YAMLReaderTests.yaml(of: file)
        guard let plain = Self.plain(text) else {
            #expect(!file.hasPrefix("intents/") && !file.hasSuffix(".md"), "the plain reader gave up on \(file)")
            return
        }
        #expect(plain == Self.libyaml(text))
    }

    @Test(arguments: [
        "a: 1\nb: two words\n", "# c\nkey: value # comment\n\nlist:\n  - one\n  - \"two\" # c\n  - 'it''s'\n",
        "list:\n- a\n- b\nnext: [x, \"y, z\", 'w']\n", "\"dank je\": 5\n'a b': [ ]\nc: []\n",
        "url: https://example.org/a?b=c#d\ndate: 2026-11-20\n", "outer:\n  inner:\n    - a\n  other: b\nlast: c\n",
        "- a\n- [b, c]\n", "a:   spaced   out  \n", "k: a#b\n", "k: ':'\n", "k: \"é ü 🙂\"\n", ":a: b\n",
        "k: -1\n", "k: a, b\n", "k: a] b\n", "a: x\n\n\n# end\n",
    ])
    func readsPlainFormsAsLibyamlDoes(text: String) throws {
        let plain = try #require(Self.plain(text), "gave up on \(text.debugDescription)")
        #expect(plain == Self.libyaml(text))
    }

    /// Forms it leaves to libyaml (which reads some and refuses others).
    @Test(arguments: [
        "", "# only\n", "---\na: b\n", "a: b\n...\n", "%YAML 1.1\n---\na: b\n", "\u{FEFF}a: b\n", "a:\tb\n",
        "a: b\r\n", "a:\nb: c\n", "a: |\n  x\n", "a: >\n  x\n", "a: &x b\n", "a: *x\n", "a: !tag b\n",
        "a: {b: c}\n", "a: \"x\\ty\"\n", "a: b: c\n", "a: b:\n", "- a: b\n", "-\n  a\n", "- - a\n", "a: b\n  c\n",
        "  a: b\n", "a: b\na: c\n", "a: [b,\n  c]\n", "a: [b: c]\n", "a: [b, ]\n", "a: \"b\" c\n", "a: 'b\n",
        "a: b #c: d\ne: f\n  g: h\n", "key\n", "a: ? b\n", "? a\n: b\n", "a: b\n - c\n", "a: @b\n", "a: `b\n",
        "a: b\u{85}c\n", "a: b\u{2028}c\n", "plain text\n", "a: [b, ?c]\n",
    ])
    func leavesOtherFormsToLibyaml(text: String) {
        #expect(Self.plain(text) == nil, "\(text.debugDescription)")
    }

    /// Content altered at random (a sign, a quote, a space or a tab inserted, a character removed, a line written
    /// twice, indented more or less): wherever the reader gives a tree, libyaml gives the same one.
    @Test func alteredContentIsReadAsLibyamlReadsItOrLeftToIt() throws {
        var random = SeededGenerator(seed: 2026)
        let signs = Array(":#-[]{},'\"|>&*!%@? \t\\ax".unicodeScalars)
        let files = YAMLReaderTests.bundledFiles
        var read = 0
        var compared = 0
        for round in 0..<3000 {
            let file = files[round % files.count]
            var lines = try YAMLReaderTests.yaml(of: file).split(separator: "\n", omittingEmptySubsequences: false)
                .map { Array($0.unicodeScalars) }
            for _ in 0...Int.random(in: 0...2, using: &random) {
                let line = Int.random(in: 0..<lines.count, using: &random)
                var scalars = lines[line]
                let position = Int.random(in: 0...scalars.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    // A line written twice (a key used twice, a list item repeated).
                    lines.insert(scalars, at: line)
                    continue
                case 1:
                    // Indented by two more spaces, or one less.
                    if Bool.random(using: &random) {
                        scalars.insert(contentsOf: "  ".unicodeScalars, at: 0)
                    } else if scalars.first == " " {
                        scalars.removeFirst()
                    }
                    lines[line] = scalars
                    continue
                default:
                    break
                }
                if Bool.random(using: &random) || scalars.isEmpty {
                    scalars.insert(random.draw(1...1, from: signs)[0], at: position)
                } else {
                    scalars.remove(at: min(position, scalars.count - 1))
                }
                lines[line] = scalars
            }
            let text = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            compared += 1
            guard let plain = Self.plain(text) else { continue }
            read += 1
            #expect(plain == Self.libyaml(text), "\(file), altered: \(text.debugDescription)")
        }
        // Many altered files are still plain: the comparison is not empty.
        #expect(read > compared / 4)
    }
}
