import Foundation
import StapjeCore
import StapjeKnowledge
import StapjeTerminal
import StapjeText
import Testing

/// Wrapping, emphasis, completion and the standalone handoff, without a process.
struct RenderingTests {
    @Test(arguments: [20, 33, 60])
    func wrappedLinesFitAndHangUnderTheirMarker(width: Int) {
        let wrapper = TextWrapper(width: width)
        let step = "12. Tik op de knop om te solliciteren, bijvoorbeeld Solliciteer, en volg de stappen op het scherm."
        let lines = wrapper.wrap(step)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { TextWrapper.columns($0) <= width })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
        #expect(lines.joined(separator: " ").split(separator: " ") == step.split(separator: " "))
    }

    @Test func wideCharactersCountTwoColumns() {
        #expect(TextWrapper.columns("é ë ç") == 5)
        #expect(TextWrapper.columns("😀") == 2)
        #expect(TextWrapper.columns("e\u{301}") == 1)  // e + combining acute
        let lines = TextWrapper(width: 20).wrap("😀😀😀😀😀😀😀😀😀😀😀😀")
        #expect(lines == ["😀😀😀😀😀😀😀😀😀😀", "😀😀"])
    }

    @Test func frenchPunctuationStaysWithItsWord() {
        let lines = TextWrapper(width: 24).wrap("Vous voulez parler à une personne ? Tapez « humain ».")
        #expect(lines.allSatisfy { !$0.hasPrefix("?") && !$0.hasPrefix("»") && !$0.hasSuffix("«") })
        #expect(lines.contains { $0.contains("« humain ».") })
    }

    @Test func colourNeedsATerminalAndNoNoColor() {
        #expect(TerminalStyle.detect(isTerminal: true, environment: ["TERM": "xterm"]).enabled)
        #expect(!TerminalStyle.detect(isTerminal: false, environment: ["TERM": "xterm"]).enabled)
        #expect(!TerminalStyle.detect(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]).enabled)
        #expect(!TerminalStyle.detect(isTerminal: true, environment: ["TERM": "dumb"]).enabled)
        #expect(TerminalStyle.detect(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": ""]).enabled)
    }

    @Test func renderedAnswerKeepsItsWordsWhetherStyledOrNot() throws {
        let conversation = Conversation(content: StapjeBinary.bundle)
        let (_, reply) = conversation.respond(to: "hoe solliciteer ik online", in: Session(), at: Date())
        let title = try #require(reply.answer?.title)
        let plain = TerminalRenderer(content: StapjeBinary.bundle, style: .plain, width: 40).render(reply)
        let styled = TerminalRenderer(content: StapjeBinary.bundle, style: TerminalStyle(enabled: true), width: 40)
            .render(reply)
        #expect(plain.first == title)
        #expect(styled.first == "\u{1B}[1m\(title)\u{1B}[0m")
        #expect(!plain.joined().contains("\u{1B}"))
        let unstyled = styled.map {
            $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        }
        #expect(unstyled == plain)  // meaning is in the words: stripping the colours loses nothing
        #expect(plain.allSatisfy { TextWrapper.columns($0) <= 40 })
    }

    @Test func completionFindsCommandsWithArgumentsAndTitles() throws {
        let list = CompletionList(content: StapjeBinary.bundle, faceCommands: ["/quit"])
        #expect(list.matches(for: "/ta", language: .nl) == ["/taal en", "/taal fr", "/taal nl"])
        #expect(list.matches(for: "/RÉGION b", language: .nl) == ["/region BXL"])
        #expect(list.matches(for: "/qu", language: .nl) == ["/quit"])
        #expect(list.matches(for: "/volg", language: .fr) == ["/volgende"])
        let titles = try #require(list.titles[.nl])
        #expect(list.matches(for: "", language: .nl) == titles)
        let title = try #require(titles.first)
        let word = try #require(title.split(separator: " ").last)
        #expect(list.matches(for: String(word.prefix(4)).uppercased(), language: .en).contains(title))
    }

    @Test(arguments: [(Language.nl, Region.VL), (.fr, .WAL), (.en, .FR)])
    func standaloneHandoffSaysWhereToFindAPerson(language: Language, region: Region) throws {
        let bundle = StapjeBinary.bundle
        let conversation = Conversation(content: bundle)
        var (after, reply) = conversation.respond(
            to: "/mens", in: Session(language: language, region: region), at: Date())
        #expect(after.handoff != .none)
        let adjusted = StandaloneHandoff.adjust(reply, session: &after, content: bundle)
        // No request stays open on a screen no helper can reach.
        #expect(after.handoff == .none)
        let whereTo = try #require(bundle.answer(StandaloneHandoff.whereTopic, language: language))
        let summary = try #require(whereTo.section(.answer, region: region)?.text)
        let words = bundle.words(language)
        #expect(adjusted.texts.first == words.text("handoff_standalone", ["where": summary]))
        #expect(!adjusted.texts.contains(words.text("handoff_requested")))
        let steps = whereTo.steps(region: region)
        #expect(
            adjusted.texts.suffix(steps.count)
                == ArraySlice(steps.enumerated().map { "\($0.offset + 1). \($0.element)" }))

        var (session, other) = conversation.respond(to: "/stappen", in: Session(language: language), at: Date())
        let unchanged = session
        #expect(StandaloneHandoff.adjust(other, session: &session, content: bundle) == other)
        #expect(session == unchanged)

        // Two misses in a row: the core offers a helper and waits for a yes; with no helper behind this screen the
        // offer becomes where to find one.
        var missing = Session(language: language, region: region)
        missing.languageLocked = true
        var offer = other
        for nonsense in ["qwxz vbnm", "plok zzqr"] {
            (missing, offer) = conversation.respond(to: nonsense, in: missing, at: Date())
        }
        #expect(missing.pending == .handoffOffer)
        #expect(offer.texts == [words.text("fallback_second")])
        let instead = StandaloneHandoff.adjust(offer, session: &missing, content: bundle)
        // No offer waits for a yes: a "ja" would have shown the list again.
        #expect(missing.pending == .none)
        #expect(instead.texts.first == words.text("fallback_second_standalone", ["where": summary]))
        #expect(!instead.texts.contains(words.text("fallback_second")))
        #expect(instead.texts.count == 2 + steps.count)
    }

    @Test func anOfferAfterTheNotWorkingAdviceBecomesWhereToFindAPerson() throws {
        let bundle = StapjeBinary.bundle
        let conversation = Conversation(content: bundle)
        var session = Session(language: .nl, region: .VL)
        var reply = conversation.welcome(session)
        for message in ["hoe laat komt de bus", "qwxz vbnm", "het werkt niet"] {
            (session, reply) = conversation.respond(to: message, in: session, at: Date())
        }
        let words = bundle.words(.nl)
        #expect(session.pending == .handoffOffer)
        #expect(reply.texts.count == 2)
        #expect(reply.texts.first?.hasPrefix(words.text("if_not_working")) == true)
        #expect(reply.texts.last == words.text("fallback_second"))
        let adjusted = StandaloneHandoff.adjust(reply, session: &session, content: bundle)
        #expect(adjusted.texts.first == reply.texts.first)
        let whereTo = try #require(bundle.answer(StandaloneHandoff.whereTopic, language: .nl))
        let summary = try #require(whereTo.section(.answer, region: .VL)?.text)
        #expect(adjusted.texts[1] == words.text("fallback_second_standalone", ["where": summary]))
        #expect(!adjusted.texts.contains(words.text("fallback_second")))
    }

    @Test func optionsMustMakeSense() {
        #expect(TerminalOptions().problem == nil)
        #expect(TerminalOptions(warnAfter: 10, wipeAfter: 5).problem != nil)
        #expect(TerminalOptions(warnAfter: 0).problem != nil)
        #expect(TerminalOptions(kiosk: true, historyFile: "/tmp/h").problem != nil)
        #expect(TerminalOptions(kiosk: false, historyFile: "/tmp/h").problem == nil)
    }
}
