import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine
import StapjeKnowledge
import StapjeText

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer one question (or one per line from standard input with --json).",
        discussion: """
            With --json, prints one JSON object per question: input, kind (answer, clarify, fallback, handoff, \
            chat), intent, confidence, language, alternatives, answer, explain. See docs/CLI.md.
            """)

    @OptionGroup var contentOptions: ContentOptions
    @OptionGroup var locale: LocaleOptions

    @Flag(name: .long, help: "Print JSON (one object per line).")
    var json = false

    @Option(name: .long, help: "Build the engine from example sentences (lines `text<TAB>intent`) instead of content.")
    var examples: String?

    @Argument(help: "The question. Without it, questions are read from standard input, one per line.")
    var text: [String] = []

    func run() throws {
        let conversation: Conversation
        if let examples {
            conversation = Conversation(content: try ExampleSet.bundle(from: examples))
        } else {
            conversation = try contentOptions.load()
        }
        let session = try locale.session()
        let renderer = ReplyText(content: conversation.content)
        func answer(_ question: String) {
            let (_, reply) = conversation.respond(to: question, in: session, at: Date())
            if json {
                print(AskJSON(input: question, reply: reply).encoded())
            } else {
                print(renderer.lines(reply).joined(separator: "\n"))
            }
        }
        if !text.isEmpty {
            answer(text.joined(separator: " "))
        } else if isatty(STDIN_FILENO) == 0 {
            while let line = readLine(strippingNewline: true) {
                answer(line)
                fflush(nil)
            }
        } else {
            throw ValidationError("give a question, e.g. stapje ask \"hoe solliciteer ik online\"")
        }
    }
}
