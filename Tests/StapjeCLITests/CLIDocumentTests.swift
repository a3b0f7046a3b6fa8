import Foundation
import StapjeTestSupport
import Testing

/// docs/CLI.md fixes the JSON that other programs read; its tables are checked against what the program prints, so
/// a field added, renamed or dropped in one and not the other fails here.
struct CLIDocumentTests {
    /// A table of docs/CLI.md: field name to whether it is optional, from the rows under `heading` up to the next
    /// blank line after the table.
    static func documentedFields(after heading: String) throws -> [String: Bool] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/CLI.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(heading) }, "no \(heading) in docs/CLI.md")
        var fields: [String: Bool] = [:]
        var inTable = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("|") {
                inTable = true
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 2, cells[0].hasPrefix("`"), cells[0].hasSuffix("`") else { continue }
                fields[String(cells[0].dropFirst().dropLast())] = cells[1].contains("optional")
            } else if inTable {
                break
            }
        }
        return fields
    }

    static func objects(_ questions: [String]) throws -> [[String: Any]] {
        let (status, output) = try StapjeProgram.run(
            ["ask", "--json"], input: Data((questions.joined(separator: "\n") + "\n").utf8))
        #expect(status == 0)
        return try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Every key printed is in the table, and every field the table does not call optional is printed.
    static func expectMatches(_ object: [String: Any], _ fields: [String: Bool], _ what: String) {
        for key in object.keys { #expect(fields[key] != nil, "\(what): `\(key)` is printed but not in docs/CLI.md") }
        for (field, optional) in fields where !optional {
            #expect(object[field] != nil, "\(what): docs/CLI.md promises `\(field)`")
        }
    }

    @Test func askJSONPrintsWhatTheDocumentSays() throws {
        let reply = try Self.documentedFields(after: "The reply:")
        let answer = try Self.documentedFields(after: "`answer`:")
        let explain = try Self.documentedFields(after: "`explain`:")
        #expect(reply.count == 14 && answer.count == 14 && explain.count == 7, "the tables were not read")
        // An answer, a clarifying question, a fallback, a conversation intent and a message held back.
        let objects = try Self.objects([
            "mot de pass oublié gmail", "prolonger mes prêts à la bibliothèque sur internet", "fiets",
            "volgende", "mijn rijksregisternummer is 85.07.30-033.61",
        ])
        #expect(objects.map { $0["kind"] as? String } == ["answer", "clarify", "fallback", "chat", "chat"])
        for object in objects {
            let what = object["kind"] as? String ?? "?"
            Self.expectMatches(object, reply, what)
            if let body = object["answer"] as? [String: Any] { Self.expectMatches(body, answer, "answer") }
            if let body = object["explain"] as? [String: Any] { Self.expectMatches(body, explain, "explain") }
        }
        #expect(objects[0]["answer"] != nil && objects[0]["explain"] != nil)
        #expect(objects[1]["alternatives"] as? [String] != [])
        #expect(objects[2]["intent"] == nil)
        #expect(objects[4]["explain"] == nil)
        #expect(objects[4]["input"] as? String == "mijn rijksregisternummer is [NATIONAL-NUMBER]")
    }

    @Test func evalJSONOutcomesAreTheDocumentedOnes() throws {
        let outcomes = try Self.documentedFields(after: "| outcome | when |")
        #expect(Set(outcomes.keys) == ["correct", "wrong", "clarify", "fallback"])
        let set = FileManager.default.temporaryDirectory.appendingPathComponent("cli-doc-\(UUID()).tsv")
        defer { try? FileManager.default.removeItem(at: set) }
        try "nl\tnone\tfiets\nnl\taccount.passwords\twachtwoord vergeten\nfr\temail.create\tfiets\n"
            .write(to: set, atomically: true, encoding: .utf8)
        let (status, output) = try StapjeProgram.run(["eval", "--json", set.path])
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 4)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(summary.keys) == ["summary", "languages"])
        for line in lines.dropFirst() {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(outcomes[record["outcome"] as? String ?? ""] != nil)
            for key in record.keys {
                #expect(["input", "language", "expected", "got", "kind", "confidence", "outcome"].contains(key))
            }
        }
    }
}
