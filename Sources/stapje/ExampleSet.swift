import ArgumentParser
import Foundation
import StapjeKnowledge
import StapjeText

/// Builds an engine-only bundle from labelled sentences (`text<TAB>intent` per line), for benchmarks such as CLINC150.
enum ExampleSet {
    /// Lines labelled `oos` or `none` are out of scope and are not turned into intents.
    static let outOfScopeLabels: Set<String> = ["oos", "none"]

    static func bundle(from path: String, language: Language = .en) throws -> ContentBundle {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var examples: [String: [Located<String>]] = [:]
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            let text = String(fields[0])
            let label = String(fields[1]).trimmingCharacters(in: .whitespaces)
            guard !outOfScopeLabels.contains(label) else { continue }
            examples[label, default: []].append(Located(text, SourceLocation(file: path, line: number + 1)))
        }
        let rules = examples.keys.sorted().map { label in
            IntentRules(
                id: label, language: language, examples: examples[label] ?? [],
                location: SourceLocation(file: path, line: 0))
        }
        return ContentBundle(languages: [language], intents: [language: rules])
    }
}
