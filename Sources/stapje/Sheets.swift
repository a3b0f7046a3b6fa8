import ArgumentParser
import Foundation
import StapjeEngine
import StapjeKnowledge
import StapjeSheets
import StapjeText

// The helper's commands (issue 9): find a topic in two commands, print its sheet or the whole booklet.

struct Topics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List every topic, grouped by category, with its id and title.")

    @OptionGroup var contentOptions: ContentOptions

    @Option(name: .long, help: "The language of the titles and category names (nl, fr, en).")
    var lang = "nl"

    func validate() throws {
        _ = try SheetOptions.language(lang)
    }

    func run() throws {
        let bundle = try contentOptions.bundle()
        let catalog = Catalog(bundle, language: try SheetOptions.language(lang))
        print(TextSheet(width: SheetOptions.terminalWidth()).render(catalog), terminator: "")
    }
}

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find topics from a few words: the engine's ranking, with the reason for each (as `why` shows).",
        discussion: """
            Ranks content topics only, and lists the best ones even when the assistant would say it does not \
            understand. Then print one with `stapje sheet ID`.
            """)

    @OptionGroup var contentOptions: ContentOptions

    @Option(name: .long, help: "The language of the words (nl, fr, en). Default: detected.")
    var lang: String?

    @Argument(help: "A few words about the topic.")
    var words: [String]

    func validate() throws {
        _ = try lang.map(SheetOptions.language)
    }

    func run() throws {
        let bundle = try contentOptions.bundle()
        let language = try lang.map(SheetOptions.language)
        // The engine over content topics only: the five places it ranks all go to topics a sheet exists for.
        var topics = bundle
        topics.intents = bundle.intents.mapValues { rules in rules.filter { bundle.isTopic($0.id) } }
        let query = words.joined(separator: " ")
        let result = Matcher(bundle: topics).match(
            query, context: MatchContext(language: language, explicitLanguage: language != nil))
        let candidates = result.explanation.candidates
        guard !candidates.isEmpty else {
            let code = result.language.rawValue
            print("No topic shares a word with \"\(query)\". List them all: stapje topics --lang \(code)")
            throw ExitCode.failure
        }
        print("Topics for \"\(query)\" (\(result.language.rawValue)), best first:")
        for line in Explainer.describe(result) {
            print(Self.titled(line, candidates: candidates, bundle: bundle, language: result.language))
        }
        print("Print one: stapje sheet \(candidates[0].id) --lang \(result.language.rawValue)")
    }

    /// Adds the topic's title to the line that starts a candidate in the explanation ("1. jobs.cv  score 0.83").
    static func titled(_ line: String, candidates: [Candidate], bundle: ContentBundle, language: Language) -> String {
        for (rank, candidate) in candidates.enumerated() where line.hasPrefix("\(rank + 1). \(candidate.id)  score ") {
            let title = bundle.answer(candidate.id, language: language)?.title ?? candidate.id
            return line + "  \"\(title)\""
        }
        return line
    }
}

struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "Print a topic's whole answer for helpers, or with --all the booklet of every topic.",
        discussion: """
            A sheet shows the short answer, what you need, all steps, every region variant (or only the one for \
            --region), what to do when it does not work, safety, the helper notes, related topics, sources and \
            the last-checked date. `stapje sheet --all --format html -o booklet.html` makes a self-contained, \
            printable booklet: a cover, the contents by category, and every topic starting on a new printed page.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case markdown
        case html
    }

    @OptionGroup var contentOptions: ContentOptions

    @Option(name: .long, help: "The language (nl, fr, en).")
    var lang = "nl"

    @Option(name: .long, help: "Only this region's version (VL, BXL, WAL, FR). Default: every region variant.")
    var region: String?

    @Option(name: .long, help: "text, markdown or html. Default: text for one topic, html with --all.")
    var format: Format?

    @Option(name: .long, help: "The width of text, in characters. Default: the terminal's, else 80.")
    var width: Int?

    @Flag(name: .long, help: "Every topic: the booklet.")
    var all = false

    @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
    var output: String?

    @Argument(help: "The topic id, e.g. jobs.cv (see `stapje topics`).")
    var topic: String?

    func validate() throws {
        if all && topic != nil { throw ValidationError("give a topic id or --all, not both") }
        if !all && topic == nil {
            throw ValidationError("give a topic id (see `stapje topics`), or --all for the booklet")
        }
        if let width, width < TextSheet.minimumWidth {
            throw ValidationError("--width must be at least \(TextSheet.minimumWidth)")
        }
        _ = try SheetOptions.language(lang)
        _ = try region.map(SheetOptions.region)
    }

    func run() throws {
        let bundle = try contentOptions.bundle()
        let language = try SheetOptions.language(lang)
        let region = try region.map(SheetOptions.region)
        let text = TextSheet(width: width ?? (output == nil ? SheetOptions.terminalWidth() : 80))
        let rendered: String
        if let topic {
            let sheet = try Sheet(topic: topic, in: bundle, language: language, region: region)
            switch format ?? .text {
            case .text: rendered = text.render(sheet)
            case .markdown: rendered = MarkdownSheet().render(sheet)
            case .html: rendered = HTMLSheet().render(sheet)
            }
        } else {
            let booklet = Booklet(bundle, language: language, region: region, date: SheetOptions.today())
            if !booklet.missing.isEmpty {
                SheetOptions.note(
                    "left out, no answer in \(language.rawValue) yet: \(booklet.missing.joined(separator: ", "))")
            }
            switch format ?? .html {
            case .text:
                rendered = booklet.sheets.map(text.render).joined(separator: "\n\u{0C}\n")
            case .markdown: rendered = MarkdownSheet().render(booklet)
            case .html: rendered = HTMLSheet().render(booklet)
            }
        }
        try CommandOutput.write(rendered, to: output)
    }
}

/// What the helper's commands share.
enum SheetOptions {
    static func language(_ code: String) throws -> Language {
        guard let language = Language(code: code) else {
            throw ValidationError("unknown language '\(code)': use nl, fr or en")
        }
        return language
    }

    static func region(_ code: String) throws -> Region {
        guard let region = Region(code: code) else {
            throw ValidationError("unknown region '\(code)': use VL, BXL, WAL or FR")
        }
        return region
    }

    /// The terminal's width when standard output is one, else `$COLUMNS`, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }

    /// Today's date, `YYYY-MM-DD`, for the booklet's cover.
    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("note: " + message + "\n").utf8))
    }
}

extension ContentOptions {
    /// Loads the content without compiling the matcher (listing and printing need no matching).
    func bundle() throws -> ContentBundle {
        let root = ContentLocator.resolve(content)
        let loaded = ContentLoader(root: root).load()
        guard !loaded.bundle.topics.isEmpty || !loaded.bundle.answers.isEmpty else {
            let first = loaded.diagnostics.first { $0.severity == .error }
            throw SheetError("no topics in \(root): \(first?.description ?? "run `stapje check --content \(root)`")")
        }
        return loaded.bundle
    }
}
