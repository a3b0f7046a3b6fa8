import Foundation
public import StapjeKnowledge
public import StapjeText

/// Where a conversation stands. A value: the core computes a new one for every message.
public struct Session: Sendable, Hashable, Codable {
    /// What the assistant offered and waits for an answer to.
    public enum Pending: Sendable, Hashable, Codable {
        /// Nothing.
        case none
        /// Topics listed after a clarifying question, in order.
        case clarification([String])
        /// Follow-up topics listed after the last step, in order.
        case followUps([String])
        /// "Shall I ask a helper?" after repeated misses.
        case handoffOffer
    }

    /// The human handoff, as far as the conversation knows it.
    public enum Handoff: Sendable, Hashable, Codable {
        /// No handoff.
        case none
        /// The person asked for a human; the face passes the request on.
        case requested(reason: String, topicGuess: String?)
    }

    /// The language of the replies.
    public var language: Language
    /// True after an explicit switch ("en français svp"): detection no longer changes the language.
    public var languageLocked: Bool
    /// True once a message was read in `language`: from then on it is the prior for detection.
    public var languageSettled: Bool
    /// The region whose variants the answers use.
    public var region: Region
    /// The topic on screen.
    public var topic: String?
    /// The step on screen, counting from 0.
    public var step: Int
    /// What the assistant waits for.
    public var pending: Pending
    /// Questions in a row the assistant could not answer.
    public var missedCount: Int
    /// The handoff state.
    public var handoff: Handoff
    /// When the person last typed something.
    public var lastActivity: Date?
    /// Show every step at once (helper mode, or the person asked for it).
    public var allSteps: Bool
    /// Helper mode: all steps with the helper notes.
    public var helperMode: Bool
    /// The last reply asked "did it work?" (the last step, when the person asked for the next one): a plain yes
    /// or no answers it. Any other reply clears it.
    public var askedIfItWorked: Bool

    /// True while nothing has been asked: no topic shown, no question missed, nothing pending, no handoff.
    public var hasNotBegun: Bool {
        topic == nil && missedCount == 0 && pending == .none && handoff == .none
    }

    /// A fresh session.
    public init(language: Language = .nl, region: Region = .VL, helperMode: Bool = false) {
        self.language = language
        self.languageLocked = false
        self.languageSettled = false
        self.region = region
        self.topic = nil
        self.step = 0
        self.pending = .none
        self.missedCount = 0
        self.handoff = .none
        self.lastActivity = nil
        self.allSteps = helperMode
        self.helperMode = helperMode
        self.askedIfItWorked = false
    }
}
