import Foundation
public import StapjeEngine

/// The `ask --json` contract: one object per question. Field names are stable; new fields may be added.
///
/// The CLI (`stapje ask --json`) and the server's JSON mode both send it, so a bridge decodes one shape.
public struct AskJSON: Encodable, Sendable {
    /// The answer on screen, resolved for a region.
    public struct AnswerJSON: Encodable, Sendable {
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
        /// What to do when it does not work.
        public var ifNotWorking: String
        /// The safety line, if any.
        public var safety: String?
        /// Notes for helpers.
        public var helperNotes: [String]
        /// Related topic ids.
        public var related: [String]
        /// Where the facts come from.
        public var sources: [String]
        /// When they were last checked.
        public var lastChecked: String?
        /// The region whose variant this is.
        public var region: String
        /// Where the steps shown are.
        public var position: Reply.Position?
        /// The steps shown in this reply.
        public var stepsShown: [String]
    }

    /// The question as given.
    public var input: String
    /// answer, step (another step of the answer on screen), clarify, fallback, handoff or chat.
    public var kind: String
    /// The intent chosen, or nil.
    public var intent: String?
    /// The engine's confidence, 0 to 1, to three decimals.
    public var confidence: Double
    /// The reply's language.
    public var language: String
    /// The reply's region.
    public var region: String
    /// The topic ids offered when clarifying.
    public var alternatives: [String]
    /// Short texts shown before anything else.
    public var texts: [String]
    /// Numbered options.
    public var options: [Reply.Option]
    /// The topic on screen, when the reply shows an answer or a step of one.
    public var topic: String?
    /// Where the steps shown are ("step 3 of 8"), when the reply shows steps.
    public var position: Reply.Position?
    /// The steps this reply shows (one, or all), also for a step shown without the rest of the answer.
    public var stepsShown: [String]
    /// The answer, when one is shown.
    public var answer: AnswerJSON?
    /// Why the engine chose it.
    public var explain: Explanation?

    /// The contract's view of `reply`, given for `input`.
    public init(input: String, reply: Reply) {
        // The contract echoes the question, but never a value the guard withheld.
        self.input = reply.events.contains(.sensitiveDataWithheld) ? Conversation.redacted(input) : input
        self.kind = reply.kind.rawValue
        self.intent = reply.intent
        self.confidence = (reply.confidence * 1000).rounded() / 1000
        self.language = reply.language.rawValue
        self.region = reply.region.rawValue
        self.alternatives = reply.kind == .clarify ? reply.options.map(\.id) : []
        self.texts = reply.texts
        self.options = reply.options
        self.topic = reply.topic
        self.position = reply.position
        self.stepsShown = reply.steps
        self.answer = reply.answer.map { view in
            AnswerJSON(
                id: view.id, title: view.title, summary: view.summary, youNeed: view.youNeed, steps: view.steps,
                ifNotWorking: view.ifNotWorking, safety: view.safety, helperNotes: view.helperNotes,
                related: view.related.map(\.id), sources: view.sources, lastChecked: view.lastChecked,
                region: view.region.rawValue, position: reply.position, stepsShown: reply.steps)
        }
        self.explain = reply.match?.explanation
    }

    /// One line of JSON with sorted keys.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
