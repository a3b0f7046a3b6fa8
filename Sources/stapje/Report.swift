import ArgumentParser
import Foundation
import Logging
import StapjeKnowledge
import StapjeStore
import StapjeText

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A period's anonymous figures and the top unanswered questions, as text, CSV or HTML.",
        discussion: """
            Reads the statistics the server and the kiosk keep in the data directory (docs/PRIVACY.md, "What is \
            kept, and for how long"). A month for the coordinator in one command: \
            `stapje report --month 2026-11 --format html -o november.html`. Without a period: the current month. \
            Opening the store also counts newly closed handoffs and applies the retention purge.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case csv
        case html
    }

    @Option(name: .long, help: "The data directory (default: $XDG_STATE_HOME/stapje, else ~/.local/state/stapje).")
    var dataDir: String?

    @Option(name: .long, help: "The first day, YYYY-MM-DD (with --to).")
    var from: String?

    @Option(name: .long, help: "The last day, YYYY-MM-DD, included (with --from).")
    var to: String?

    @Option(name: .long, help: "A calendar month, YYYY-MM.")
    var month: String?

    @Option(name: .long, help: "Only this site (as kiosks and clients name it). Default: every site.")
    var site: String?

    @Option(name: .long, help: "text, csv or html.")
    var format: Format = .text

    @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "How many unanswered questions to list.")
    var questions = 20

    @Option(name: .long, help: "The language of the topic titles (nl, fr, en).")
    var lang = "nl"

    @Option(name: .long, help: "The content directory the topic titles come from. Default: the bundled content.")
    var content: String?

    func validate() throws {
        if month != nil && (from != nil || to != nil) {
            throw ValidationError("give either --month or --from and --to, not both")
        }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        guard Language(code: lang) != nil else { throw ValidationError("--lang: use nl, fr or en") }
        guard questions >= 0 else { throw ValidationError("--questions must be 0 or more") }
        _ = try period()
    }

    func period() throws -> ReportPeriod {
        do {
            if let month { return try ReportPeriod(month: month) }
            if let from, let to { return try ReportPeriod(from: from, to: to) }
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
        return ReportPeriod.month(of: Date(), timeZone: StatisticsPolicy().timeZone)
    }

    func run() throws {
        // Standard output is the report: anything the store has to say goes to standard error.
        var logger = Logger(label: "stapje.report") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let directory = DataDirectory.resolve(dataDir, environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(StoreDatabase.fileName).path)
        else {
            throw ValidationError(
                "no Stapje store in \(directory.path): run the server or the kiosk with statistics there first, "
                    + "or pass --data-dir")
        }
        let database = try StoreDatabase.open(directory: directory, logger: logger)
        _ = try Statistics(database: database, logger: logger, at: Date())
        let report = try InsightsReport.load(from: database, period: try period(), site: site, questionLimit: questions)
        let titles = Self.titles(content: content, language: Language(code: lang) ?? .nl)
        let text =
            switch format {
            case .text: ReportText(titles: titles).render(report)
            case .csv: ReportCSV().render(report)
            case .html: ReportHTML(titles: titles).render(report)
            }
        try CommandOutput.write(text, to: output)
    }

    /// Topic titles from the content, or none when it cannot be read (the ids are shown anyway).
    static func titles(content: String?, language: Language) -> [String: String] {
        let bundle = ContentLoader(root: ContentLocator.resolve(content)).load().bundle
        var titles: [String: String] = [:]
        for (id, answers) in bundle.answers {
            if let title = (answers[language] ?? answers.values.first)?.title { titles[id] = title }
        }
        return titles
    }
}
