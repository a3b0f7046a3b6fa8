import Foundation
import StapjePrivacy
public import StapjeText

/// What anonymous statistics learn from one reply: its kind, topic and language, never who asked.
///
/// Faces build one with ``init(reply:before:question:site:startsConversation:at:)`` after every reply and
/// hand it to a ``ConversationRecorder``. The only text it carries is an unanswered question, already redacted.
public struct ConversationRecord: Sendable, Hashable {
    /// When the reply was given.
    public var at: Date
    /// The library or kiosk the conversation runs at ("-" when unknown).
    public var site: String
    /// The reply's language.
    public var language: Language
    /// The reply's kind.
    public var kind: Reply.Kind
    /// The topic answered (`answer`), or the topic on screen when a handoff or "not understood" came.
    public var topic: String?
    /// True for the first reply of a conversation.
    public var startsConversation: Bool
    /// True when this reply brought the person to the last step of an answer with two steps or more (by moving on,
    /// not by asking about that step: `Conversation` marks such a reply with the topic as its intent).
    public var completedSteps: Bool
    /// True when the person typed sensitive data (it was withheld).
    public var sensitiveDataWithheld: Bool
    /// True when the person said the answer on screen did not help or did not work ("ik snap het niet":
    /// `feedback.not-helpful`; "het werkt niet": `feedback.not-working`).
    public var notUnderstood: Bool
    /// A question the assistant could not answer (fallback) or had to ask about (clarify), redacted; nil otherwise.
    public var unansweredQuestion: String?
    /// The topics a clarifying question offered, in order.
    public var alternatives: [String]

    /// The intents the person uses to say an answer did not help or did not work: the "ik snap het niet" signal.
    public static let notUnderstoodIntents: Set<String> = ["feedback.not-helpful", "feedback.not-working"]

    /// A record with every field given (for tests and for faces that compute the facts themselves).
    public init(
        at: Date, site: String, language: Language, kind: Reply.Kind, topic: String? = nil,
        startsConversation: Bool = false, completedSteps: Bool = false, sensitiveDataWithheld: Bool = false,
        notUnderstood: Bool = false, unansweredQuestion: String? = nil, alternatives: [String] = []
    ) {
        self.at = at
        self.site = site
        self.language = language
        self.kind = kind
        self.topic = topic
        self.startsConversation = startsConversation
        self.completedSteps = completedSteps
        self.sensitiveDataWithheld = sensitiveDataWithheld
        self.notUnderstood = notUnderstood
        self.unansweredQuestion = unansweredQuestion
        self.alternatives = alternatives
    }

    /// The record of `reply`, given the session before it.
    ///
    /// `question` is what the person typed, or nil for a command, a number or a button: it is kept only when the
    /// reply is a fallback or a clarification (and not "that did not help"), and then only redacted.
    public init(
        reply: Reply, before: Session, question: String?, site: String, startsConversation: Bool, at: Date
    ) {
        let notUnderstood = reply.intent.map(Self.notUnderstoodIntents.contains) ?? false
        var topic = reply.kind == .answer ? reply.topic : nil
        if reply.kind == .handoff || notUnderstood { topic = before.topic }
        var completed = false
        if let position = reply.position, position.total >= 2, position.step == position.total,
            reply.kind == .step, let shown = reply.topic, before.topic == shown, before.step < position.total - 1,
            reply.intent != shown
        {
            completed = true
            topic = shown
        }
        var unanswered: String?
        let typed = question.map(Conversation.clean) ?? ""
        if !typed.isEmpty, !typed.hasPrefix("/"), Int(typed) == nil, !notUnderstood,
            reply.kind == .fallback || reply.kind == .clarify
        {
            // Kept for curators for weeks: besides the data no one may type, nothing that says who asked (a name,
            // a date of birth, an address), which people give freely ("ik ben Fatima, ik woon ...").
            unanswered = PersonalDetails.mask(Conversation.redacted(typed))
        }
        self.init(
            at: at, site: site, language: reply.language, kind: reply.kind, topic: topic,
            startsConversation: startsConversation, completedSteps: completed,
            sensitiveDataWithheld: reply.events.contains(.sensitiveDataWithheld), notUnderstood: notUnderstood,
            unansweredQuestion: unanswered, alternatives: reply.kind == .clarify ? reply.options.map(\.id) : [])
    }
}

/// Receives a record of every reply, for anonymous statistics (implemented by the store).
///
/// `record` is called on the reply's path: it must return at once and never fail the conversation, so an
/// implementation buffers and writes later.
public protocol ConversationRecorder: Sendable {
    /// Notes one reply.
    func record(_ record: ConversationRecord)
}
