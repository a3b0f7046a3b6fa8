import Foundation
import StapjeKnowledge
import StapjeText

/// The words of the content's messages that the conversation compares with what a person typed, folded once
/// when the conversation is built instead of on every message.
struct ConversationLexicon: Sendable {
    /// "ja", "oui", "yes"... per language.
    let yes: [Language: Set<String>]
    /// "nee", "non", "no"... per language.
    let no: [Language: Set<String>]
    /// Every region with the names that mean it, in a fixed order (messages by language, regions by code): the
    /// first region named wins.
    let regions: [(region: Region, names: [String])]
    /// Every region with the names of its own public services ("forem", "de lijn", "france travail"), each as its
    /// folded words, in the same order: a question that names one is about that region.
    let services: [(region: Region, names: [[String]])]
    /// Every language with the names that mean it, in the same kind of order.
    let languages: [(language: Language, names: [String])]
    /// Every name of a language, in any language ("frans", "anglais", "dutch").
    let languageNames: Set<String>
    /// The names of the topic categories shown after a miss, per language, in curriculum order.
    let categories: [Language: [String]]
    /// The words of a request for a numbered step ("stap 3", "la dernière étape").
    let steps: StepRequests

    init(content: ContentBundle) {
        var yes: [Language: Set<String>] = [:]
        var no: [Language: Set<String>] = [:]
        var regions: [(Region, [String])] = []
        var services: [(Region, [[String]])] = []
        var languages: [(Language, [String])] = []
        var categories: [Language: [String]] = [:]
        for messages in content.messages.values.sorted(by: { $0.language < $1.language }) {
            yes[messages.language] = Set(messages.list("yes_words").map(TextFolding.fold))
            no[messages.language] = Set(messages.list("no_words").map(TextFolding.fold))
            for (code, value) in messages.table("region_words").sorted(by: { $0.key < $1.key }) {
                guard case .list(let names) = value, let region = Region(code: code) else { continue }
                regions.append((region, names.map(TextFolding.fold)))
            }
            for (code, value) in messages.table("service_words").sorted(by: { $0.key < $1.key }) {
                guard case .list(let names) = value, let region = Region(code: code) else { continue }
                services.append((region, names.map { Tokenizer().tokens($0).map(\.folded) }.filter { !$0.isEmpty }))
            }
            for (code, value) in messages.table("language_words").sorted(by: { $0.key < $1.key }) {
                guard case .list(let names) = value, let language = Language(code: code) else { continue }
                languages.append((language, names.map(TextFolding.fold)))
            }
        }
        for language in Language.allCases {
            let table = content.words(language).table("categories")
            var seen = Set<String>()
            categories[language] = content.topics.compactMap { topic in
                guard topic.category != "helper", seen.insert(topic.category).inserted else { return nil }
                if case .text(let name) = table[topic.category] { return name }
                return nil
            }
        }
        self.yes = yes
        self.no = no
        self.regions = regions
        self.services = services
        self.languages = languages
        self.languageNames = Set(languages.flatMap(\.1))
        self.categories = categories
        self.steps = StepRequests(content: content)
    }
}
