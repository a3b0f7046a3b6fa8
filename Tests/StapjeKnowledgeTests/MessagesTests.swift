import Testing

@testable import StapjeKnowledge

/// Placeholders are filled on bytes; the result must be what a search for characters gives.
struct MessagesTests {
    @Test(arguments: [
        ("Stap {n} van {total}", "Stap 2 van 5"), ("Étape {n} sur {total}", "Étape 2 sur 5"),
        ("{n}{n}/{total}", "22/5"), ("{", "{"), ("", ""), ("geen plaats", "geen plaats"), ("{n", "{n"),
        ("→ {n} ←", "→ 2 ←"),
    ])
    func placeholdersAreFilledEverywhere(template: String, expected: String) {
        #expect(template.replacingAll("{n}", with: "2").replacingAll("{total}", with: "5") == expected)
    }

    @Test func lineEndsAreMadePlain() {
        #expect("a\r\nb\r\n".replacingAll("\r\n", with: "\n") == "a\nb\n")
    }
}
