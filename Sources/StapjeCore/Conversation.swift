import Foundation
public import StapjeEngine
public import StapjeKnowledge
public import StapjeText

/// The conversation, as a pure function from (session, input, time) to (new session, reply).
///
/// Every face (kiosk, server, CLI) drives the same `Conversation`; none adds conversation logic of its own.
public struct Conversation: Sendable {
    /// The content answers come from.
    public let content: ContentBundle
    /// The compiled matcher.
    public let matcher: Matcher
    let lexicon: ConversationLexicon
    let views: AnswerViews
    /// The words of the answers follow-ups were asked about (`AnswerPartFinder`), read once each.
    let partWords = AnswerPartCache()

    /// Creates a conversation over `content`, compiling its rules.
    public init(content: ContentBundle, configuration: EngineConfiguration = EngineConfiguration()) {
        self.init(content: content, matcher: Matcher(bundle: content, configuration: configuration))
    }

    /// Creates a conversation over content and an already compiled matcher.
    public init(content: ContentBundle, matcher: Matcher) {
        self.content = content
        self.matcher = matcher
        self.lexicon = ConversationLexicon(content: content)
        self.views = AnswerViews(content: content)
    }

    /// The longest input looked at; the rest is ignored (a question is short; a paste of 100 KB is not one).
    public static let maximumInput = 2000

    // MARK: - Entry points

    /// The welcome for a new or wiped session, in its language.
    public func welcome(_ session: Session) -> Reply {
        let words = content.words(session.language)
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.texts = [words.text("welcome")]
        reply.suggestions = words.list("welcome_examples")
        reply.hints = [words.text("welcome_human")]
        return reply
    }

    /// Answers one message.
    public func respond(to input: String, in session: Session, at time: Date) -> (Session, Reply) {
        var session = session
        session.lastActivity = time
        let text = Self.clean(input)
        guard !text.isEmpty else {
            var reply = Reply(kind: .chat, language: session.language, region: session.region)
            reply.texts = [content.words(session.language).text("empty_input")]
            return (session, reply)
        }
        let findings = Self.redactor.detector.findings(in: text)
        if !findings.isEmpty {
            return withheld(findings, in: text, session: session)
        }
        return route(text, session: session)
    }

    /// Reads one cleaned message: a command, a number, an answer to an offer, a region, or a question.
    ///
    /// A reply that shows the last step of the answer (reached one step at a time, by its number, with all steps,
    /// or an answer of one step) leaves "did it work?" open, as going past the last step does: a plain "nee" next
    /// is the topic's "does it not work?" part, not a message that was not understood.
    func route(_ text: String, session: Session) -> (Session, Reply) {
        var (session, reply) = routed(text, session: session)
        // The reply's position says where it is (no lookup of the answer's steps on every reply).
        if reply.kind == .answer || reply.kind == .step, session.topic != nil,
            session.allSteps || reply.position.map({ $0.step >= $0.total }) == true
        {
            session.askedIfItWorked = true
        }
        return (session, reply)
    }

    private func routed(_ text: String, session: Session) -> (Session, Reply) {
        var session = session
        let askedIfItWorked = session.askedIfItWorked
        session.askedIfItWorked = false
        if text.hasPrefix("/") {
            return command(text, session: session)
        }
        if let choice = Int(text) {
            return choose(number: choice, session: session)
        }
        if case .handoffOffer = session.pending, let answer = yesOrNo(text, session: session) {
            session.pending = .none
            return answer ? requestHandoff(session, reason: "offered after repeated misses") : declined(session)
        }
        // "Do you mean: 1. …?" with one option, answered "oui": that option.
        if case .clarification(let options) = session.pending, options.count == 1,
            yesOrNo(text, session: session) == true
        {
            return choose(number: 1, session: session)
        }
        // One tokenisation serves the region check and matching.
        let tokens = Tokenizer().tokens(text)
        if let region = regionStatement(tokens, session: session) {
            return switchRegion(to: region, session: session, thenAsking: text, tokens: tokens)
        }
        // A question that names a region's own service ("comment je m'inscris au forem" at a Brussels kiosk) is
        // about that region: when it is answered, the answer is that region's, and the person is told the region
        // changed (the kiosk's region would name another agency with confidence).
        if let region = serviceRegion(tokens), region != session.region {
            let (switched, note) = switchRegion(to: region, session: session)
            let (asked, reply) = question(text, tokens: tokens, session: switched)
            if reply.kind == .answer, reply.topic != nil {
                var combined = reply
                combined.texts.insert(contentsOf: note.texts.prefix(1), at: 0)
                return (asked, combined)
            }
        }
        if askedIfItWorked, let (stays, works) = lastStepAnswer(text, session: session) {
            return works ? (stays, chat("worked", session: stays)) : notWorking(stays)
        }
        // Words in another script ("مرحبا", "привет"): not a question not understood, but a language Stapje does
        // not speak; it says which it speaks, in each of them (the session's first), since none may be the person's.
        if Self.writtenInAnotherScript(text) {
            var reply = Reply(kind: .chat, language: session.language, region: session.region)
            let languages = [session.language] + content.languages.filter { $0 != session.language }
            reply.texts = languages.map { content.words($0).text("language_choice") }
            return (session, reply)
        }
        // "stap 3", "la dernière étape", "show me step 2 again": that step of the answer on screen.
        if session.topic != nil, let step = lexicon.steps.step(in: tokens) {
            return go(to: step, session: session)
        }
        return question(text, tokens: tokens, session: session)
    }

