import Foundation
import StapjeKnowledge
import Testing

@testable import StapjeCore

/// What the anonymous statistics note of a reply (`ConversationRecord(reply:before:...)`).
struct ConversationRecordTests {
    static func record(after messages: [String], region: Region = .VL) -> (Session, Reply) {
        let conversation = TranscriptTests.conversation
        var session = Session(language: region.usualLanguage, region: region)
        var reply = conversation.welcome(session)
        for message in messages {
            (session, reply) = conversation.respond(to: message, in: session, at: Date(timeIntervalSince1970: 0))
        }
        return (session, reply)
    }

    @Test func itDoesNotWorkCountsAsNotUnderstoodForTheTopicOnScreen() {
        let (before, _) = Self.record(after: ["hoe scan ik een document"])
        let (_, reply) = TranscriptTests.conversation.respond(
            to: "het werkt niet", in: before, at: Date(timeIntervalSince1970: 0))
        let record = ConversationRecord(
            reply: reply, before: before, question: "het werkt niet", site: "test", startsConversation: false,
            at: Date(timeIntervalSince1970: 0))
        #expect(reply.intent == "feedback.not-working")
        #expect(record.notUnderstood)
        #expect(record.topic == "docs.scan")
        #expect(record.unansweredQuestion == nil)
    }

    @Test func aQuestionThatShowsTheLastStepIsNoCompletedTopic() {
        let (before, _) = Self.record(after: ["je cherche du travail"], region: .WAL)
        let (_, reply) = TranscriptTests.conversation.respond(
            to: "les interims aussi ?", in: before, at: Date(timeIntervalSince1970: 0))
        #expect(reply.position.map { $0.step == $0.total } == true)
        let record = ConversationRecord(
            reply: reply, before: before, question: nil, site: "test", startsConversation: false,
            at: Date(timeIntervalSince1970: 0))
        #expect(!record.completedSteps)

        // Moving on to the last step does count.
        var session = before
        var last = reply
        var reached = false
        for _ in 0..<10 where !reached {
            let previous = session
            (session, last) = TranscriptTests.conversation.respond(
                to: "suivant", in: session, at: Date(timeIntervalSince1970: 0))
            if last.position.map({ $0.step == $0.total }) == true {
                let moved = ConversationRecord(
                    reply: last, before: previous, question: nil, site: "test", startsConversation: false,
                    at: Date(timeIntervalSince1970: 0))
                #expect(moved.completedSteps)
                reached = true
            }
        }
        #expect(reached)
    }
}
