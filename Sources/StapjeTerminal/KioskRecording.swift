import Foundation
public import StapjeCore

/// Where a kiosk's anonymous statistics go: a recorder and the site the kiosk stands at.
public struct KioskRecording: Sendable {
    /// The recorder (the store's statistics).
    public let recorder: any ConversationRecorder
    /// The site name counted for every reply.
    public let site: String

    /// Records to `recorder` for `site`.
    public init(recorder: any ConversationRecorder, site: String) {
        self.recorder = recorder
        self.site = site
    }

    /// Records one reply to what the person typed.
    func record(_ reply: Reply, before: Session, typed: String, startsConversation: Bool, at time: Date) {
        recorder.record(
            ConversationRecord(
                reply: reply, before: before, question: typed, site: site, startsConversation: startsConversation,
                at: time))
    }
}
