import Foundation
import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeCore

/// A question an out-of-scope rule recognises is told plainly that Stapje cannot help, not that it was not
/// understood; a second miss still offers a person.
struct OutOfScopeReplyTests {
    @Test(arguments: [
        (Language.nl, "is de bibliotheek open op zondag"),
        (.fr, "combien coûte une nouvelle carte d'identité"),
        (.en, "what time does the library close today"),
    ])
    func anOutOfScopeRuleGetsThePlainMessage(language: Language, question: String) {
        let (conversation, session, reply) = Self.firstReply(to: question, in: language)
        let words = conversation.content.words(language)
        #expect(reply.match?.outOfScopeRule != nil)
        #expect(reply.texts == [words.text("out_of_scope")])
        #expect(reply.hints == [words.text("welcome_human")], "a person is offered")
        #expect(session.missedCount == 1)
        let (_, second) = conversation.respond(to: question, in: session, at: Date())
        #expect(second.texts == [words.text("fallback_second")])
    }

    /// Someone in danger is told to call 112 and to tell the desk, and nothing else; a question only close to the
    /// rule's examples raises no alarm.
    @Test(arguments: [
        (Language.nl, "mijn moeder is gevallen en kan niet meer opstaan"),
        (.fr, "mon mari a mal à la poitrine, qui j'appelle"),
        (.en, "there is smoke in the kitchen of our flat"),
    ])
    func anEmergencyIsToldToCall112AndToTellTheDesk(language: Language, question: String) {
        let (conversation, session, reply) = Self.firstReply(to: question, in: language)
        let emergency = conversation.content.words(language).text("emergency")
        #expect(reply.match?.outOfScopeRule == "oos.emergency")
        #expect(reply.texts == [emergency] && emergency.contains("112"))
        #expect(session.pending == .none)
        let (_, _, quiet) = Self.firstReply(to: "I have a pain in my back from sitting at the computer", in: .en)
        #expect(quiet.texts.first != conversation.content.words(.en).text("emergency"))
    }

    /// The reply to `question` as the first message of a conversation in `language`, which must be a fallback.
    static func firstReply(to question: String, in language: Language) -> (Conversation, Session, Reply) {
        let conversation = TranscriptTests.conversation
        let (session, reply) = conversation.respond(to: question, in: Session(language: language), at: Date())
        #expect(reply.kind == .fallback, "\(question)")
        return (conversation, session, reply)
    }

    @Test func aQuestionNotUnderstoodStillSaysSo() {
        let conversation = TranscriptTests.conversation
        let (_, reply) = conversation.respond(to: "asdf qwerty", in: Session(language: .nl), at: Date())
        #expect(reply.kind == .fallback)
        #expect(reply.texts == [conversation.content.words(.nl).text("fallback_first")])
    }
}
