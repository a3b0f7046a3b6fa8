import Foundation
import Testing

@testable import StapjeServer

/// Every `session` block of docs/PROTOCOL.md, replayed against a real server: the document is the contract.
@Suite(.timeLimit(.minutes(2)))
struct ProtocolDocumentTests {
    /// One step of an example.
    enum Step: Sendable, CustomStringConvertible {
        /// Send this line.
        case send(String)
        /// Expect a line matching this pattern.
        case expect(String)
        /// Lines may be left out here.
        case skip
        /// Drop the connection and open a new one.
        case reconnect

        var description: String {
            switch self {
            case .send(let line): "C: \(line)"
            case .expect(let line): "S: \(line)"
            case .skip: "S: …"
            case .reconnect: "---"
            }
        }
    }

    /// The `session` blocks, in order.
    static func examples() throws -> [[Step]] {
        let url = Fixtures.repositoryRoot.appendingPathComponent("docs/PROTOCOL.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var examples: [[Step]] = []
        var current: [Step]?
        for line in text.components(separatedBy: "\n") {
            if line == "```session" {
                current = []
            } else if line == "```", let steps = current {
                examples.append(steps)
                current = nil
            } else if current != nil {
                if line.hasPrefix("C: ") {
                    current?.append(.send(String(line.dropFirst(3))))
                } else if line == "S: …" {
                    current?.append(.skip)
                } else if line.hasPrefix("S: ") {
                    current?.append(.expect(String(line.dropFirst(3))))
                } else if line.hasPrefix("---") {
                    current?.append(.reconnect)
                }
            }
        }
        return examples
    }

    static let tokenPattern = "[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"

    /// An `S:` line as a regular expression: `…` matches anything, a session token matches any token.
    static func pattern(_ expected: String) throws -> NSRegularExpression {
        let tokens = try NSRegularExpression(pattern: tokenPattern)
        var pattern = ""
        for (index, part) in expected.components(separatedBy: "…").enumerated() {
            if index > 0 { pattern += ".*" }
            let escaped = NSRegularExpression.escapedPattern(for: part)
            pattern += tokens.stringByReplacingMatches(
                in: escaped, range: NSRange(escaped.startIndex..., in: escaped), withTemplate: tokenPattern)
        }
        return try NSRegularExpression(pattern: "^" + pattern + "$")
    }

    static func matches(_ line: String, _ expected: NSRegularExpression) -> Bool {
        expected.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    @Test func theDocumentHasExamplesOfEveryCommand() throws {
        let sent = try Self.examples().flatMap { $0 }.compactMap { step -> String? in
            guard case .send(let line) = step else { return nil }
            return line
        }
        #expect(try Self.examples().count >= 3)
        let text = sent.joined(separator: "\n").uppercased()
        for verb in [
            "HELLO", "NEW", "ASK", "NEXT", "ALL", "FOLLOW", "HUMAN", "CANCEL", "STATUS", "END", "RESUME", "QUIT",
        ] {
            #expect(text.contains(verb), "no example sends \(verb)")
        }
    }

    @Test(arguments: try examples().indices)
    func exampleSessionRunsAsDocumented(index: Int) async throws {
        let steps = try Self.examples()[index]
        try await withServer { server in
            var client = try await server.connect()
            var token: String?
            let tokens = try NSRegularExpression(pattern: Self.tokenPattern)
            var position = 0
            while position < steps.count {
                let step = steps[position]
                position += 1
                switch step {
                case .send(var line):
                    if let token {
                        line = tokens.stringByReplacingMatches(
                            in: line, range: NSRange(line.startIndex..., in: line), withTemplate: token)
                    }
                    try await client.send(line + "\n")
                case .reconnect:
                    client.close()
                    for _ in 0..<200 where try await server.stats()["connections"] != 1 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    client = try await server.connect()
                case .expect(let expected):
                    let line = try #require(try await client.readLine(), "the server closed before: \(expected)")
                    #expect(
                        Self.matches(line, try Self.pattern(expected)),
                        "example \(index): expected \(expected), got \(line)")
                    if let match = tokens.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                        let range = Range(match.range, in: line)
                    {
                        token = String(line[range])
                    }
                case .skip:
                    guard position < steps.count, case .expect(let next) = steps[position] else { continue }
                    let pattern = try Self.pattern(next)
                    var skipped = 0
                    var found = false
                    while let line = try await client.readLine() {
                        if Self.matches(line, pattern) {
                            found = true
                            if let match = tokens.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                                let range = Range(match.range, in: line)
                            {
                                token = String(line[range])
                            }
                            break
                        }
                        skipped += 1
                        if skipped > 200 { break }
                    }
                    guard found else {
                        Issue.record("example \(index): never saw \(next)")
                        return
                    }
                    position += 1
                }
            }
            let sent = steps.compactMap { step -> String? in
                guard case .send(let line) = step else { return nil }
                return line
            }
            if sent.last?.uppercased().contains("QUIT") == true {
                #expect(try await client.readLine() == nil, "example \(index): the server did not close after QUIT")
            }
        }
    }
}
