import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeCore

/// Which part of the answer on screen a follow-up asks about (`AnswerPartFinder`), on an answer written here.
struct AnswerPartFinderTests {
    /// An answer of the bundled content with its words replaced by these.
    static func view(title: String, steps: [String], ifNotWorking: String) -> AnswerView {
        let content = TranscriptTests.conversation.content
        guard let answer = content.answer("docs.print", language: .en) else {
            preconditionFailure("the bundled content has no English docs.print")
        }
        var view = AnswerView(answer, region: .VL, bundle: content)
        view.title = title
        view.steps = steps
        view.ifNotWorking = ifNotWorking
        return view
    }

    static let printing = view(
        title: "Print a document",
        steps: [
            "Open the document on the computer.",
            "Choose the printer and the number of copies.",
            "Pay at the desk: a page in colour costs more.",
            "Take your pages from the printer tray.",
        ],
        ifNotWorking: "Paper stuck or an empty tray? Ask at the desk.")

    static func part(_ message: String) -> AnswerPartFinder.Part? {
        AnswerPartFinder(language: .en).part(of: printing, asked: Tokenizer().tokens(message))
    }

    @Test func theStepThatNamesTheWordIsFound() {
        #expect(Self.part("and in colour?") == .step(2))
        #expect(Self.part("how many copies") == .step(1))
    }

    @Test func aWordOfOnePartCountsMoreThanAWordOfTwo() {
        // "tray" is in step 4 and in the "does it not work?" part, "pages" in step 4 alone.
        #expect(Self.part("the pages in the tray") == .step(3))
    }

    @Test func theTitlesWordsFindNothingAndATieGoesToTheFirst() {
        #expect(Self.part("print my document") == nil)
        // "printer" is in steps 2 and 4: both hold it, the first is shown.
        #expect(Self.part("the printer") == .step(1))
    }

    @Test func devicesAndSmallWordsNameNoPart() {
        #expect(Self.part("and on my computer?") == nil)
        #expect(Self.part("what about the") == nil)
    }

    @Test func aMessageThatDeniesLeansToTheNotWorkingPart() {
        #expect(Self.part("the printer is not working") == .notWorking)
        #expect(Self.part("it does not take the paper") == .notWorking)
        // Without a negation the same words find the step.
        #expect(Self.part("take the paper") == .step(3))
    }
}
