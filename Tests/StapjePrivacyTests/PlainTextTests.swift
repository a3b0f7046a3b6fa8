import StapjeText
import Testing

@testable import StapjePrivacy

/// Most questions are plain ASCII words: the detector answers them from their bytes alone. That shortcut must
/// never hide a finding the full scan makes.
struct PlainTextTests {
    let detector = SensitiveDataDetector()

    @Test(arguments: [
        "hoe solliciteer ik online",
        "Waar vind ik de dienstregeling van De Lijn?",
        "comment reinstaller l'application, svp",
        "my phone is slow - what can I do",
        "",
        "mijn pinkode is geblokkeerd",  // a typo is not a noun for a secret
        "codes, wachtwoorden en pincodes",  // plural nouns start no announced secret
        "j’ai oublié où est l’arrêt",  // Latin-1 letters and typographic apostrophes
        "Größe und Straße",
    ])
    func plainQuestionsTakeTheShortcut(_ text: String) {
        #expect(SensitiveDataDetector.plainlyHoldsNothing(text))
        #expect(detector.scanned(text).isEmpty)
    }

    @Test(arguments: [
        "bus 95",  // a digit
        "mail jan@x.be",  // an address
        "mijn PIN is blocked",  // a noun for a secret, in capitals
        "Wachtwoord: zomer",
        "mon mot de passe c'est soleil",
        "my code is sunshine",  // "code" needs a possessive, but it starts a noun
        "prix en €",  // beyond Latin-1
        "2 × 3",
        "mon côde est soleil",  // folded, a noun
        "l’PIN",
        "ÉTÉ mot",
        "pin",
        "x-pin-y",
    ])
    func anythingThatMightHoldSomethingIsScanned(_ text: String) {
        #expect(!SensitiveDataDetector.plainlyHoldsNothing(text))
    }

    /// Every case of the detector's tables and every curated example question gives the same findings as the
    /// full scan.
    @Test func theShortcutAgreesWithTheScanOnKnownTexts() {
        let content = GuardTests.conversation.content
        var texts = DetectorTests.clean
        let cases =
            DetectorTests.nationalNumbers + DetectorTests.eidNumbers + DetectorTests.ibans + DetectorTests.cards
            + DetectorTests.emails + DetectorTests.phones + DetectorTests.secrets + DetectorTests.codes
            + DetectorTests.longNumbers
        texts += cases.map(\.text)
        for (_, rules) in content.intents {
            for rule in rules {
                texts += (rule.examples + rule.matchTests + rule.fallbackTests).map(\.value)
            }
        }
        #expect(texts.count > 1000)
        for text in texts {
            #expect(detector.findings(in: text) == detector.scanned(text), "\(text)")
        }
    }

    /// Random texts built from words for secrets (some in capitals), their neighbours, copulas, digits, marks and
    /// a few scalars beyond ASCII.
    @Test func theShortcutAgreesWithTheScanOnRandomTexts() {
        let pieces = [
            "mijn", "my", "mon", "pincode", "PIN", "pin", "pinnen", "Wachtwoord", "password", "passwords", "mot", "de",
            "passe", "code", "codes", "cvc", "is", "est", "c'est", ":", "=", ",", ".", "-", " ", " ", " ", "zomer",
            "soleil", "côde", "’", "×", "PÎN", "mÖt", "sunshine", "1234", "56", "@", "x.be", "é", "\u{200B}", "７", "\n",
            "'", "ok",
        ]
        var generator = SeededGenerator(seed: 7)
        var shortcuts = 0
        for _ in 0..<5000 {
            let count = Int(generator.next() % 8) + 1
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined(separator: generator.next() % 3 == 0 ? "" : " ")
            if SensitiveDataDetector.plainlyHoldsNothing(text) { shortcuts += 1 }
            #expect(detector.findings(in: text) == detector.scanned(text), "\(text.debugDescription)")
        }
        // Both paths were taken many times.
        #expect(shortcuts > 200 && shortcuts < 4800, "\(shortcuts)")
    }
}
