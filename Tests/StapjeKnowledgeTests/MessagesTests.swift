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

    /// Filling every placeholder at once gives what replacing them one by one gives, for values without braces.
    @Test(arguments: [
        "Stap {n} van {total}", "Étape {n} sur {total}", "{n}{n}/{total}", "{", "", "geen plaats", "{n", "→ {n} ←",
        "{{n}}", "{x} en {n}", "{total", "}{n}{", "{n}}", "{{total}", "n} {n",
    ])
    func fillingAtOnceGivesWhatOneByOneGives(template: String) {
        let arguments = ["n": "2", "total": "5"]
        let oneByOne = template.replacingAll("{n}", with: "2").replacingAll("{total}", with: "5")
        #expect(template.filling(arguments) == oneByOne)
        #expect(template.filling(["n": "{total}"]) == template.replacingAll("{n}", with: "{total}"))
    }

    @Test func aValueIsNotReadAgainForPlaceholders() {
        #expect("{a}".filling(["a": "{b}", "b": "x"]) == "{b}")
    }

    @Test func lineEndsAreMadePlain() {
        #expect("a\r\nb\r\n".replacingAll("\r\n", with: "\n") == "a\nb\n")
    }
}
