import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine
import StapjeKnowledge
import StapjeText

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
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

/// The `ask --json` contract: one object per question. Field names are stable; new fields may be added.
struct AskJSON: Encodable {
    struct AnswerJSON: Encodable {
        var id: String
        var title: String
        var summary: String
        var youNeed: [String]
        var steps: [String]
        var ifNotWorking: String
        var safety: String?
        var helperNotes: [String]
        var related: [String]
        var sources: [String]
        var lastChecked: String?
        var region: String
        var position: Reply.Position?
        var stepsShown: [String]
    }

    var input: String
    var kind: String
    var intent: String?
    var confidence: Double
    var language: String
    var region: String
    var alternatives: [String]
    var texts: [String]
    var options: [Reply.Option]
    var answer: AnswerJSON?
    var explain: Explanation?

    init(input: String, reply: Reply) {
        self.input = input
        self.kind = reply.kind == .step ? "answer" : reply.kind.rawValue
        self.intent = reply.intent
        self.confidence = (reply.confidence * 1000).rounded() / 1000
        self.language = reply.language.rawValue
        self.region = reply.region.rawValue
        self.alternatives = reply.kind == .clarify ? reply.options.map(\.id) : []
        self.texts = reply.texts
        self.options = reply.options
        self.answer = reply.answer.map { view in
            AnswerJSON(
                id: view.id, title: view.title, summary: view.summary, youNeed: view.youNeed, steps: view.steps,
                ifNotWorking: view.ifNotWorking, safety: view.safety, helperNotes: view.helperNotes,
                related: view.related.map(\.id), sources: view.sources, lastChecked: view.lastChecked,
                region: view.region.rawValue, position: reply.position, stepsShown: reply.steps)
        }
        self.explain = reply.match?.explanation
    }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
