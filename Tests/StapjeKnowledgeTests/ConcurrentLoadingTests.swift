import Foundation
import Testing

@testable import StapjeKnowledge

/// Files are read on every core: the result must be the one a single thread gives, whatever finishes first.
struct ConcurrentLoadingTests {
    static var brokenRoot: String {
        Bundle.module.url(forResource: "Fixtures/broken", withExtension: nil)!.path
    }

    @Test(arguments: [ContentLocator.bundled, brokenRoot])
    func concurrentLoadingGivesWhatASingleThreadGives(root: String) {
        let loader = ContentLoader(root: root)
        let serial = loader.load(concurrently: false)
        for _ in 0..<3 {
            let concurrent = loader.load(concurrently: true)
            #expect(concurrent.diagnostics == serial.diagnostics)
            #expect(Self.summary(concurrent.bundle) == Self.summary(serial.bundle))
        }
    }

    @Test func aBrokenFileAmongManyIsReportedAtItsLineAndTheOthersStillLoad() throws {
        let root = try Self.makeContent(intents: 40, brokenAt: 17)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let loaded = ContentLoader(root: root).load()
        let broken = "intents/nl/topic.t17.yaml"
        #expect(loaded.diagnostics.map(\.location.description) == ["\(broken):5"])
        #expect(loaded.diagnostics.first?.message.contains("not valid YAML") == true)
        let ids = loaded.bundle.intents[.nl]?.map(\.id) ?? []
        #expect(ids.count == 39)
        #expect(ids == ids.sorted())
        #expect(!ids.contains("topic.t17"))
        #expect(
            loaded.bundle.intents[.nl]?.first?.examples.first?.location.description == "intents/nl/topic.t00.yaml:3")
    }

    @Test func aConceptDefinedTwiceIsReportedInTheLaterFileWhateverTheThreads() throws {
        let root = try Self.makeContent(intents: 0, brokenAt: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for letter in ["a", "b", "c"] {
            try "concepts:\n  phone: [gsm, smartphone]\n  \(letter)-only: [woord]\n".write(
                toFile: root + "/intents/nl/_concepts-\(letter).yaml", atomically: true, encoding: .utf8)
        }
        let loaded = ContentLoader(root: root).load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "intents/nl/_concepts-b.yaml:2: error: the concept 'phone' is already defined at "
                    + "intents/nl/_concepts-a.yaml:2; use that one or rename this one",
                "intents/nl/_concepts-c.yaml:2: error: the concept 'phone' is already defined at "
                    + "intents/nl/_concepts-a.yaml:2; use that one or rename this one",
            ])
        #expect(loaded.bundle.concepts[.nl]?.keys.sorted() == ["a-only", "b-only", "c-only", "phone"])
    }

    /// A content directory with `intents` Dutch intent files; in the one numbered `brokenAt`, the quote opened on
    /// line 4 is never closed (the YAML parser reports it at the end of the file, line 5).
    static func makeContent(intents: Int, brokenAt: Int?) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-load-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/faq", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/intents/nl", withIntermediateDirectories: true)
        try "languages: [nl]\ntopics: []\n".write(toFile: root + "/faq/topics.yaml", atomically: true, encoding: .utf8)
        for number in 0..<intents {
            let id = "topic.t" + (number < 10 ? "0" : "") + "\(number)"
            let last = number == brokenAt ? "  - \"not closed" : "  - vraag nummer \(number)"
            try "intent: \(id)\nexamples:\n  - een vraag\n\(last)\n".write(
                toFile: root + "/intents/nl/\(id).yaml", atomically: true, encoding: .utf8)
        }
        return root
    }

    /// Everything a bundle holds, as text in a fixed order.
    static func summary(_ bundle: ContentBundle) -> [String] {
        var lines: [String] = []
        lines.append("\(bundle.languages) \(bundle.topics) \(bundle.conversationIntents)")
        for id in bundle.answers.keys.sorted() {
            for (language, answer) in bundle.answers[id]!.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let parts = answer.sections.keys.map(\.rawValue).sorted().map { part in
                    let variants = answer.sections[AnswerPart(rawValue: part)!]!
                    return variants.map { "\($0.key.map(\.description) ?? "-"): \($0.value)" }.sorted()
                }
                lines.append(
                    "\(id) \(language) \(answer.title) \(answer.related) \(answer.lastChecked ?? "-") "
                        + "\(answer.sources) \(answer.location) \(parts)")
            }
        }
        for language in bundle.intents.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for rules in bundle.intents[language]! {
                lines.append(
                    "\(language) \(rules.id) \(rules.location) \(rules.whole) \(rules.keywords) \(rules.exclude) "
                        + "\(rules.patterns) \(rules.examples) \(rules.matchTests) \(rules.fallbackTests)")
            }
        }
        for language in bundle.concepts.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for (name, set) in bundle.concepts[language]!.sorted(by: { $0.key < $1.key }) {
                lines.append("\(language) \(name) \(set.phrases) \(set.location)")
            }
        }
        for (language, questions) in bundle.outOfScope.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("\(language) out of scope \(questions)")
        }
        for (language, messages) in bundle.messages.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for key in messages.values.keys.sorted() {
                let value = canonical(messages.values[key]!)
                lines.append("\(language) \(key) \(value) \(messages.locations[key].map(\.description) ?? "-")")
            }
        }
        return lines
    }

    /// A message value as text, tables in key order (a dictionary prints in no fixed order).
    static func canonical(_ value: MessageValue) -> String {
        switch value {
        case .text(let text): "text \(text)"
        case .list(let items): "list \(items)"
        case .table(let table):
            "table " + table.keys.sorted().map { "\($0): \(canonical(table[$0]!))" }.joined(separator: ", ")
        }
    }
}
