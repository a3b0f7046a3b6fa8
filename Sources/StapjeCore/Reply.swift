import Foundation
public import StapjeEngine
public import StapjeKnowledge
public import StapjeText

/// A reply as data: what to say, which topic and step, which options. Faces render it; the core knows no
/// colours and no wire codes.
public struct Reply: Sendable, Hashable, Codable {
    /// What kind of reply this is (the `kind` of the `ask --json` contract).
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The start of an answer (or all of it).
        case answer
        /// Another step of the answer on screen.
        case step
        /// "Which do you mean?"
        case clarify
        /// Not understood.
        case fallback
        /// A human helper was asked for.
        case handoff
        /// Small talk, help text, language or region switch.
        case chat
    }

    /// A numbered choice: a clarification option or a follow-up.
    public struct Option: Sendable, Hashable, Codable {
        /// The number the person types.
        public var number: Int
        /// The topic id.
        public var id: String
        /// The topic's title in the reply's language.
        public var title: String
    }

    /// "Step 3 of 6".
    public struct Position: Sendable, Hashable, Codable {
        /// The step shown, from 1.
        public var step: Int
        /// How many steps there are.
        public var total: Int
    }

    /// Something the face must act on.
    public enum Event: Sendable, Hashable, Codable {
        /// Pass the conversation to a human helper.
        case handoffRequested(reason: String, topicGuess: String?)
        /// The person said they are done: wipe everything at once (kiosk).
        case endSession
        /// The person typed sensitive data; it was not kept.
        case sensitiveDataWithheld
    }

    /// The kind.
    public var kind: Kind
    /// The intent the engine chose (topic or conversation id), or nil.
    public var intent: String?
    /// The topic on screen after this reply.
    public var topic: String?
    /// The engine's confidence, 0 to 1.
    public var confidence: Double
    /// The reply's language.
    public var language: Language
    /// The region whose variant is shown.
    public var region: Region
    /// Short texts to show before anything else, in order.
    public var texts: [String]
    /// The answer, when one is shown.
    public var answer: AnswerView?
    /// The steps shown in this reply (one, or all).
    public var steps: [String]
    /// Where those steps are.
    public var position: Position?
    /// Numbered options.
    public var options: [Option]
    /// Example questions the person could ask.
    public var suggestions: [String]
    /// Short texts to show after everything else ("type next...").
    public var hints: [String]
    /// Things the face must do.
    public var events: [Event]
    /// The engine's result, for explanations (nil for commands).
    public var match: MatchResult?

    init(kind: Kind, language: Language, region: Region) {
        self.kind = kind
        self.intent = nil
        self.topic = nil
        self.confidence = 0
        self.language = language
        self.region = region
        self.texts = []
        self.answer = nil
        self.steps = []
        self.position = nil
        self.options = []
        self.suggestions = []
        self.hints = []
        self.events = []
        self.match = nil
    }
}

/// One topic's answer, resolved for a language and region.
public struct AnswerView: Sendable, Hashable, Codable {
    /// The topic id.
    public var id: String
    /// The title.
    public var title: String
    /// The short answer.
    public var summary: String
    /// What the person needs.
    public var youNeed: [String]
    /// All steps.
    public var steps: [String]
    /// What to do when it does not work, with the human route.
    public var ifNotWorking: String
    /// The safety line, if any.
    public var safety: String?
    /// Notes for helpers.
    public var helperNotes: [String]
    /// Related topics, with titles.
    public var related: [Reply.Option]
    /// Where the facts come from.
    public var sources: [String]
    /// When they were last checked.
    public var lastChecked: String?
    /// The region whose variant this is.
    public var region: Region

    /// Resolves `answer` for `region`, with related topics titled from `bundle`.
    public init(_ answer: Answer, region: Region, bundle: ContentBundle) {
        self.id = answer.id
        self.title = answer.title
        self.summary = answer.section(.answer, region: region)?.text ?? ""
        self.youNeed = answer.section(.youNeed, region: region)?.items ?? []
        self.steps = answer.steps(region: region)
        self.ifNotWorking = answer.section(.ifNotWorking, region: region)?.text ?? ""
        self.safety = answer.section(.safety, region: region)?.text
        self.helperNotes = answer.section(.helperNotes, region: region)?.items ?? []
        // Topics that do not apply in the region (itsme in France) are not suggested there.
        self.related = answer.related.filter { bundle.applies($0, in: region) }
            .enumerated().map { index, id in
                Reply.Option(
                    number: index + 1, id: id, title: bundle.answer(id, language: answer.language)?.title ?? id)
            }
        self.sources = answer.sources
        self.lastChecked = answer.lastChecked
        self.region = region
    }
}
