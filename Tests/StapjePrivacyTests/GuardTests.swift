import Foundation
import StapjeCore
import StapjeKnowledge
import StapjePrivacy
import StapjeText
import Testing

/// The privacy guard in the conversation core, with the bundled content: the lesson first, in the person's
/// language, then the question if there was one; the raw value nowhere in the session or the reply.
struct GuardTests {
    static let conversation = Conversation(content: ContentLoader(root: ContentLocator.bundled).load().bundle)
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// The lesson about secrets (a PIN, a password, a code), or with `personal` the one about the person's own
    /// details (a phone number, an e-mail address, an account or national number), which are just not needed here.
    static func lesson(_ language: Language, personal: Bool = false) -> String {
        conversation.content.words(language).text(personal ? "privacy_lesson_personal" : "privacy_lesson")
    }

    /// What the person types, the language of the lesson, and the topic answered after it (nil: the lesson alone).
    static let turns: [(String, Language, String?)] = [
        ("mijn pincode is 1234", .nl, nil),
        ("mijn rijksregisternummer is 85.07.30-033.28", .nl, nil),
        ("0471 23 45 67", .nl, nil),
        ("mijn wachtwoord is zomer2024. Hoe maak ik een e-mailadres?", .nl, "email.create"),
        ("mon code pin c'est 1234", .fr, nil),
        ("mon numéro de téléphone est le 0471 23 45 67", .fr, nil),
        ("mon mot de passe est soleil. Comment créer une adresse mail?", .fr, "email.create"),
        ("my password is hunter2", .en, nil),
        ("my phone number is +32 471 23 45 67", .en, nil),
        ("my PIN is 1234, how do I block my card?", .en, "safety.card-stop"),
    ]

    /// The turns that give the person's own details rather than a secret.
    static let personal: Set<String> = [
        "mijn rijksregisternummer is 85.07.30-033.28", "0471 23 45 67", "mon numéro de téléphone est le 0471 23 45 67",
        "my phone number is +32 471 23 45 67",
    ]

    @Test(arguments: turns)
    func theLessonComesFirstInThePersonsLanguage(_ text: String, _ language: Language, _ topic: String?) {
        let (session, reply) = Self.conversation.respond(to: text, in: Session(), at: Self.time)
        #expect(reply.texts.first == Self.lesson(language, personal: Self.personal.contains(text)))
        #expect(reply.language == language)
        #expect(reply.events.contains(.sensitiveDataWithheld))
        #expect(reply.topic == topic)
        #expect(session.missedCount == 0)
        let shown = ReplyText(content: Self.conversation.content).lines(reply)
        #expect(
            shown.first == Self.lesson(language, personal: Self.personal.contains(text)),
            "the lesson is rendered before the answer")
    }

    @Test(arguments: [
        "mijn pincode is geblokkeerd", "hoe solliciteer ik online", "bel 078 170 170", "my password is not working",
        "mon code pin est bloqué",
    ])
    func ordinaryQuestionsGetNoLesson(_ text: String) {
        let (_, reply) = Self.conversation.respond(to: text, in: Session(), at: Self.time)
        #expect(!reply.events.contains(.sensitiveDataWithheld))
        #expect(!reply.texts.contains { $0.hasPrefix(String(Self.lesson(.nl).prefix(10))) })
    }

    @Test func aLessonAloneKeepsTheConversationWhereItWas() {
        let (before, _) = Self.conversation.respond(to: "hoe maak ik een e-mailadres", in: Session(), at: Self.time)
        let (after, reply) = Self.conversation.respond(to: "mijn pincode is 1234", in: before, at: Self.time + 5)
        #expect(reply.kind == .chat)
        #expect(after.topic == before.topic)
        #expect(after.step == before.step)
        #expect(after.pending == before.pending)
        #expect(after.missedCount == before.missedCount)
    }

    @Test func aChosenLanguageIsKept() {
        var session = Session()
        (session, _) = Self.conversation.switchLanguage(to: .fr, session: session)
        let (_, reply) = Self.conversation.respond(to: "my password is hunter2", in: session, at: Self.time)
        #expect(reply.texts.first == Self.lesson(.fr))
    }

    /// Every kind of sensitive value, and the parts of it that must not appear either.
    static let values: [(String, [String])] = [
        ("mijn pincode is 1234, hoe betaal ik online?", ["1234"]),
        ("mijn wachtwoord is Zomer2024! hoe maak ik een e-mailadres", ["Zomer2024", "zomer2024"]),
        ("waar vul ik mijn rijksregisternummer 85.07.30-033.28 in?", ["85.07.30", "033.28", "85073003328"]),
        ("mijn kaartnummer 591-1917064-58, hoe verander ik mijn pincode", ["1917064", "591191706458"]),
        ("IBAN BE48 3200 7018 4927 graag, hoe doe ik een overschrijving", ["3200 7018", "320070184927"]),
        ("mijn bankkaart 4111 1111 1111 1111 is gestolen", ["4111", "1111"]),
        ("mail me op jan.peeters@example.be over mijn cv", ["peeters", "example.be"]),
        ("bel me op 0471 23 45 67 voor hulp met mijn gsm", ["0471", "23 45 67"]),
        ("itsme vraagt code 73914, wat moet ik doen", ["73914"]),
        ("de kaartlezer toont 8765 4321, hoe bankier ik veilig", ["8765", "4321"]),
        ("my password is hunter2, how do I make an email address", ["hunter2"]),
        ("mon code pin c'est 9876, comment payer en ligne", ["9876"]),
    ]

    @Test(arguments: values)
    func theRawValueIsNeverInTheSessionOrTheReply(_ text: String, _ parts: [String]) throws {
        var session = Session()
        (session, _) = Self.conversation.respond(to: "hallo", in: session, at: Self.time)
        let (next, reply) = Self.conversation.respond(to: text, in: session, at: Self.time + 5)
        #expect(reply.events.contains(.sensitiveDataWithheld))
        let encoder = JSONEncoder()
        let encoded =
            String(decoding: try encoder.encode(next), as: UTF8.self)
            + String(decoding: try encoder.encode(reply), as: UTF8.self)
            + ReplyText(content: Self.conversation.content).lines(reply).joined(separator: "\n")
        // The engine's scores are numbers, not text: a PIN may not hide in them, but may appear in their digits.
        let json = encoded.replacing(/:-?[0-9]+\.[0-9]+(e-?[0-9]+)?/, with: ":0")
        for part in parts {
            #expect(!json.contains(part), "'\(part)' leaked for '\(text)'")
        }
        let redacted = Conversation.redacted(text)
        for part in parts {
            #expect(!redacted.contains(part), "'\(part)' not redacted in '\(redacted)'")
        }
    }
}

/// The curators' example questions are real questions: none may trip the guard.
struct ContentExampleTests {
    @Test func noExampleQuestionIsTakenForSensitiveData() {
        let bundle = GuardTests.conversation.content
        let detector = SensitiveDataDetector()
        var flagged: [String] = []
        var count = 0
        for (_, rules) in bundle.intents {
            for rule in rules {
                for example in rule.examples + rule.matchTests + rule.fallbackTests {
                    count += 1
                    let findings = detector.findings(in: example.value)
                    if !findings.isEmpty { flagged.append("\(rule.id): \(example.value) \(findings.map(\.kind))") }
                }
            }
        }
        #expect(count > 1000)
        #expect(flagged.isEmpty, "\(flagged.joined(separator: "\n"))")
    }
}
