public import StapjeCore
public import StapjeKnowledge
public import StapjeText

/// The handoff when no hub can bring a helper to this screen: say so plainly, and where to find one.
///
/// The core answers a request for a person with "a helper is coming". A face running on its own (no hub yet)
/// shows `handoff_standalone` instead, with `{where}` and the steps taken from the `help.where` answer for the
/// session's region and language.
public enum StandaloneHandoff {
    /// The topic that says where to find a person.
    public static let whereTopic = "help.where"

    /// `reply`, with the handoff text replaced when it requests a helper; other replies unchanged.
    public static func adjust(_ reply: Reply, content: ContentBundle) -> Reply {
        let requested = reply.events.contains { event in
            if case .handoffRequested = event { return true }
            return false
        }
        guard requested else { return reply }
        var adjusted = reply
        adjusted.texts = texts(language: reply.language, region: reply.region, content: content)
        return adjusted
    }

    /// "No helper through this screen", where to find one, and the steps of `help.where`.
    public static func texts(language: Language, region: Region, content: ContentBundle) -> [String] {
        let words = content.words(language)
        guard let answer = content.answer(whereTopic, language: language) else {
            return [words.text("handoff_standalone", ["where": ""])]
        }
        let view = AnswerView(answer, region: region, bundle: content)
        var texts = [words.text("handoff_standalone", ["where": view.summary])]
        if !view.steps.isEmpty {
            texts.append(words.text("steps"))
            texts += view.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }
        }
        return texts
    }
}
