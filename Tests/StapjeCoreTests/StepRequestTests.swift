import StapjeText
import Testing

@testable import StapjeCore

/// Requests for a numbered step ("stap 3", "la dernière étape"), read with the bundled conversation words.
struct StepRequestTests {
    static let requests = StepRequests(content: TranscriptTests.conversation.content)

    static func step(_ text: String) -> StepRequests.Step? {
        requests.step(in: Tokenizer().tokens(text))
    }

    @Test(arguments: [
        ("stap 4", StepRequests.Step.number(4)),
        ("ga naar stap 5 aub", .number(5)),
        ("toon mij de derde stap nog eens", .number(3)),
        ("kan ik stap zeven zien", .number(7)),
        ("de laatste stap", .last),
        ("3e stap", .number(3)),
        ("stapje 2", .number(2)),
        ("étape 4 svp", .number(4)),
        ("revenir à l'étape 2", .number(2)),
        ("la dernière étape", .last),
        ("la 2ème étape une fois", .number(2)),
        ("montrez-moi la troisième étape", .number(3)),
        ("step 6", .number(6)),
        ("go back to step 2 please", .number(2)),
        ("show me the first step again", .number(1)),
        ("2nd step", .number(2)),
        ("the final step", .last),
        ("step 12", .number(12)),
    ])
    func aNumberedStepIsRead(text: String, expected: StepRequests.Step) {
        #expect(Self.step(text) == expected, "\(text)")
    }

    /// A message that mentions a step but asks something else, or names no number of a step, is no such request.
    @Test(arguments: [
        "stap 3 lukt niet",
        "een stap terug",
        "volgende stap",
        "ik zit vast bij stap 4 van itsme",
        "one step back",
        "can you show this step one more time",
        "step 3 does not work",
        "the next step",
        "what is the first step to apply for a job",
        "l'étape 3 ne marche pas",
        "montre l'étape une fois",
        "étape suivante",
        "stap",
        "4",
        "step 3 step 4 step 5 step 6 step 7 step 8",
    ])
    func otherMessagesAreNot(text: String) {
        #expect(Self.step(text) == nil, "\(text)")
    }
}
