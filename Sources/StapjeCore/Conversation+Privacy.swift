import StapjeKnowledge
import StapjePrivacy

/// The privacy guard: sensitive data typed by the person never reaches the session, the reply or the engine.
extension Conversation {
    /// The one redactor every face uses.
    static let redactor = Redactor()

    /// `text` with sensitive data replaced by typed placeholders ("[NATIONAL-NUMBER]", "[IBAN]", "[SECRET]"):
    /// the only form in which a face may log or pass on what a person typed.
    public static func redacted(_ text: String) -> String {
        redactor.redact(text)
    }

    /// The lesson that fits what was typed: a PIN, a password, a code or a card number must never be typed, and
    /// nobody may ask for them (`privacy_lesson`); a phone number, an e-mail address, an account or national number
    /// are the person's own details, which Stapje's answers sometimes tell them to type elsewhere: they are just not
    /// needed here (`privacy_lesson_personal`).
    public static func lessonKey(_ findings: [SensitiveData]) -> String {
        let secret = findings.contains { finding in
            switch finding.kind {
            case .secret, .oneTimeCode, .readerCode, .paymentCard: true
            default: false
            }
        }
        return secret ? "privacy_lesson" : "privacy_lesson_personal"
    }

    /// The reply to a message that carries sensitive data: the privacy lesson first, with the
    /// `.sensitiveDataWithheld` event, then the rest of the message handled as usual.
    ///
    /// The rest is the message without the sensitive values and the words that announced them ("mijn pincode is
    /// 1234, hoe betaal ik online?" → "hoe betaal ik online?"), so the raw values reach neither the engine nor its
    /// explanation in `Reply.match`. When nothing else was understood, the lesson is the whole reply and no
    /// miss is counted: the person said something, just not something to keep.
    func withheld(_ findings: [SensitiveData], in text: String, session: Session) -> (Session, Reply) {
        let rest = Self.redactor.remainder(findings, in: text)
        if rest.contains(where: \.isLetter) {
            let (next, routed) = route(rest, session: session)
            if routed.kind != .fallback {
                var reply = routed
                reply.texts.insert(content.words(reply.language).text(Self.lessonKey(findings)), at: 0)
                reply.events.insert(.sensitiveDataWithheld, at: 0)
                return (next, reply)
            }
        }
        var session = session
        var language = session.language
        if !session.languageLocked {
            // The phrase that announced a secret tells the language best; else the engine reads the message
            // without its values ("mon numéro est le ..."), as it would any question.
            let words = Self.redactor.remainder(findings, in: text, keepingAnnouncements: true)
            let guess = words.contains(where: \.isLetter) ? question(words, session: session).0.language : language
            language = findings.lazy.compactMap(\.language).first ?? guess
            if !session.languageSettled { session.language = language }
        }
        var reply = Reply(kind: .chat, language: language, region: session.region)
        reply.texts = [content.words(language).text(Self.lessonKey(findings))]
        reply.events = [.sensitiveDataWithheld]
        return (session, reply)
    }
}
