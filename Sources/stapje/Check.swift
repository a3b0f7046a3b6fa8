import ArgumentParser
import Foundation
import StapjeEngine
import StapjeKnowledge

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the content: syntax, ids, languages, links, plain-language limits, conflicts and tests.",
        discussion: "Prints every problem as file:line: message. Exits 0 only when there is none.")

    @Option(name: .long, help: "The content directory. Default: the bundled content.")
    var content: String?

    @Flag(name: .long, help: "Exit 0 when there are warnings but no errors.")
    var allowWarnings = false

    func run() throws {
        let root = ContentLocator.resolve(content)
        let report = ContentChecker(root: root).run()
        for diagnostic in report.diagnostics { print(diagnostic) }
        let topics = report.bundle.topics.count
        let intents = report.bundle.intents.values.map(\.count).reduce(0, +)
        let summary =
            "\(root): \(topics) topics, \(intents) intent files, \(report.testsRun) test sentences; "
            + Self.count(report.errors.count, "error") + ", " + Self.count(report.warnings.count, "warning")
        if report.errors.isEmpty && (report.warnings.isEmpty || allowWarnings) {
            print("OK " + summary)
        } else {
            print("FAILED " + summary)
            throw ExitCode.failure
        }
    }

    /// "1 error", "2 errors".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)" + (number == 1 ? "" : "s")
    }
}