    /// Whether the letters of `text` (two at least) are all outside the Latin script.
    static func writtenInAnotherScript(_ text: String) -> Bool {
        var letters = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            // Basic Latin to Latin Extended-B, IPA, and Latin Extended Additional: the scripts of nl, fr and en.
            if scalar.value < 0x02B0 || (0x1E00...0x1EFF).contains(scalar.value) { return false }
            letters += 1
        }
        return letters >= 2
    }

    /// Removes control characters and invisible ones (`InvisibleCharacters`) and cuts the input to `maximumInput`
    /// characters.
    public static func clean(_ input: String) -> String {
        let input = InvisibleCharacters.removed(from: input)
        // Most input is within the limit and has no control character (one scan of its bytes): it stays as it is,
        // or, in ASCII, only spaces at the ends go. A space at an end of accented text goes the long way (a space
        // before a combining mark is no space to trim).
        let bytes = input.utf8
        if bytes.count <= maximumInput && !ControlCharacters.found(in: input[...].utf8) {
            guard bytes.first == 0x20 || bytes.last == 0x20 else { return input }
            if bytes.allSatisfy({ $0 < 0x80 }) {
                guard let first = bytes.firstIndex(where: { $0 != 0x20 }),
                    let last = bytes.lastIndex(where: { $0 != 0x20 })
                else { return "" }
                return String(input[first...last])
            }
        }
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in input.unicodeScalars {
            if count >= maximumInput { break }
            if ControlCharacters.contains(scalar) {
                if scalar == "\t" || scalar == "\n" || scalar == "\r" { scalars.append(" ") }
                continue
            }
            scalars.append(scalar)
            count += 1
        }
        var text = String(scalars)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }

    // MARK: - Questions

    func question(_ text: String, session: Session) -> (Session, Reply) {
        question(text, tokens: Tokenizer().tokens(text), session: session)
    }

    func question(_ text: String, tokens: [Token], session: Session) -> (Session, Reply) {
        var session = session
        let context = matchContext(for: session)
        var result = matcher.match(tokens: tokens, context: context)
        if session.languageLocked && result.kind != .answer {
            // A message the chosen language does not understand is read again in the language its words belong to.
            // A person who chose a language can still switch away from it in another one ("en français svp", which
            // in the chosen language may read as a short follow-up of the topic on screen); and one who writes in
            // another language after all ("merci pour tout", "hoe maak ik een e-mailadres") is answered, in the
            // chosen language, when that other language clearly fits the words better (two clue words more).
            // Read without the chosen language as a prior: "wachtwoord vergeten" has two Dutch words and no English.
            var open = context
            open.explicitLanguage = false
            open.language = nil
            let other = matcher.match(tokens: tokens, context: open)
            let namesLanguage = tokens.contains(where: { lexicon.languageNames.contains($0.folded) })
            let clearlyOther =
                other.language != session.language
                && other.explanation.languageScore(other.language)
                    >= other.explanation.languageScore(session.language) + 2
            if other.kind == .answer && ((other.intent == "lang.switch" && namesLanguage) || clearlyOther) {
                result = other
            }
        }
        // A question that was not understood still gets its "sorry" in its own language when its words clearly
        // belong to another one than the conversation's (two clue words more): a person who writes Dutch after a
        // French answer must not be told in French that they were not understood.
        var explanation = result.explanation
        var clearlyOther =
            result.language != session.language
            && explanation.languageScore(result.language) >= explanation.languageScore(session.language) + 2
        // The same margin keeps a settled conversation in its language when another one wins by a word or so: "tax
        // on web" in a Dutch conversation (English and French count the small word "on") is answered in Dutch when
        // Dutch can answer it as well.
        if session.languageSettled && !session.languageLocked && result.language != session.language && !clearlyOther
            && result.kind != .fallback
        {
            var own = context
            own.language = session.language
            own.explicitLanguage = true
            let kept = matcher.match(tokens: tokens, context: own)
            if kept.kind == .answer || (kept.kind == .clarify && result.kind == .clarify) {
                result = kept
                explanation = kept.explanation
                clearlyOther = false
            }
        }
        if !session.languageLocked && (result.kind != .fallback || !session.languageSettled || clearlyOther) {
            session.language = result.language
            session.languageSettled = result.kind != .fallback || session.languageSettled
        }

        if case .clarification(let options) = session.pending {
            if let id = result.explanation.bestCandidateID, options.contains(id),
                result.kind != .fallback
            {
                session.pending = .none
                if id == session.topic, let found = partAsked(tokens, session: session) {
                    return show(found, session: session, result: result)
                }
                return answer(id, session: session, result: result)
            }
        }
        switch result.kind {
        case .answer:
            guard let id = result.intent else { return miss(session, result: result, tokens: tokens) }
            // The topic on screen asked about again, with words of one of its parts ("les intérims aussi ?"): that
            // part, not the start of the answer once more.
            if id == session.topic, let found = partAsked(tokens, session: session) {
                return show(found, session: session, result: result)
            }
            // A short follow-up ("en met mijn bankkaart dan?" about the bus) whose word another topic owns, when a
            // part of the answer on screen names it too: that part, not the other topic. The person is still busy
            // with the answer on screen; a question that names the other topic in full is no follow-up.
            if id != session.topic, content.isTopic(id), Matcher.readsAsFollowUp(tokens),
                let found = partAsked(tokens, session: session)
            {
                return show(found, session: session, result: result)
            }
            return intent(id, session: session, result: result, text: text, tokens: tokens)
        case .clarify:
            if result.alternatives.count == 1, let id = result.alternatives.first, !content.isTopic(id) {
                return miss(session, result: result, tokens: tokens)
            }
            // Offering back only the topic on screen ("en op mijn gsm?") asks nothing the person can answer: they
            // are still busy with it, so they see where they are.
            if result.alternatives == [session.topic] {
                return miss(session, result: result, tokens: tokens)
            }
            // The topic on screen is the best guess and the words name one of its parts: that part.
            if result.alternatives.first == session.topic, let found = partAsked(tokens, session: session) {
                return show(found, session: session, result: result)
            }
            return clarify(result.alternatives, session: session, result: result)
        case .fallback:
            return miss(session, result: result, tokens: tokens)
        }
    }

    /// The part of the answer on screen that `tokens` ask about (`AnswerPartFinder`), if one is clearly it.
    func partAsked(_ tokens: [Token], session: Session) -> AnswerPartFinder.Part? {
        guard let topic = session.topic, let answer = content.answer(topic, language: session.language) else {
            return nil
        }
        let view = views.view(of: answer, region: session.region, content: content)
        let words = partWords.words(of: view, topic: topic, language: session.language, region: session.region)
        let language = session.language
        return AnswerPartFinder(language: language).part(of: words, asked: tokens) {
            partWords.stem($0, language: language)
        }
    }

    /// Shows `part` of the answer on screen, for a message that asked about it.
    func show(_ part: AnswerPartFinder.Part, session: Session, result: MatchResult) -> (Session, Reply) {
        switch part {
        case .notWorking:
            return notWorking(session, counted: false)
        case .step(let index):
            var (next, reply) = showStep(index, session: session)
            reply.intent = session.topic
            reply.confidence = result.confidence
            reply.match = result
            return (next, reply)
        }
    }

    /// The answer on screen at step `index` (every step in helper mode); ends a run of misses.
    func showStep(_ index: Int, session: Session) -> (Session, Reply) {
        var session = session
        session.step = max(index, 0)
        session.allSteps = session.helperMode
        return navigate(.repeat, session: session)
    }

    /// What the engine is told of `session` when a question is matched: its language once settled or chosen (before
    /// that, the language it leans to: the region's, or the last message's), the topic on screen and that topic's
    /// follow-ups.
    public func matchContext(for session: Session) -> MatchContext {
        let related = session.topic.flatMap { content.answer($0, language: session.language)?.related } ?? []
        let known = session.languageSettled || session.languageLocked
        return MatchContext(
            language: known ? session.language : nil, explicitLanguage: session.languageLocked,
            previousTopic: session.topic, relatedTopics: related, leaning: known ? nil : session.language)
    }

    func intent(_ id: String, session: Session, result: MatchResult, text: String, tokens: [Token] = []) -> (
        Session, Reply
    ) {
        // (A one-word hello read as a goodbye, "dag" or "salut", was a clear greeting first: `greetingOrGoodbye`.)
        if Self.needsARule.contains(id) && !Self.ruleFired(for: id, in: result) {
            return miss(session, result: result, tokens: tokens)
        }
        let id = greetingOrGoodbye(id, session: session, result: result, text: text)
        if content.isTopic(id) {
            var session = session
            session.pending = .none
            return answer(id, session: session, result: result)
        }
        var session = session
        // An offer of a person that was not answered ("thanks" after it) is no longer open: a later "ok" must not
        // call one.
        if session.pending == .handoffOffer { session.pending = .none }
        var reply: Reply
        (session, reply) = conversationIntent(id, session: session, text: text)
        reply.intent = id
        reply.confidence = result.confidence
        reply.match = result
        return (session, reply)
    }

    /// "salut", "salu", "dag" and "ciao" say hello as well as goodbye in Belgium. A one-word goodbye before anything
    /// was asked is taken as a hello (there is nothing to end yet), and a one-word hello that reads as a goodbye as
    /// well (its goodbye scores as an answer too) is a goodbye once the conversation has begun. Longer messages keep
    /// their reading: "tot ziens", "ik ben klaar" and `/done` always end the conversation and wipe what was typed.
    func greetingOrGoodbye(_ id: String, session: Session, result: MatchResult, text: String) -> String {
        guard id == "chat.goodbye" || id == "chat.greeting", Self.isOneWord(text) else { return id }
        if id == "chat.goodbye" { return session.hasNotBegun ? "chat.greeting" : id }
        guard !session.hasNotBegun else { return id }
        let goodbye = result.explanation.candidateScore("chat.goodbye") ?? 0
        return goodbye >= matcher.configuration.answerThreshold ? "chat.goodbye" : id
    }

    /// Intents taken only when one of their rules (keyword or pattern) fired, not on the similarity of an example
    /// alone; otherwise the message is not understood, which loses nothing. A goodbye ends the conversation and wipes
    /// it: "en mijn foto's zijn die dan weg?" is close to "ik ga weg", "et si c'est le soir ?" to "c'est tout, bonne
    /// soirée". "It does not work" and "it works" differ by a word the engine leaves out of its similarity; the rules
    /// of `feedback.not-working` name the negation.
    static let needsARule: Set<String> = ["chat.goodbye", "feedback.not-working"]

    /// Whether a keyword or pattern of intent `id` fired (its examples alone do not count).
    static func ruleFired(for id: String, in result: MatchResult) -> Bool {
        guard let evidence = evidence(for: id, in: result) else { return false }
        return !evidence.keywords.isEmpty || !evidence.patterns.isEmpty
    }

    /// The evidence for candidate `id` (written out only when asked: these are rare questions).
    static func evidence(for id: String, in result: MatchResult) -> Evidence? {
        result.explanation.candidates.first { $0.id == id }?.evidence
    }

    /// True for a message of one word, punctuation aside ("salut !").
    static func isOneWord(_ text: String) -> Bool {
        text.split(whereSeparator: { !$0.isLetter }).count == 1
    }

    func conversationIntent(_ id: String, session: Session, text: String) -> (Session, Reply) {
        var session = session
        let words = content.words(session.language)
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        switch id {
        case "nav.next": return navigate(.next, session: session)
        case "nav.previous": return navigate(.previous, session: session)
        case "nav.repeat": return navigate(.repeat, session: session)
        case "nav.all-steps": return navigate(.all, session: session)
        case "nav.restart": return navigate(.restart, session: session)
        case "handoff.request": return requestHandoff(session, reason: "asked for a person")
        case "lang.switch":
            if let language = targetLanguage(text) { return switchLanguage(to: language, session: session) }
            // "other language please", "kan het in het Arabisch?": no language Stapje speaks is named, so it says
            // which it speaks rather than "I now speak English with you".
            reply.intent = "lang.switch"
            reply.texts = [words.text("language_choice")]
        case "chat.greeting":
            session.missedCount = 0
            reply.texts = [words.text("greeting")]
        case "chat.thanks":
            session.missedCount = 0
            reply.texts = [words.text("thanks")]
            // "gelukt", "ça marche" in the middle of an answer: one step worked, and there are more.
            if let topic = session.topic, let answer = content.answer(topic, language: session.language),
                !isOnLastStep(session, of: answer)
            {
                reply.topic = topic
                reply.hints = [words.text("next_hint")]
            }
        case "chat.goodbye":
            reply.texts = [words.text("goodbye")]
            reply.events = [.endSession]
        case "chat.capabilities":
            reply.texts = [words.text("capabilities")]
            reply.suggestions = categoryNames(session.language)
            reply.hints = [words.text("capabilities_commands")]
        case "feedback.not-working" where session.topic != nil:
            return notWorking(session)
        case "feedback.not-helpful", "feedback.not-working":
            session.missedCount += 1
            if session.missedCount >= 2 {
                offerPerson(&reply, &session)
            } else {
                reply.texts = [words.text("not_helpful")]
            }
        default:
            reply.kind = .fallback
            reply.texts = [words.text("out_of_scope")]
        }
        return (session, reply)
    }

    /// A message not understood while a topic is on screen: the person is most likely still busy with it ("what
    /// now", "from brussels midi", "en op mijn gsm?"). They see that it was not understood and where they are, with
    /// what they can type, instead of the general list of what Stapje knows. `session` has the miss counted.
    func stillOnTopic(_ session: Session, result: MatchResult?, tokens: [Token]) -> (Session, Reply)? {
        guard let topic = session.topic, let answer = content.answer(topic, language: session.language) else {
            return nil
        }
        var session = session
        let words = content.words(session.language)
        // Words of one of its parts ("j'ai pas de mot de passe pour la bibliothèque"): that part is where they are.
        switch partAsked(tokens, session: session) {
        case .notWorking: return notWorking(session, counted: false)
        case .step(let index): session.step = index
        case nil: break
        }
        var oneStep = session
        oneStep.allSteps = false
        var reply = render(answer, session: oneStep, kind: .fallback)
        reply.answer = nil
        reply.match = result
        reply.confidence = result?.confidence ?? 0
        reply.texts = [words.text("fallback_topic", ["title": answer.title])]
        if reply.options.isEmpty {
            reply.hints = [words.text("fallback_topic_hint")]
        } else {
            // The last step: its follow-ups can still be picked by number.
            session.pending = .followUps(related(answer, region: session.region))
            reply.hints.append(words.text("fallback_topic_hint"))
        }
        return (session, reply)
    }

    /// "It does not work" with a topic on screen: that topic's own "does it not work?" part, which is written for
    /// this. Said a second time in a row, a person is offered, as after two misses.
    /// `counted`: false when the person's words named that part (it is no miss of theirs).
    func notWorking(_ session: Session, counted: Bool = true) -> (Session, Reply) {
        var session = session
        let words = content.words(session.language)
        guard let topic = session.topic, let answer = content.answer(topic, language: session.language) else {
            return conversationIntent("feedback.not-helpful", session: session, text: "")
        }
        let text = views.view(of: answer, region: session.region, content: content).ifNotWorking
        guard !text.isEmpty else { return conversationIntent("feedback.not-helpful", session: session, text: "") }
        if counted { session.missedCount += 1 }
        session.pending = .none
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.intent = "feedback.not-working"
        reply.topic = topic
        if session.missedCount >= 2 {
            // Not the first thing that went wrong: the advice once more, and a person.
            offerPerson(&reply, &session, after: [words.text("if_not_working") + " " + text])
        } else {
            reply.texts = [words.text("if_not_working") + " " + text]
            reply.hints = [words.text("not_working_hint")]
        }
        return (session, reply)
    }

    /// A plain yes or no right after "did it work?" (asked at the last step) answers it: yes is good news, no is
    /// the topic's "does it not work?" part (`notWorking`). The session when it is one, and whether it worked.
    func lastStepAnswer(_ text: String, session: Session) -> (Session, Bool)? {
        guard let topic = session.topic, session.handoff == .none,
            let answer = content.answer(topic, language: session.language)
        else { return nil }
        switch session.pending {
        case .none, .followUps: break
        case .clarification, .handoffOffer: return nil
        }
        guard isOnLastStep(session, of: answer), let worked = yesOrNo(text, session: session) else { return nil }
        var session = session
        if worked {
            session.missedCount = 0
            session.pending = .none
        }
        return (session, worked)
    }

    /// Whether the person sees the last step of `answer` (or all of them).
    func isOnLastStep(_ session: Session, of answer: Answer) -> Bool {
        session.allSteps || session.step >= answer.steps(region: session.region).count - 1
    }

    /// Offers a person after repeated misses: the reply falls back with `texts` and then the offer, and the session
    /// waits for a yes (`StandaloneHandoff` finds the offer by its words).
    func offerPerson(_ reply: inout Reply, _ session: inout Session, after texts: [String] = []) {
        session.pending = .handoffOffer
        reply.kind = .fallback
        reply.texts = texts + [content.words(session.language).text("fallback_second")]
    }

    /// A reply of the assistant's own words `key`.
    func chat(_ key: String, session: Session) -> Reply {
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.texts = [content.words(session.language).text(key)]
        return reply
    }

    /// The out-of-scope rule for someone in danger now: its reply says to call 112 (`emergency`).
    static let emergencyRule = "oos.emergency"

    func miss(_ session: Session, result: MatchResult?, tokens: [Token] = []) -> (Session, Reply) {
        // Something Stapje does not answer in general ("should I go to the police?", "how much does it cost?") that
        // a step of the answer on screen does answer ("Money gone? Report it to the local police"): that step.
        if let rule = result?.outOfScopeRule, rule != Self.emergencyRule, let result,
            case .step(let index) = partAsked(tokens, session: session)
        {
            return show(.step(index), session: session, result: result)
        }
        var session = session
        session.missedCount += 1
        session.pending = .none
        let words = content.words(session.language)
        var reply = Reply(kind: .fallback, language: session.language, region: session.region)
        reply.match = result
        reply.confidence = result?.confidence ?? 0
        if let result, result.outOfScopeRule == Self.emergencyRule, Self.ruleFired(for: Self.emergencyRule, in: result)
        {
            // Someone in danger: call 112 and tell the desk, said first and alone (no list of categories, no offer
            // to type yes: the desk is where help comes from now). Only when a keyword or pattern of the rule fired:
            // a question merely close to its examples ("a pain in my back from sitting at the computer") is no alarm.
            reply.texts = [words.text("emergency")]
        } else if session.missedCount >= 2 {
            offerPerson(&reply, &session)
        } else if let result, let rule = result.outOfScopeRule, understoodAsOutOfScope(rule, in: result) {
            // Understood, but not something Stapje helps with: said plainly, with what it does help with, and that
            // a person can be asked (docs: the assistant "offers a human helper").
            reply.texts = [words.text("out_of_scope")]
            reply.hints = [words.text("welcome_human")]
        } else if let (onTopic, stillThere) = stillOnTopic(session, result: result, tokens: tokens) {
            return (onTopic, stillThere)
        } else {
            reply.texts = [words.text("fallback_first")]
            reply.suggestions = categoryNames(session.language)
        }
        return (session, reply)
    }

    /// Whether the out-of-scope rule that leads a fallback was really matched: a keyword or pattern of it fired, or
    /// it scored as much as a clarifying question needs. A weak guess ("dat heeft niet geholpen" at 0.26 for a
    /// broken screen) is a message not understood, not one Stapje "cannot help with".
    func understoodAsOutOfScope(_ rule: String, in result: MatchResult) -> Bool {
        if Self.ruleFired(for: rule, in: result) { return true }
        let score = result.explanation.candidates.first?.score ?? 0
        return score >= matcher.configuration.clarifyThreshold
    }

    func clarify(_ ids: [String], session: Session, result: MatchResult) -> (Session, Reply) {
        var session = session
        let topics = ids.filter { content.isTopic($0) || $0 == "handoff.request" }
        guard !topics.isEmpty else { return miss(session, result: result) }
        session.pending = .clarification(topics)
        var reply = Reply(kind: .clarify, language: session.language, region: session.region)
        reply.intent = result.intent
        reply.confidence = result.confidence
        reply.match = result
        reply.texts = [content.words(session.language).text("clarify")]
        reply.options = options(topics, language: session.language)
        return (session, reply)
    }

    func choose(number: Int, session: Session) -> (Session, Reply) {
        var session = session
        let list: [String]
        switch session.pending {
        case .clarification(let ids), .followUps(let ids): list = ids
        default:
            // No list on screen, but an answer is: a number is the step it names ("2" after "Stap 1 van 7").
            if session.topic != nil && number >= 1 { return go(to: .number(number), session: session) }
            return question(String(number), session: session)
        }
        guard number >= 1 && number <= list.count else {
            var reply = Reply(kind: .chat, language: session.language, region: session.region)
            reply.texts = [content.words(session.language).text("clarify_none")]
            reply.options = options(list, language: session.language)
            return (session, reply)
        }
        session.pending = .none
        let id = list[number - 1]
        if id == "handoff.request" { return requestHandoff(session, reason: "chosen from a list") }
        // The topic already on screen, picked from a list: on where the person was, not from step 1 again.
        if id == session.topic { return navigate(.repeat, session: session) }
        return answer(id, session: session, result: nil)
    }

    // MARK: - Answers and steps

    func answer(_ id: String, session: Session, result: MatchResult?) -> (Session, Reply) {
        var session = session
        guard let answer = content.answer(id, language: session.language) ?? content.answers[id]?.values.first
        else { return miss(session, result: result) }
        session.topic = id
        session.step = 0
        session.missedCount = 0
        var reply = render(answer, session: session, kind: .answer)
        reply.intent = id
        reply.confidence = result?.confidence ?? 1
        reply.match = result
        if reply.position.map({ $0.step == $0.total }) == true || session.allSteps {
            let followUps = related(answer, region: session.region)
            session.pending = followUps.isEmpty ? .none : .followUps(followUps)
        }
        return (session, reply)
    }

    enum Move {
        case next, previous, `repeat`, all, restart
    }

    func navigate(_ move: Move, session: Session) -> (Session, Reply) {
        var session = session
        let words = content.words(session.language)
        guard let topic = session.topic, let answer = content.answer(topic, language: session.language) else {
            var reply = Reply(kind: .chat, language: session.language, region: session.region)
            reply.texts = [words.text("no_topic")]
            return (session, reply)
        }
        let total = answer.steps(region: session.region).count
        // Understood: a miss before it no longer counts towards offering a person.
        session.missedCount = 0
        var note: String?
        switch move {
        case .next:
            if session.step + 1 < total {
                session.step += 1
            } else {
                note = words.text("last_step")
                session.askedIfItWorked = true
            }
        case .previous:
            if session.step > 0 { session.step -= 1 } else { note = words.text("first_step") }
        case .repeat:
            break
        case .restart:
            session.step = 0
        case .all:
            var all = session
            all.allSteps = true
            var reply = render(answer, session: all, kind: .step)
            reply.texts = [words.text("all_steps_title")]
            // A helper sees the whole answer again, its safety line and notes for helpers included: the sheet's
            // view, at the moment they join a conversation under way. A starter sees the steps.
            if !session.helperMode { reply.answer = nil }
            let followUps = related(answer, region: session.region)
            session.pending = followUps.isEmpty ? .none : .followUps(followUps)
            session.step = max(total - 1, 0)
            return (session, reply)
        }
        var reply = render(answer, session: session, kind: .step)
        if !(session.helperMode && session.allSteps) { reply.answer = nil }
        reply.texts = note.map { [$0] } ?? []
        if session.step == total - 1 {
            let followUps = related(answer, region: session.region)
            session.pending = followUps.isEmpty ? .none : .followUps(followUps)
        } else {
            session.pending = .none
        }
        return (session, reply)
    }

    /// The step asked for by its number, of the answer on screen; a number beyond its steps says how many there are
    /// and shows the step the person is at.
    func go(to step: StepRequests.Step, session: Session) -> (Session, Reply) {
        guard let topic = session.topic, let answer = content.answer(topic, language: session.language) else {
            return navigate(.repeat, session: session)
        }
        let total = answer.steps(region: session.region).count
        let index: Int?
        switch step {
        case .last: index = total > 0 ? total - 1 : nil
        case .number(let number): index = (1...max(total, 1)).contains(number) && total > 0 ? number - 1 : nil
        }
        guard let index else {
            var (next, reply) = navigate(.repeat, session: session)
            reply.texts = [content.words(session.language).text("no_such_step", ["total": "\(total)"])]
            return (next, reply)
        }
        return showStep(index, session: session)
    }

    /// The reply showing `answer` at the session's step (or all steps).
    func render(_ answer: Answer, session: Session, kind: Reply.Kind) -> Reply {
        let words = content.words(session.language)
        let view = views.view(of: answer, region: session.region, content: content)
        var reply = Reply(kind: kind, language: session.language, region: session.region)
        reply.topic = answer.id
        reply.answer = view
        let total = view.steps.count
        if session.allSteps {
            reply.steps = view.steps
            reply.position = total > 0 ? Reply.Position(step: total, total: total) : nil
        } else if total > 0 {
            let index = min(session.step, total - 1)
            reply.steps = [view.steps[index]]
            reply.position = Reply.Position(step: index + 1, total: total)
        }
        let atEnd = reply.position.map { $0.step == $0.total } ?? true
        if atEnd {
            reply.options = options(related(answer, region: session.region), language: session.language)
            if !reply.options.isEmpty { reply.hints = [words.text("followups")] }
        } else {
            reply.hints = [words.text("next_hint")]
        }
        return reply
    }

    /// The follow-ups of `answer` that apply in `region` (itsme and the Belgian card reader are no follow-ups in
    /// France).
    func related(_ answer: Answer, region: Region) -> [String] {
        answer.related.filter { content.isTopic($0) && content.applies($0, in: region) }
    }

    func options(_ ids: [String], language: Language) -> [Reply.Option] {
        ids.enumerated().map { index, id in
            let title =
                content.answer(id, language: language)?.title
                ?? (id == "handoff.request" ? content.words(language).text("welcome_human") : id)
            return Reply.Option(number: index + 1, id: id, title: title)
        }
    }

    func categoryNames(_ language: Language) -> [String] {
        lexicon.categories[language] ?? []
    }

    // MARK: - Handoff, language, region

    func requestHandoff(_ session: Session, reason: String) -> (Session, Reply) {
        var session = session
        session.pending = .none
        session.missedCount = 0
        session.handoff = .requested(reason: reason, topicGuess: session.topic)
        var reply = Reply(kind: .handoff, language: session.language, region: session.region)
        reply.intent = "handoff.request"
        reply.topic = session.topic
        reply.texts = [content.words(session.language).text("handoff_requested")]
        reply.events = [.handoffRequested(reason: reason, topicGuess: session.topic)]
        return (session, reply)
    }

    /// Cancels a requested handoff (the person changed their mind).
    public func cancelHandoff(_ session: Session) -> (Session, Reply) {
        var session = session
        session.handoff = .none
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.texts = [content.words(session.language).text("handoff_cancelled")]
        return (session, reply)
    }

    func declined(_ session: Session) -> (Session, Reply) {
        var session = session
        session.missedCount = 0
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.texts = [content.words(session.language).text("handoff_offer_declined")]
        return (session, reply)
    }

    /// Switches the language for good and shows the current step again in it.
    public func switchLanguage(to language: Language, session: Session) -> (Session, Reply) {
        var session = session
        session.language = language
        session.languageLocked = true
        var reply = Reply(kind: .chat, language: language, region: session.region)
        if let topic = session.topic, let answer = content.answer(topic, language: language) {
            reply = render(answer, session: session, kind: .step)
            reply.answer = nil
        }
        reply.intent = "lang.switch"
        reply.texts.insert(content.words(language).text("language_switched"), at: 0)
        return (session, reply)
    }

    /// "ik woon in brussel en zoek werk": the region changes, and a question in the same message is answered in it
    /// when it names a topic of its own; otherwise the region change alone is the reply.
    func switchRegion(to region: Region, session: Session, thenAsking text: String, tokens: [Token]) -> (Session, Reply)
    {
        let (switched, note) = switchRegion(to: region, session: session)
        let (asked, reply) = question(text, tokens: tokens, session: switched)
        guard reply.kind == .answer, let topic = reply.topic, topic != session.topic else { return (switched, note) }
        var combined = reply
        combined.texts.insert(contentsOf: note.texts.prefix(1), at: 0)
        return (asked, combined)
    }

    /// Switches the region and shows the current step again in its variant.
    public func switchRegion(to region: Region, session: Session) -> (Session, Reply) {
        var session = session
        session.region = region
        let words = content.words(session.language)
        var reply = Reply(kind: .chat, language: session.language, region: region)
        if let topic = session.topic, let answer = content.answer(topic, language: session.language) {
            session.step = min(session.step, max(answer.steps(region: region).count - 1, 0))
            reply = render(answer, session: session, kind: .step)
        }
        reply.texts.insert(words.text("region_switched", ["region": words.entry("regions", region.rawValue)]), at: 0)
        return (session, reply)
    }

    /// Words that turn "I speak French" into "I do not speak French", and the language each belongs to.
    static let negations: [String: Language] = [
        "geen": .nl, "niet": .nl, "pas": .fr, "ne": .fr, "point": .fr, "not": .en, "dont": .en, "cannot": .en,
    ]

    /// Verbs of knowing a language: a negation counts only with one of them ("kan het niet in het Frans?" asks
    /// for French).
    static let languageVerbs: Set<String> = [
        "spreek", "spreekt", "spreken", "versta", "verstaat", "begrijp", "begrijpt", "lees", "leest", "ken", "kent",
        "praat", "klap", "klapt", "parle", "parles", "parlez", "comprends", "comprend", "comprenez", "lis", "lit",
        "sais", "speak", "speaks", "understand", "understands", "read", "know", "talk",
    ]

    /// The language a switch request asks for: the one it names, or, when it says it does not speak the
    /// language it names ("ik spreek geen Frans", "je ne comprends pas le néerlandais"), the language of the
    /// negation itself, which is the language the person is writing in.
    ///
    /// Clause by clause: a clause that names a language without denying it wins over one that denies knowing one,
    /// so "in het Frans aub, mijn man verstaat geen Vlaams" asks for French and "je parle pas bien français,
    /// english please" for English.
    func targetLanguage(_ text: String) -> Language? {
        var clauses: [[String]] = [[]]
        for token in Tokenizer().tokens(text) {
            if token.startsClause { clauses.append([]) }
            clauses[clauses.count - 1].append(token.folded)
        }
        var denied: Language?
        for clause in clauses {
            if clause.contains(where: Self.languageVerbs.contains),
                let negation = clause.lazy.compactMap({ Self.negations[$0] }).first
            {
                denied = denied ?? negation
                continue
            }
            let words = Set(clause)
            if let named = lexicon.languages.first(where: { $0.names.contains(where: words.contains) }) {
                return named.language
            }
        }
        return denied
    }

    /// Words that say "I live in": only with one of them does a place name change the region.
    static let residenceCues: Set<String> = [
        "woon", "wonen", "woonachtig", "habite", "habiter", "habitons", "vis", "live", "living", "region", "regio",
    ]

    func regionStatement(_ tokens: [Token], session: Session) -> Region? {
        guard tokens.count <= 12, tokens.contains(where: { Self.residenceCues.contains($0.folded) }) else { return nil }
        return region(in: tokens.map(\.folded), session: session)
    }

    /// The one region whose own services `tokens` name, or nil when they name none, or those of two regions ("le
    /// forem ou actiris ?").
    func serviceRegion(_ tokens: [Token]) -> Region? {
        guard !lexicon.services.isEmpty else { return nil }
        let words = tokens.map(\.folded)
        var found: Region?
        for (region, names) in lexicon.services where names.contains(where: { Self.contains(words, $0) }) {
            if let found, found != region { return nil }
            found = region
        }
        return found
    }

    /// Whether `words` hold `name` as consecutive words.
    static func contains(_ words: [String], _ name: [String]) -> Bool {
        guard let first = name.first, words.count >= name.count else { return false }
        for start in 0...(words.count - name.count) where words[start] == first {
            if words[start..<start + name.count].elementsEqual(name) { return true }
        }
        return false
    }

    func region(in tokens: [String], session: Session) -> Region? {
        let words = Set(tokens)
        return lexicon.regions.first { $0.names.contains(where: words.contains) }?.region
    }

    func yesOrNo(_ text: String, session: Session) -> Bool? {
        let folded = Self.trimmed(TextFolding.fold(text))
        if lexicon.yes[session.language]?.contains(folded) == true { return true }
        if lexicon.no[session.language]?.contains(folded) == true { return false }
        return nil
    }

    /// `text` without punctuation and spaces at either end ("ja!" → "ja").
    static func trimmed(_ text: String) -> String {
        func isEdge(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation, .spaceSeparator:
                return true
            default:
                return scalar == "\t"
            }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isEdge($0) }),
            let last = scalars.lastIndex(where: { !isEdge($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    // MARK: - Commands

    func command(_ text: String, session: Session) -> (Session, Reply) {
        let parts = text.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = TextFolding.fold(parts.first ?? "")
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch Self.commands[name] {
        case .next: return navigate(.next, session: session)
        case .previous: return navigate(.previous, session: session)
        case .repeat: return navigate(.repeat, session: session)
        case .all: return navigate(.all, session: session)
        case .restart: return navigate(.restart, session: session)
        case .help: return conversationIntent("chat.capabilities", session: session, text: text)
        case .human: return requestHandoff(session, reason: "asked for a person")
        case .done: return conversationIntent("chat.goodbye", session: session, text: text)
        case .language:
            if let language = Language(code: argument) ?? targetLanguage(argument) {
                return switchLanguage(to: language, session: session)
            }
        case .region:
            if let region = Region(code: argument) ?? region(in: [TextFolding.fold(argument)], session: session) {
                return switchRegion(to: region, session: session)
            }
            var reply = Reply(kind: .chat, language: session.language, region: session.region)
            reply.texts = [content.words(session.language).text("region_question")]
            return (session, reply)
        case nil:
            break
        }
        var reply = Reply(kind: .chat, language: session.language, region: session.region)
        reply.texts = [content.words(session.language).text("capabilities_commands")]
        return (session, reply)
    }

    /// The slash commands, in the three languages.
    public enum Command: Sendable, CaseIterable {
        case next, previous, `repeat`, all, restart, help, human, done, language, region
    }

    /// Every command word (folded) and what it does.
    public static let commands: [String: Command] = [
        "next": .next, "volgende": .next, "suivant": .next, "verder": .next,
        "back": .previous, "terug": .previous, "vorige": .previous, "retour": .previous, "precedent": .previous,
        "repeat": .repeat, "herhaal": .repeat, "repeter": .repeat,
        "all": .all, "steps": .all, "stappen": .all, "etapes": .all, "alles": .all, "tout": .all,
        "restart": .restart, "opnieuw": .restart, "recommencer": .restart,
        "help": .help, "hulp": .help, "aide": .help,
        "human": .human, "mens": .human, "humain": .human, "helper": .human, "person": .human,
        "done": .done, "klaar": .done, "fini": .done,
        "lang": .language, "taal": .language, "langue": .language, "language": .language,
        "region": .region, "regio": .region,
    ]
}
