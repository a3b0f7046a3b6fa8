import StapjeCore
public import StapjeKnowledge
public import StapjeText

/// What tab completes: the slash commands (with their arguments) and the topic titles.
public struct CompletionList: Sendable {
    /// Every command as typed, sorted: `/volgende`, `/taal nl`, `/region BXL`...
    public let commands: [String]
    /// The topic titles in each language, sorted.
    public let titles: [Language: [String]]

    /// Builds the list from the core's commands, the face's own commands and the content's titles.
    public init(content: ContentBundle, faceCommands: [String]) {
        var commands: [String] = faceCommands
        for (word, command) in Conversation.commands {
            switch command {
            case .language: commands += Language.allCases.map { "/\(word) \($0.rawValue)" }
            case .region: commands += Region.allCases.map { "/\(word) \($0.rawValue)" }
            default: commands.append("/" + word)
            }
        }
        self.commands = commands.sorted()
        var titles: [Language: [String]] = [:]
        for (_, answers) in content.answers {
            for (language, answer) in answers where content.isTopic(answer.id) {
                titles[language, default: []].append(answer.title)
            }
        }
        self.titles = titles.mapValues { $0.sorted() }
    }

    /// The completions for `typed` (the line before the cursor), ignoring case and accents.
    ///
    /// A line starting with `/` completes commands. Otherwise titles with a word that starts with what was typed
    /// (`sollic` finds "Online solliciteren"): in `language` for an empty line or a `locked` language (the
    /// person chose it, so titles in others would not be understood), else in every language.
    public func matches(for typed: String, language: Language, locked: Bool = false) -> [String] {
        let folded = TextFolding.fold(typed)
        if typed.hasPrefix("/") {
            return commands.filter { TextFolding.fold($0).hasPrefix(folded) }
        }
        if typed.trimmingSpaces().isEmpty { return titles[language] ?? [] }
        var seen = Set<String>()
        let languages = locked ? [language] : Language.allCases
        return languages.flatMap { titles[$0] ?? [] }.filter {
            Self.hasWord(startingWith: folded, in: TextFolding.fold($0)) && seen.insert($0).inserted
        }
    }

    static func hasWord(startingWith prefix: String, in title: String) -> Bool {
        if title.hasPrefix(prefix) { return true }
        var rest = Substring(title)
        while let space = rest.firstIndex(where: { !$0.isLetter && !$0.isNumber }) {
            rest = rest[rest.index(after: space)...]
            if rest.hasPrefix(prefix) { return true }
        }
        return false
    }
}
