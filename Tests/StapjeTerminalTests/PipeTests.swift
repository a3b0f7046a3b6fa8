import Foundation
import StapjeCore
import StapjeKnowledge
import Testing

/// `stapje` with its standard input on a pipe: lines in, only the replies out, byte for byte.
struct PipeTests {
    /// Runs `stapje` with `input` on a pipe and returns standard output and the exit status.
    static func run(_ arguments: [String], input: String) throws -> (output: String, status: Int32) {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let process = Process()
        process.executableURL = try StapjeBinary.url()
        process.arguments = arguments
        process.environment = StapjeBinary.environment(home: home.url)
        process.currentDirectoryURL = home.url
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }

    @Test func scriptedConversationPrintsExactlyTheReplies() throws {
        let bundle = StapjeBinary.bundle
        let dutch = bundle.words(.nl)
        let french = bundle.words(.fr)
        let whereTo = try #require(bundle.answer("help.where", language: .fr))
        let summary = try #require(whereTo.section(.answer, region: .BXL)?.text)
        let steps = whereTo.steps(region: .BXL)
        #expect(!steps.isEmpty)

        let (output, status) = try Self.run(
            ["--region", "BXL"], input: "/stappen\n/taal fr\n/mens\n/klaar\n/stappen\n/quit\n/stappen\n")

        let handoff =
            [french.text("handoff_standalone", ["where": summary]), french.text("steps")]
            + steps.enumerated().map { "\($0.offset + 1). \($0.element)" }
        let expected = [
            french.text("no_topic"),  // Brussels: a conversation starts in French until a message shows its language
            french.text("language_switched"),
            handoff.joined(separator: "\n"),
            french.text("goodbye"),
            french.text("no_topic"),  // "klaar" ended the session: back to a fresh one, in the region's language
        ].map { $0 + "\n\n" }.joined()
        #expect(status == 0)
        #expect(output == expected)

        // In Flanders the same kiosk starts in Dutch.
        let flemish = try Self.run(["--region", "VL"], input: "/stappen\n")
        #expect(flemish.output == dutch.text("no_topic") + "\n\n")
    }

    @Test func helperModeShowsAllStepsWithTheNotes() throws {
        let bundle = StapjeBinary.bundle
        let words = bundle.words(.nl)
        let question = "hoe solliciteer ik online"
        let (_, reply) = Conversation(content: bundle).respond(to: question, in: Session(), at: Date())
        let answer = try #require(reply.answer)
        let note = try #require(answer.helperNotes.first)
        #expect(answer.steps.count >= 2)

        let (output, status) = try Self.run(["--helper", "--lang", "nl"], input: question + "\n")
        #expect(status == 0)
        #expect(output.contains(words.text("helper_notes") + "\n- " + note))
        let numbered = answer.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        #expect(output.contains(words.text("steps") + "\n" + numbered + "\n"))
        #expect(!output.contains(words.text("step_position", ["n": "1", "total": "\(answer.steps.count)"])))
    }

    @Test func kioskRefusesAHistoryFile() throws {
        let (output, status) = try Self.run(["--kiosk", "--history-file", "/tmp/never"], input: "")
        #expect(status != 0)
        #expect(output.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never"))
    }

    /// A person who asks for someone twice gets the first place to go and how to see the rest; "all steps" then shows
    /// every place (it had said that no answer was open).
    @Test func askingTwiceForAPersonLeavesTheListReachable() throws {
        let whereTo = try #require(StapjeBinary.bundle.answer("help.where", language: .fr))
        let steps = whereTo.steps(region: .WAL)
        let (output, status) = try Self.run(
            ["--region", "WAL", "--no-stats"],
            input: "je veux parler à quelqu'un\nje veux parler à quelqu'un\ntoutes les étapes\n")
        #expect(status == 0)
        let replies = output.components(separatedBy: "\n\n")
        #expect(replies.count >= 3, "\(output)")
        guard replies.count >= 3 else { return }
        #expect(replies[1].contains(StapjeBinary.bundle.words(.fr).text("next_hint")), "\(replies[1])")
        for (index, step) in steps.enumerated() {
            #expect(replies[2].contains("\(index + 1). \(step)"), "\(replies[2])")
        }
        #expect(!replies[2].contains(StapjeBinary.bundle.words(.fr).text("no_topic")))
    }

    /// A helper who turns helper mode on while a topic is on screen and asks for all steps sees its safety line and
    /// its notes for helpers, as the sheet shows them (they had been left out).
    @Test func helperModeTurnedOnMidTopicShowsTheNotes() throws {
        let dutch = StapjeBinary.bundle.words(.nl)
        let (output, status) = try Self.run(
            ["--region", "BXL", "--lang", "nl", "--no-stats"],
            input: "hoe vraag ik een attest gezinssamenstelling\n/helpermode\nalle stappen\n")
        #expect(status == 0)
        let last = output.components(separatedBy: "\n\n").filter { !$0.isEmpty }.last ?? ""
        #expect(last.contains(dutch.text("helper_notes")), "\(last)")
        #expect(last.contains(dutch.text("safety") + ":"), "\(last)")
    }
}
