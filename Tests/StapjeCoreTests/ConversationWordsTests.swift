import Testing

@testable import StapjeCore

/// The small word checks the conversation makes before matching.
struct ConversationWordsTests {
    @Test(arguments: [
        ("ja!", "ja"), ("  oui. ", "oui"), ("¿yes?", "yes"), ("«non»", "non"), ("...", ""), ("", ""),
        ("\tja\t", "ja"), ("ja, graag", "ja, graag"), ("ok-", "ok"),
    ])
    func answersAreTrimmedOfPunctuationAndSpaces(input: String, expected: String) {
        #expect(Conversation.trimmed(input) == expected)
    }
}
