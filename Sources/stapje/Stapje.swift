import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine
import StapjeKnowledge
import StapjeText

/// Every command's configuration names it (`commandName`): without one, ArgumentParser derives the name from the
/// type's with `String(describing:)`, a search of the program's protocol conformances that cost about 0.4 million
/// instructions a call, some sixty calls at every start of the program.
@main
struct Stapje: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stapje",
        abstract: "Step-by-step help with phones, e-mail and online forms, in Dutch, French and English.",
        subcommands: [
            Chat.self, Ask.self, Why.self, Check.self, Eval.self, Bench.self, Topics.self, Search.self,
            SheetCommand.self, Serve.self, Load.self, HelperCommand.self, StoreProbe.self, Report.self, Desk.self,
        ],
        defaultSubcommand: Chat.self
    )
}

/// Options every command that reads content shares.
struct ContentOptions: ParsableArguments {
    @Option(name: .long, help: "The content directory (holding faq/ and intents/). Default: the bundled content.")
    var content: String?

    /// Loads and compiles the content, or fails with the checker's first errors. Content that loads with errors
    /// (a file that is not valid YAML, a pattern that does not compile) is used as far as it goes, with a warning
    /// on standard error: a topic whose file could not be read is simply missing, and a curator trying `why` or
    /// `ask` on it must know why.
    func load() throws -> Conversation {
        let root = ContentLocator.resolve(content)
        let loaded = ContentLoader(root: root).load()
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        if loaded.bundle.topics.isEmpty && loaded.bundle.intents.isEmpty {
            throw ValidationError(
                "no content in \(root): \(errors.first?.description ?? "run `stapje check --content \(root)`")")
        }
        let conversation = Conversation(content: loaded.bundle)
        let all = errors + conversation.matcher.diagnostics.filter { $0.severity == .error }
        if let first = all.first {
            FileHandle.standardError.write(
                Data(
                    ("stapje: warning: the content has \(Check.count(all.count, "error")), so some of it is missing "
                        + "(the first: \(first)); `stapje check --content \(root)` lists them\n").utf8))
        }
        return conversation
    }

    /// Loads the content and checks it fully (as `stapje check` does, test sentences too), or fails with its
    /// errors: the server starts only on content that its own reload (SIGHUP) would accept.
    func loadChecked() throws -> Conversation {
        let root = ContentLocator.resolve(content)
        let report = ContentChecker(root: root).run()
        let refusals = report.refusals(root: root)
        guard refusals.isEmpty else {
            let shown = refusals.prefix(5).map { "  \($0)\n" }.joined()
            FileHandle.standardError.write(
                Data(
                    ("stapje: the content in \(root) has \(Check.count(refusals.count, "error")); the server does "
                        + "not start on content that does not check. `stapje check --content \(root)` lists them all.\n"
                        + shown).utf8))
            throw ExitCode(ServeExit.contentRefused)
        }
        return Conversation(content: report.bundle, matcher: report.matcher)
    }
}

/// Language and region options.
struct LocaleOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Answer in this language (nl, fr, en). Default: detected per message.",
            discussion:
                "Until a message shows its language, a conversation leans to the region's: Dutch in VL, French in BXL, WAL and FR."
        ))
    var lang: String?

    @Option(name: .long, help: "The region whose answers to use: VL, BXL, WAL or FR. Default: $STAPJE_REGION, else VL.")
    var region: String?

    func language() throws -> Language? {
        guard let lang else { return nil }
        guard let language = Language(code: lang) else {
            throw ValidationError("unknown language '\(lang)': use nl, fr or en")
        }
        return language
    }

    func resolvedRegion() throws -> Region {
        let code = region ?? ProcessInfo.processInfo.environment["STAPJE_REGION"] ?? "VL"
        guard let region = Region(code: code) else {
            throw ValidationError("unknown region '\(code)': use VL, BXL, WAL or FR")
        }
        return region
    }

    func session() throws -> Session {
        let region = try resolvedRegion()
        var session = Session(language: try language() ?? region.usualLanguage, region: region)
        if try language() != nil { session.languageLocked = true }
        return session
    }
}

/// Overrides of the engine's decision thresholds, for measuring and tuning.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .long, help: "Answer at or above this score (default \(EngineConfiguration().answerThreshold)).")
    var answerThreshold: Double?

    @Option(name: .long, help: "Fall back below this score (default \(EngineConfiguration().clarifyThreshold)).")
    var fallbackThreshold: Double?

    @Option(
        name: .long,
        help:
            "Answer only when the runner-up has at most this share of the evidence (default \(EngineConfiguration().runnerUpRatio))."
    )
    var runnerUpRatio: Double?

    @Option(
        name: .long,
        help:
            "For intents defined by examples alone: answer at or above this score, else fall back (default \(EngineConfiguration().exampleOnlyThreshold))."
    )
    var exampleThreshold: Double?

    var configuration: EngineConfiguration {
        var configuration = EngineConfiguration()
        if let exampleThreshold { configuration.exampleOnlyThreshold = exampleThreshold }
        if let answerThreshold { configuration.answerThreshold = answerThreshold }
        if let fallbackThreshold { configuration.clarifyThreshold = fallbackThreshold }
        if let runnerUpRatio { configuration.runnerUpRatio = runnerUpRatio }
        return configuration
    }
}
