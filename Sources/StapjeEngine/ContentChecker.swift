public import StapjeKnowledge
import StapjeText

/// The full check behind `stapje check`: reading, structure, compiled rules, conflicts and test sentences.
public struct ContentChecker: Sendable {
    /// What the check found.
    public struct Report: Sendable {
        /// Every problem, sorted by file and line.
        public var diagnostics: [Diagnostic]
        /// The content, as far as it could be read.
        public var bundle: ContentBundle
        /// The compiled matcher (built even when there are problems, from what could be read).
        public var matcher: Matcher
        /// How many test sentences ran.
        public var testsRun: Int

        /// The errors.
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        /// The warnings.
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
        /// What keeps the content read from `root` from being served (by `stapje serve` at its start and at a
        /// reload): its errors, and no topics at all. Empty when it may be served.
        public func refusals(root: String) -> [String] {
            errors.map(\.description)
                + (bundle.topics.isEmpty ? ["\(root): no topics; is this a content directory?"] : [])
        }
    }

    /// The content directory.
    public let root: String
    /// The engine thresholds the tests run with.
    public let configuration: EngineConfiguration

    /// Creates a checker.
    public init(root: String, configuration: EngineConfiguration = EngineConfiguration()) {
        self.root = root
        self.configuration = configuration
    }

    /// Runs every check.
    public func run() -> Report {
        let loaded = ContentLoader(root: root).load()
        var diagnostics = loaded.diagnostics
        guard loaded.isContent else {
            return Report(
                diagnostics: diagnostics, bundle: loaded.bundle, matcher: Matcher(bundle: loaded.bundle), testsRun: 0)
        }
        diagnostics += ContentValidator.validate(loaded.bundle)
        let matcher = Matcher(bundle: loaded.bundle, configuration: configuration)
        diagnostics += matcher.diagnostics
        var testsRun = 0
        for language in loaded.bundle.languages {
            for rules in loaded.bundle.intents[language] ?? [] {
                let context = MatchContext(language: language, explicitLanguage: true)
                for example in rules.examples {
                    let result = matcher.match(example.value, context: context)
                    if result.kind == .answer, let winner = result.explanation.candidates.first, winner.id != rules.id {
                        let own = result.explanation.candidates.first { $0.id == rules.id }?.score ?? 0
                        diagnostics.append(
                            Diagnostic(
                                .warning, example.location,
                                "conflict: this example gets an answer from '\(winner.id)' (\(Self.format(winner.score)) against \(Self.format(own))); reword it or sharpen the rules"
                            ))
                    }
                }
                for test in rules.matchTests {
                    testsRun += 1
                    let result = matcher.match(test.value, context: MatchContext(language: language))
                    if MatchResult.isOutOfScope(rules.id) {
                        // An out-of-scope rule's match is a fallback that this rule caused.
                        if result.outOfScopeRule != rules.id {
                            diagnostics.append(
                                Diagnostic(
                                    .error, test.location,
                                    "test failed: expected a fallback from \(rules.id), got \(Self.describe(result)); run `stapje why` on it"
                                ))
                        }
                    } else if result.kind != .answer || result.intent != rules.id {
                        diagnostics.append(
                            Diagnostic(
                                .error, test.location,
                                "test failed: expected \(rules.id), got \(Self.describe(result)); run `stapje why` on it"
                            ))
                    }
                }
                for test in rules.fallbackTests {
                    testsRun += 1
                    let result = matcher.match(test.value, context: MatchContext(language: language))
                    if result.kind == .answer {
                        diagnostics.append(
                            Diagnostic(
                                .error, test.location,
                                "test failed: expected a fallback, got \(Self.describe(result)); "
                                    + Self.unwantedAnswerAdvice(result, language: language)))
                    }
                }
            }
            for test in loaded.bundle.outOfScope[language] ?? [] {
                testsRun += 1
                let result = matcher.match(test.value, context: MatchContext(language: language))
                if result.kind == .answer {
                    diagnostics.append(
                        Diagnostic(
                            .error, test.location,
                            "test failed: expected a fallback, got \(Self.describe(result)); "
                                + Self.unwantedAnswerAdvice(result, language: language)
                        ))
                }
            }
        }
        return Report(diagnostics: diagnostics.sorted(), bundle: loaded.bundle, matcher: matcher, testsRun: testsRun)
    }

    /// What to do about an answer a fallback test did not want: the fix is in the file of the intent that answered,
    /// not in the file of the test, unless that answer is now the right one.
    static func unwantedAnswerAdvice(_ result: MatchResult, language: Language) -> String {
        let file = "intents/\(language.rawValue)/\(result.intent ?? "?").yaml"
        return "add an exclude word to \(file) or narrow its rules (`stapje why` shows the line that gave it the "
            + "answer); if that answer is right, move this test"
    }

    static func describe(_ result: MatchResult) -> String {
        switch result.kind {
        case .answer: "an answer from \(result.intent ?? "?") (\(format(result.confidence)))"
        case .clarify: "a clarifying question (\(result.alternatives.joined(separator: ", ")))"
        case .fallback: "a fallback"
        }
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return "\(rounded)"
    }
}
