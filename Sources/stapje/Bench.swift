import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine
import StapjeKnowledge

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine: loading and compiling, match latency percentiles, resident memory.",
        discussion: "Build with -c release for meaningful figures. Prints figures; asserts nothing.")

    @OptionGroup var contentOptions: ContentOptions

    @Option(name: .long, help: "Build the engine from labelled examples (`text<TAB>intent`) instead of content.")
    var examples: String?

    @Option(name: .long, help: "How many times to run through the questions.")
    var rounds = 20

    @Flag(
        name: .long,
        help: "Time whole replies (Conversation.respond: privacy check, matching, rendering) instead of matching.")
    var conversation = false

    @Option(name: .long, help: "Also list the N slowest questions (median time of each).")
    var slowest = 0

    @Argument(help: "Questions to time (a test set in eval format, or one question per line).")
    var questions: String

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let start = DispatchTime.now()
        let bundle: ContentBundle
        if let examples {
            bundle = try ExampleSet.bundle(from: examples)
        } else {
            bundle = ContentLoader(root: ContentLocator.resolve(contentOptions.content)).load().bundle
        }
        let matcher = Matcher(bundle: bundle)
        let loadMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        let texts: [String]
        do {
            texts = try QuestionFile.questions(at: questions)
        } catch {
            throw ValidationError(error.description)
        }
        guard !texts.isEmpty else { throw ValidationError("no questions in \(questions)") }
        let replies = Conversation(content: bundle, matcher: matcher)
        var session = Session()
        let now = Date()
        let measure: (String) -> Void =
            conversation
            ? { text in session = replies.respond(to: text, in: session, at: now).0 }
            : { text in _ = matcher.match(text) }
        let latencies = Latencies(texts, rounds: rounds, measure)
        print(String(format: "load + compile: %.1f ms", loadMilliseconds))
        print(
            (conversation ? "reply" : "match") + " (\(texts.count) questions x \(rounds) rounds): " + latencies.summary)
        print("resident memory: " + (ResidentMemory.current()?.summary ?? "unknown"))
        let medians = latencies.perText.map { $0.sorted()[$0.count / 2] }
        for index in medians.indices.sorted(by: { medians[$0] > medians[$1] }).prefix(slowest) {
            print(String(format: "%9.1f µs  ", medians[index]) + texts[index])
        }
    }
}
