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

    /// `reply`, with the handoff text replaced when it requests a helper, and the offer of one ("Shall I ask a
    /// helper?" after repeated misses: the reply that leaves `session` waiting for a yes) replaced by where to find
    /// one: no helper can come through this screen, so none is offered. Other replies unchanged.
    ///
    /// `session` (the one after `reply`) is settled to match: no request stays open and no offer waits for a yes,
    /// since none can be met here. A request left open kept "did it work?" at the last step from being answered,
    /// and a "yes" after the list of where to find help showed the list again.
    ///
    /// With `brief` (the steps of where to find a person were already shown in this conversation) only the first
    /// line is shown again: a person who keeps missing got the whole list at every miss.
    public static func adjust(_ reply: Reply, session: inout Session, content: ContentBundle, brief: Bool = false)
        -> Reply
    {
        let requested = reply.events.contains { event in
            if case .handoffRequested = event { return true }
            return false
        }
        var adjusted = reply
        if requested {
            adjusted.texts = texts(language: reply.language, region: reply.region, content: content, brief: brief)
            session.handoff = .none
            showWhere(in: &session, brief: brief, content: content)
        } else if session.pending == .handoffOffer,
            let offer = reply.texts.firstIndex(of: content.words(reply.language).text("fallback_second"))
        {
            adjusted.texts.replaceSubrange(
                offer...offer,
                with: texts(
                    language: reply.language, region: reply.region, content: content,
                    key: "fallback_second_standalone", brief: brief))
            session.pending = .none
            showWhere(in: &session, brief: brief, content: content)
        }
        return adjusted
    }

    /// The list of where to find a person becomes the answer on screen, so that "next", "all steps" and a step's
    /// number go through it (after its first step alone, "toutes les étapes" had said no answer was open).
    static func showWhere(in session: inout Session, brief: Bool, content: ContentBundle) {
        guard content.answer(whereTopic, language: session.language) != nil else { return }
        session.topic = whereTopic
        session.step = 0
        session.allSteps = !brief || session.helperMode
        session.pending = .none
    }

    /// "No helper through this screen" (or the words `key`), where to find one, and the steps of `help.where`.
    public static func texts(
        language: Language, region: Region, content: ContentBundle, key: String = "handoff_standalone",
        brief: Bool = false
    ) -> [String] {
        let words = content.words(language)
        guard let answer = content.answer(whereTopic, language: language) else {
            return [words.text(key, ["where": ""])]
        }
        let view = AnswerView(answer, region: region, bundle: content)
        var texts = [words.text(key, ["where": view.summary])]
        if brief, let first = view.steps.first {
            // Once the list was shown: its first step only, the one nearest to hand ("ask at the desk of this
            // library"), and how to see the rest.
            return texts + ["1. \(first)", words.text("next_hint")]
        }
        if !view.steps.isEmpty {
            texts.append(words.text("steps"))
            texts += view.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }
        }
        return texts
    }
}
