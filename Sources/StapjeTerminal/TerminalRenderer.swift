public import StapjeCore
public import StapjeKnowledge
public import StapjeText

/// Renders replies for a terminal: the lines of ``ReplyText``, wrapped to the width and emphasised by a style.
public struct TerminalRenderer: Sendable {
    /// The content, for the words in each language.
    public let content: ContentBundle
    /// Emphasis (plain on a pipe or with `NO_COLOR`).
    public var style: TerminalStyle
    /// The width to wrap to, in columns.
    public var width: Int
    /// Show the helper notes (helper mode).
    public var showHelperNotes: Bool

    /// The widest a line gets, even on a wide screen: long lines are hard to follow.
    public static let maximumWidth = 100

    /// Creates a renderer.
    public init(content: ContentBundle, style: TerminalStyle, width: Int, showHelperNotes: Bool = false) {
        self.content = content
        self.style = style
        self.width = width
        self.showHelperNotes = showHelperNotes
    }

    /// The reply as terminal text, one string per screen line.
    public func render(_ reply: Reply) -> [String] {
        let plain = ReplyText(content: content, showHelperNotes: showHelperNotes).lines(reply)
        let labels = Labels(
            words: content.words(reply.language), position: reply.position.map { ($0.step, $0.total) },
            hints: reply.hints)
        return render(plain, labels: labels, title: reply.answer?.title)
    }

    /// Lines a server rendered with ``ReplyText`` (hub mode), wrapped and emphasised as ``render(_:)`` does.
    ///
    /// - Parameters:
    ///   - position: the step shown, from the reply's `step=n/total`.
    ///   - titled: true when the first line is an answer's title.
    public func render(lines plain: [String], language: Language, position: (step: Int, total: Int)?, titled: Bool)
        -> [String]
    {
        let labels = Labels(words: content.words(language), position: position, hints: [])
        return render(plain, labels: labels, title: titled ? plain.first : nil)
    }

    private func render(_ plain: [String], labels: Labels, title: String?) -> [String] {
        var lines: [String] = []
        for (index, line) in plain.enumerated() {
            let emphasis = labels.emphasis(of: line, isFirst: index == 0, title: title)
            for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += emphasise(wrapper.wrap(String(part)), emphasis)
            }
        }
        return lines
    }

    /// The welcome: in full in the session's language, then its first line and how to ask for a person in the
    /// other languages, so everyone sees they can write in their own.
    public func welcome(_ conversation: Conversation, session: Session) -> [String] {
        var full = conversation.welcome(session)
        var lines = greeting(&full)
        lines += render(full)
        for language in Language.allCases where language != session.language && content.messages[language] != nil {
            var other = session
            other.language = language
            var short = conversation.welcome(other)
            lines.append("")
            lines += greeting(&short)
            lines += short.hints.flatMap { emphasise(wrapper.wrap($0), .hint) }
        }
        return lines
    }

    /// The first line of a welcome, in bold; removed from `welcome`.
    private func greeting(_ welcome: inout Reply) -> [String] {
        guard let text = welcome.texts.first else { return [] }
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        welcome.texts[0] = parts.count > 1 ? String(parts[1]) : ""
        if welcome.texts[0].isEmpty { welcome.texts.removeFirst() }
        return emphasise(wrapper.wrap(String(parts[0])), .whole)
    }

    /// A short text of the face's own (an idle warning, a mode switch), wrapped.
    public func note(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrapper.wrap(String($0)) }
    }

    private var wrapper: TextWrapper { TextWrapper(width: min(width, Self.maximumWidth)) }

    enum Emphasis {
        case none, whole, number, label(Int), warningLabel(Int), hint
    }

    private func emphasise(_ lines: [String], _ emphasis: Emphasis) -> [String] {
        guard style.enabled else { return lines }
        switch emphasis {
        case .none:
            return lines
        case .whole:
            return lines.map { style.bold($0) }
        case .hint:
            return lines.map { style.hint($0) }
        case .number:
            return lines.enumerated().map { index, line in
                guard index == 0 else { return line }
                let marker = TextWrapper.hangingIndent(line)
                return style.bold(line.prefix(marker)) + line.dropFirst(marker)
            }
        case .label(let length), .warningLabel(let length):
            return lines.enumerated().map { index, line in
                guard index == 0, line.count >= length else { return line }
                let label = line.prefix(length)
                let styled = if case .warningLabel = emphasis { style.warning(label) } else { style.bold(label) }
                return styled + line.dropFirst(length)
            }
        }
    }

    /// The words of ``ReplyText``'s headings in the reply's language, to tell which line is which.
    private struct Labels {
        let headings: Set<String>
        let position: String?
        let safety: String
        let ifNotWorking: String
        let hints: Set<String>

        init(words: Messages, position: (step: Int, total: Int)?, hints: [String]) {
            headings = [
                words.text("you_need"), words.text("steps"), words.text("helper_notes"),
                words.text("all_steps_title"), words.text("followups"),
            ]
            self.position = position.map {
                words.text("step_position", ["n": "\($0.step)", "total": "\($0.total)"])
            }
            safety = ReplyText.label(words.text("safety"), language: words.language)
            ifNotWorking = words.text("if_not_working")
            self.hints = Set(hints)
        }

        func emphasis(of line: String, isFirst: Bool, title: String?) -> Emphasis {
            if isFirst, let title, line == title { return .whole }
            if line == position || headings.contains(line) { return .whole }
            if line.hasPrefix(safety + " ") { return .warningLabel(safety.count) }
            if line.hasPrefix(ifNotWorking + " ") { return .label(ifNotWorking.count) }
            if hints.contains(line) { return .hint }
            if TextWrapper.hangingIndent(line) > line.prefix(while: { $0 == " " }).count + 2 { return .number }
            return .none
        }
    }
}
