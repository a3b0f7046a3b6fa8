public import StapjeKnowledge
public import StapjeText

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

    /// `label` followed by its colon: with a space before it in French ("Attention :"), as French typography has it.
    public static func label(_ label: String, language: Language) -> String {
        language == .fr ? label + " :" : label + ":"
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
        if let ifNotWorking = ifNotWorking(reply) {
            lines.append(words.text("if_not_working") + " " + ifNotWorking)
        }
        if let safety = reply.answer?.safety, !safety.isEmpty {
            lines.append(Self.label(words.text("safety"), language: reply.language) + " " + safety)
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

    /// What to do when it does not work, shown once the last step is on screen: with a whole answer that ends
    /// there, and with the last step reached one step at a time (a step reply carries no answer view, so the
    /// topic's section is read for the reply's language and region).
    func ifNotWorking(_ reply: Reply) -> String? {
        guard reply.position.map({ $0.step == $0.total }) ?? (reply.answer != nil) else { return nil }
        let text: String?
        if let answer = reply.answer {
            text = answer.ifNotWorking
        } else if reply.kind == .step, !reply.steps.isEmpty, let topic = reply.topic {
            text = content.answer(topic, language: reply.language)?.section(.ifNotWorking, region: reply.region)?.text
        } else {
            text = nil
        }
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
