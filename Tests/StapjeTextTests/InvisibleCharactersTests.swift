import StapjeText
import Testing

struct InvisibleCharactersTests {
    @Test(arguments: [
        ("wacht\u{200B}woord", "wachtwoord"),
        ("\u{202E}lanimret\u{202C} ok", "lanimret ok"),
        ("\u{FEFF}hallo", "hallo"),
        ("mot\u{00AD}de\u{00AD}passe", "motdepasse"),
        ("a\u{2066}b\u{2069}c\u{200F}d\u{061C}e", "abcde"),
    ])
    func theyAreRemoved(_ input: String, _ expected: String) {
        #expect(InvisibleCharacters.removed(from: input) == expected)
    }

    @Test(arguments: [
        "hoe maak ik een e-mailadres", "où est le guichet « CPAS » ?", "prix : 5 €", "👨‍👩‍👧 famille", "می‌خواهم",
    ])
    func otherTextIsLeftAsItIs(_ input: String) {
        #expect(InvisibleCharacters.removed(from: input) == input)
    }
}
