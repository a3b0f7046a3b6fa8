import ArgumentParser
import Foundation
import StapjeCore
import StapjeEngine
import StapjeKnowledge
import StapjeText

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the engine on a test set (lines `lang<TAB>expected<TAB>text`, or `text<TAB>intent`).",
        discussion: """
            Expected `none` or `oos` means out of scope; `a|b` accepts either id. Prints in-scope accuracy, \
            out-of-scope recall, the confidently-wrong rate, the clarify rate, figures per language, and the misses.
            """)

    @OptionGroup var contentOptions: ContentOptions

    @Option(name: .long, help: "Build the engine from these labelled examples (`text<TAB>intent`) instead of content.")
    var examples: String?

    @Flag(name: .long, help: "Print JSON: the summary, then one record per line of the set.")
    var json = false

    @OptionGroup var thresholds: ThresholdOptions

    @Argument(help: "The test set.")
    var file: String

    struct Line {
        var language: String
        var expected: [String]
        var text: String
        var outOfScope: Bool { expected.contains("none") || expected.contains("oos") }
    }

    struct Record: Encodable {
        var input: String
        var language: String
        var expected: String
        var got: String?
        var kind: String
        var confidence: Double
        var outcome: String
    }

    struct Tally: Encodable {
        var lines = 0
        var inScope = 0
        var correct = 0
        var outOfScope = 0
        var outOfScopeFallback = 0
        var confidentlyWrong = 0
        var clarified = 0
        var inScopeAccuracy: Double { inScope == 0 ? 0 : Double(correct) / Double(inScope) }
        var outOfScopeRecall: Double { outOfScope == 0 ? 0 : Double(outOfScopeFallback) / Double(outOfScope) }
        var confidentlyWrongRate: Double { lines == 0 ? 0 : Double(confidentlyWrong) / Double(lines) }
        var clarifyRate: Double { lines == 0 ? 0 : Double(clarified) / Double(lines) }

        enum CodingKeys: String, CodingKey {
            case lines, inScope, correct, outOfScope, outOfScopeFallback, confidentlyWrong, clarified
            case inScopeAccuracy, outOfScopeRecall, confidentlyWrongRate, clarifyRate
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(lines, forKey: .lines)
            try container.encode(inScope, forKey: .inScope)
            try container.encode(correct, forKey: .correct)
            try container.encode(outOfScope, forKey: .outOfScope)
            try container.encode(outOfScopeFallback, forKey: .outOfScopeFallback)
            try container.encode(confidentlyWrong, forKey: .confidentlyWrong)
            try container.encode(clarified, forKey: .clarified)
            try container.encode(inScopeAccuracy, forKey: .inScopeAccuracy)
            try container.encode(outOfScopeRecall, forKey: .outOfScopeRecall)
            try container.encode(confidentlyWrongRate, forKey: .confidentlyWrongRate)
            try container.encode(clarifyRate, forKey: .clarifyRate)
        }
    }

    static func read(_ path: String) throws -> [Line] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var lines: [Line] = []
        for raw in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = raw.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields.count >= 3 {
                if fields[0] == "lang" && fields[1] == "expected" { continue }
                lines.append(
                    Line(
                        language: fields[0], expected: fields[1].split(separator: "|").map(String.init), text: fields[2]
                    ))
            } else if fields.count == 2 {
                lines.append(Line(language: "en", expected: [fields[1]], text: fields[0]))
            }
        }
        return lines
    }

    func run() throws {
        let matcher: Matcher
        if let examples {
            matcher = Matcher(bundle: try ExampleSet.bundle(from: examples), configuration: thresholds.configuration)
        } else {
            matcher = Matcher(bundle: try contentOptions.load().content, configuration: thresholds.configuration)
        }
        var total = Tally()
        var perLanguage: [String: Tally] = [:]
        var records: [Record] = []
        for line in try Self.read(file) {
            let result = matcher.match(line.text)
            let got = result.kind == .fallback ? nil : result.intent
            let outcome: String
            if line.outOfScope {
                outcome = result.kind == .answer ? "wrong" : (result.kind == .fallback ? "correct" : "clarify")
            } else if result.kind == .answer {
                outcome = line.expected.contains(result.intent ?? "") ? "correct" : "wrong"
            } else {
                outcome = result.kind == .clarify ? "clarify" : "fallback"
            }
            for key in ["all", line.language] {
                var tally = key == "all" ? total : perLanguage[key, default: Tally()]
                tally.lines += 1
                if line.outOfScope {
                    tally.outOfScope += 1
                    if result.kind == .fallback { tally.outOfScopeFallback += 1 }
                } else {
                    tally.inScope += 1
                    if outcome == "correct" { tally.correct += 1 }
                }
                if outcome == "wrong" { tally.confidentlyWrong += 1 }
                if result.kind == .clarify { tally.clarified += 1 }
                if key == "all" { total = tally } else { perLanguage[key] = tally }
            }
            records.append(
                Record(
                    input: line.text, language: line.language, expected: line.expected.joined(separator: "|"),
                    got: got, kind: result.kind.rawValue, confidence: (result.confidence * 1000).rounded() / 1000,
                    outcome: outcome))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            struct Summary: Encodable {
                var summary: Tally
                var languages: [String: Tally]
            }
            print(String(decoding: try encoder.encode(Summary(summary: total, languages: perLanguage)), as: UTF8.self))
            for record in records { print(String(decoding: try encoder.encode(record), as: UTF8.self)) }
            return
        }
        func row(_ name: String, _ tally: Tally) -> String {
            let columns = [
                name.padding(toLength: 5, withPad: " ", startingAt: 0),
                String(format: "%5d", tally.lines),
                String(format: "%13.1f%%", tally.inScopeAccuracy * 100),
                String(format: "%13.1f%%", tally.outOfScopeRecall * 100),
                String(format: "%16.1f%%", tally.confidentlyWrongRate * 100),
                String(format: "%9.1f%%", tally.clarifyRate * 100),
            ]
            return columns.joined(separator: " ")
        }
        print("lang  lines in-scope acc. out-of-scope rec. confidently wrong  clarify")
        print(row("all", total))
        for key in perLanguage.keys.sorted() { print(row(key, perLanguage[key]!)) }
        let misses = records.filter { $0.outcome != "correct" }
        if !misses.isEmpty {
            print("\nmisses (\(misses.count)):")
            for miss in misses.sorted(by: { ($0.outcome, $0.language) > ($1.outcome, $1.language) }) {
                let got = miss.got ?? "-"
                print(
                    "  \(miss.outcome.padding(toLength: 8, withPad: " ", startingAt: 0)) \(miss.language) expected \(miss.expected), got \(got) (\(miss.kind) \(miss.confidence)): \(miss.input)"
                )
            }
        }
    }
}
