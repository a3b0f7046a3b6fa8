import StapjePrivacy
import StapjeText
import Testing

/// The one redactor: placeholders in place of the values, the rest of the text kept as it was.
struct RedactorTests {
    let redactor = Redactor()

    /// The golden corpus of protocol.md §4.5, and more.
    static let corpus: [(String, String)] = [
        ("mijn rijksregisternummer is 85.07.30-033.28", "mijn rijksregisternummer is [NATIONAL-NUMBER]"),
        ("numéro national 17 07 30 033 84", "numéro national [NATIONAL-NUMBER]"),
        ("IBAN BE48 3200 7018 4927 graag", "IBAN [IBAN] graag"),
        ("GR16 0110 1050 0000 1054 7023 795", "[IBAN]"),
        ("jan.peeters@example.be", "[EMAIL]"),
        ("0471 23 45 67", "[PHONE]"),
        ("+32 471 23 45 67", "[PHONE]"),
        ("bel +32 (0)471 23 45 67 of 02 123 45 67", "bel [PHONE] of [PHONE]"),
        ("4111 1111 1111 1111", "[CARD]"),
        ("591-1917064-58", "[EID-NUMBER]"),
        ("ISBN 9789020412345", "ISBN 9789020412345"),
        ("Mijn pincode is 1234, hoe betaal ik online?", "Mijn pincode is [SECRET], hoe betaal ik online?"),
        (
            "mon mot de passe est chat noir, je ne peux pas me connecter",
            "mon mot de passe est [SECRET], je ne peux pas me connecter"
        ),
        ("my password is hunter2", "my password is [SECRET]"),
        ("itsme vraagt code 12345", "itsme vraagt code [CODE]"),
        ("de kaartlezer toont 1234 5678", "de kaartlezer toont [READER-CODE]"),
        ("klantnummer 1234567890", "klantnummer [NUMBER]"),
        ("BE48\u{200B}3200 7018 4927 graag", "[IBAN] graag"),
        ("café ☕ 0471 23 45 67 👍 merci", "café ☕ [PHONE] 👍 merci"),
        ("bel 078 170 170 of mail naar info@bib.be", "bel 078 170 170 of mail naar [EMAIL]"),
        ("lijn 17 naar 2000 Antwerpen", "lijn 17 naar 2000 Antwerpen"),
    ]

    @Test(arguments: corpus)
    func redacts(_ text: String, _ expected: String) {
        #expect(redactor.redact(text) == expected)
    }

    @Test(arguments: corpus)
    func redactingTwiceChangesNothing(_ text: String, _ expected: String) {
        #expect(redactor.redact(redactor.redact(text)) == redactor.redact(text))
    }

    @Test(arguments: [
        ("mijn pincode is 1234, hoe betaal ik online?", "hoe betaal ik online?"),
        ("mijn rijksregisternummer is 85.07.30-033.28", ""),
        ("m'n nummer is 0471 23 45 67", ""),
        ("waar vul ik 85.07.30-033.28 in?", "waar vul ik in?"),
        ("mon numéro, c'est le 0471 23 45 67. Comment ça marche?", "Comment ça marche?"),
        ("my password is hunter2 but how do I log in", "but how do I log in"),
    ])
    func theRemainderIsWhatWasSaidBesides(_ text: String, _ expected: String) {
        let findings = redactor.detector.findings(in: text)
        #expect(!findings.isEmpty)
        #expect(redactor.remainder(findings, in: text) == expected)
    }

    @Test func theRemainderCanKeepTheAnnouncingWords() {
        let text = "mijn rijksregisternummer is 85.07.30-033.28"
        let findings = redactor.detector.findings(in: text)
        #expect(redactor.remainder(findings, in: text, keepingAnnouncements: true) == "mijn rijksregisternummer is")
    }

    /// Odd text (random digits, separators, letters, symbols and non-ASCII) never crashes the detector, findings
    /// never overlap, and no digit run the redactor leaves behind is still a finding.
    @Test func oddTextIsHandled() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("0123456789      0123456789.-/+()@:=,abcBE NLxyz is pin ٣８\u{200B}\u{301}é👍\n")
        for _ in 0..<3000 {
            let length = Int(generator.next() % 40)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let findings = redactor.detector.findings(in: text)
            for (first, second) in zip(findings, findings.dropFirst()) {
                #expect(first.range.upperBound <= second.range.lowerBound, "overlap in \(text.debugDescription)")
            }
            let redacted = redactor.redact(text)
            let again = redactor.detector.findings(in: redacted).filter { $0.kind != .secret }
            #expect(again.isEmpty, "\(text.debugDescription) → \(redacted.debugDescription)")
        }
    }
}
