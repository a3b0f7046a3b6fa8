public import StapjeKnowledge

/// Renders a reply as plain lines of text, in its language: the shared base of every face.
///
/// Faces add what only they know: a terminal wraps and colours, the server frames lines with codes.
public struct ReplyText: Sendable {
    /// The content, for the headings and words in each language.
    public let content: ContentBundle
    /// Show the helper notes (helper mode and prompt sheets).
    public var showHelperNotes: Bool

    /// Creates a renderer.
    public init(content: ContentBundle, showHelperNotes: Bool = false) {
        self.content = content
        self.showHelperNotes = showHelperNotes
    }

    /// The reply as lines, without colours or wrapping.
    public func lines(_ reply: Reply) -> [String] {
        let words = content.words(reply.language)
        var lines: [String] = []
        var texts = reply.texts
        if reply.events.contains(.sensitiveDataWithheld), !texts.isEmpty {
            lines.append(texts.removeFirst())  // the privacy lesson comes before anything else, even an answer
        }
        if let answer = reply.answer {
            lines.append(answer.title)
            if !answer.summary.isEmpty { lines.append(answer.summary) }
        }
        lines += texts
        if let answer = reply.answer, !answer.youNeed.isEmpty {
            lines.append(words.text("you_need"))
            lines += answer.youNeed.map { "- " + $0 }
        }
        if !reply.steps.isEmpty, let position = reply.position {
            if reply.steps.count == 1 {
                lines.append(words.text("step_position", ["n": "\(position.step)", "total": "\(position.total)"]))
                lines.append("\(position.step). \(reply.steps[0])")
            } else {
                lines.append(words.text("steps"))
                let first = position.step - reply.steps.count + 1
                for (offset, step) in reply.steps.enumerated() { lines.append("\(first + offset). \(step)") }
            }
        }
        if let answer = reply.answer, reply.position.map({ $0.step == $0.total }) ?? true {
            if !answer.ifNotWorking.isEmpty {
                lines.append(words.text("if_not_working") + " " + answer.ifNotWorking)
            }
        }
        if let safety = reply.answer?.safety, !safety.isEmpty {
            lines.append(words.text("safety") + ": " + safety)
        }
        if showHelperNotes, let notes = reply.answer?.helperNotes, !notes.isEmpty {
            lines.append(words.text("helper_notes"))
            lines += notes.map { "- " + $0 }
        }
        if reply.kind == .clarify || !reply.options.isEmpty {
            if reply.kind != .clarify, let hint = reply.hints.first { lines.append(hint) }
            lines += reply.options.map { "  \($0.number). \($0.title)" }
        }
        lines += reply.suggestions.map { "  - " + $0 }
        let trailing = reply.kind == .clarify || !reply.options.isEmpty ? Array(reply.hints.dropFirst()) : reply.hints
        lines += trailing
        return lines
    }
}
