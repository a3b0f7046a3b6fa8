import StapjePrivacy
import Testing

/// One expected finding: the text, what is found in it (the exact value), its kind and its check-digit label.
struct Case: CustomTestStringConvertible, Sendable {
    var text: String
    var value: String
    var kind: SensitiveData.Kind
    var checksum: SensitiveData.Checksum

    init(_ text: String, _ kind: SensitiveData.Kind, _ checksum: SensitiveData.Checksum = .none, value: String? = nil) {
        self.text = text
        self.value = value ?? text
        self.kind = kind
        self.checksum = checksum
    }

    var testDescription: String { "\(kind) in '\(text)'" }
}

/// Tables of true and false cases for every detector (protocol.md §4.4 and §4.5).
struct DetectorTests {
    let detector = SensitiveDataDetector()

    static let nationalNumbers: [Case] = [
        Case("85.07.30-033.28", .nationalNumber, .valid),
        Case("85073003328", .nationalNumber, .valid),
        Case("85 07 30 033 28", .nationalNumber, .valid),
        Case("850730-033-28", .nationalNumber, .valid),
        Case("850730 03328", .nationalNumber, .valid),
        Case("17.07.30-033.84", .nationalNumber, .valid),  // born 2017: the 2000+ rule
        Case("numéro national 17 07 30 033 84", .nationalNumber, .valid, value: "17 07 30 033 84"),
        Case("01.02.03-004.67", .nationalNumber, .valid),  // born 2001
        Case("85.47.30-033.17", .nationalNumber, .valid),  // BIS number, month + 40
        Case("85073003329", .nationalNumber, .invalid),  // a typo is still personal
        Case("17.07.30-033.83", .nationalNumber, .invalid),
        Case("17.07.30-033.55", .nationalNumber, .valid),  // 1917: the pre-2000 rule
        Case(
            "mijn rijksregisternummer is 85.07.30-033.28, klopt dat?", .nationalNumber, .valid,
            value: "85.07.30-033.28"),
        Case("NN: 85.07.30-033.28.", .nationalNumber, .valid, value: "85.07.30-033.28"),
        Case("８５.０７.３０-０３３.２８", .nationalNumber, .valid),  // full-width digits
    ]

    static let eidNumbers: [Case] = [
        Case("591-1917064-58", .eidNumber, .valid),
        Case("591 1917064 58", .eidNumber, .valid),
        Case("591191706458", .eidNumber, .valid),
        Case("591-1917064-59", .eidNumber, .invalid),
        Case("kaartnummer 591-1917064-58 op mijn eID", .eidNumber, .valid, value: "591-1917064-58"),
    ]

    static let ibans: [Case] = [
        Case("BE48 3200 7018 4927", .iban, .valid),
        Case("BE48320070184927", .iban, .valid),
        Case("be48 3200 7018 4927", .iban, .valid),
        Case("BE48-3200-7018-4927", .iban, .valid),
        Case("BE 48 3200 7018 4927", .iban, .valid),
        Case("IBAN BE48 3200 7018 4927 graag", .iban, .valid, value: "BE48 3200 7018 4927"),
        Case("BE48 3200 7018 4927 GRAAG", .iban, .valid, value: "BE48 3200 7018 4927"),
        Case("BE31435411161155", .iban, .valid),
        Case("BE32 123-4567890-02", .iban, .valid),
        Case("BE49 3200 7018 4927", .iban, .invalid),  // wrong check digits: still masked
        Case("BE48 3200 7018 492", .iban, .invalid),  // a digit short: still masked
        Case("GR16 0110 1050 0000 1054 7023 795", .iban, .valid),
        Case("NL91ABNA0417164300", .iban, .valid),
        Case("NL91 ABNA 0417 1643 00", .iban, .valid),
        Case("FR14 2004 1010 0505 0001 3M02 606", .iban, .valid),
        Case("mon IBAN: DE89 3704 0044 0532 0130 00.", .iban, .valid, value: "DE89 3704 0044 0532 0130 00"),
        Case("BE48\u{200B}3200 7018 4927", .iban, .valid),  // a zero-width space does not hide it
    ]

    static let cards: [Case] = [
        Case("4111 1111 1111 1111", .paymentCard, .valid),
        Case("4111-1111-1111-1111", .paymentCard, .valid),
        Case("4111111111111111", .paymentCard, .valid),
        Case("5555 5555 5555 4444", .paymentCard, .valid),
        Case("3782 822463 10005", .paymentCard, .valid),  // American Express, 4-6-5
        Case("4111 1111 1111 1112", .paymentCard, .invalid),  // a typo: still masked
        Case("mijn kaart 4111 1111 1111 1111 vervalt 12/27", .paymentCard, .valid, value: "4111 1111 1111 1111"),
        Case("123850730033280", .paymentCard, .invalid),  // a national number inside a longer run is not one
    ]

    static let emails: [Case] = [
        Case("jan.peeters@example.be", .email),
        Case("Jan_Peeters+bib@mail.example.co.uk", .email),
        Case("schrijf naar marie@gmail.com.", .email, value: "marie@gmail.com"),
        Case("mon adresse: élise.dupont@exemple.fr, merci", .email, value: "élise.dupont@exemple.fr"),
        Case("jan@gmail", .email),  // no dot: over-matching is fine for redaction
    ]

    static let phones: [Case] = [
        Case("0471 23 45 67", .phone),
        Case("0471/23.45.67", .phone),
        Case("0471234567", .phone),
        Case("0471-23-45-67", .phone),
        Case("+32 471 23 45 67", .phone),
        Case("+32 (0)471 23 45 67", .phone),
        Case("+32471234567", .phone),
        Case("0032 471 23 45 67", .phone),
        Case("02 123 45 67", .phone),
        Case("09/123.45.67", .phone),
        Case("+32 2 123 45 67", .phone),
        Case("06 12 34 56 78", .phone),
        Case("01.23.45.67.89", .phone),
        Case("+33 6 12 34 56 78", .phone),
        Case("+33 (0)6 12 34 56 78", .phone),
        Case("0033 6 12 34 56 78", .phone),
        Case("bel me op 0471 23 45 67 aub", .phone, value: "0471 23 45 67"),
        Case("geboren in 1985. 0471 23 45 67 is mijn nummer", .phone, value: "0471 23 45 67"),
    ]

    static let secrets: [Case] = [
        Case("mijn wachtwoord is zomer2024", .secret, value: "zomer2024"),
        Case("mijn pincode is 1234", .secret, value: "1234"),
        Case("Mijn pincode is 1234, hoe betaal ik online?", .secret, value: "1234"),
        Case("m'n pincode is 1234", .secret, value: "1234"),
        Case("mijn PIN-code: 4321", .secret, value: "4321"),
        Case("pincode 1234", .secret, value: "1234"),
        Case("mijn pincode 12 34", .secret, value: "12 34"),
        Case("wachtwoord = Geheim!", .secret, value: "Geheim"),  // "!" before the end closes the clause
        Case("1234 is mijn pincode", .secret, value: "1234"),
        Case("mijn code is 4455", .secret, value: "4455"),
        Case("my password is this dog99", .secret, value: "this dog99"),  // a pronoun alone would be no secret
        Case("mijn itsme code is 12345", .secret, value: "12345"),
        Case("mijn wachtwoord is rood en blauw maar ik kan niet inloggen", .secret, value: "rood en blauw"),
        Case("mijn wachtwoord is p.ssw0rd. Waarom lukt het niet?", .secret, value: "p.ssw0rd"),
        Case("mon code pin c'est 1234", .secret, value: "1234"),
        Case("mon code PIN, c’est 1234", .secret, value: "1234"),
        Case("mon mot de passe est Soleil!2024", .secret, value: "Soleil!2024"),
        Case("mon mot de passe est chat noir, je ne peux pas me connecter", .secret, value: "chat noir"),
        Case("1234 c'est mon code", .secret, value: "1234"),
        Case("my password is hunter2", .secret, value: "hunter2"),
        Case("My PIN is 0000.", .secret, value: "0000"),
        Case("my password's abc123", .secret, value: "abc123"),
        Case("my PIN number is 9876 but the machine says no", .secret, value: "9876"),
    ]

    static let codes: [Case] = [
        Case("itsme vraagt code 12345", .oneTimeCode, value: "12345"),
        Case("ik zie 54321 in itsme", .oneTimeCode, value: "54321"),
        Case("de sms-code is 123456", .oneTimeCode, value: "123456"),
        Case("de kaartlezer toont 1234 5678", .readerCode, value: "1234 5678"),
        Case("Digipass response: 87654321", .readerCode, value: "87654321"),
        Case("le lecteur de carte affiche 12345678", .readerCode, value: "12345678"),
        Case("responscode 8765-4321 werkt niet", .readerCode, value: "8765-4321"),
    ]

    static let longNumbers: [Case] = [
        Case("klantnummer 1234567890", .number, value: "1234567890"),
        Case("8507300332", .number),  // a national number a digit short
        Case("dossier 123 456 789 123", .number, value: "123 456 789 123"),
    ]

    @Test(arguments: nationalNumbers + eidNumbers + ibans + cards + emails + phones + secrets + codes + longNumbers)
    func finds(_ expected: Case) throws {
        let findings = detector.findings(in: expected.text)
        #expect(findings.count == 1, "\(findings.map(\.kind))")
        let finding = try #require(findings.first)
        #expect(finding.kind == expected.kind)
        #expect(String(expected.text.unicodeScalars[finding.range]) == expected.value)
        #expect(finding.checksum == expected.checksum)
    }

    /// Text that holds no personal data, including digits that are not: years, bus lines, prices, dates, public
    /// service numbers, books, questions about a secret rather than the secret itself.
    static let clean: [String] = [
        "hoe solliciteer ik online",
        "lijn 17 naar 2000 Antwerpen",
        "bus 95 om 10.30 uur",
        "in 2024 en 2025",
        "ik heb 1718 gebeld",
        "bel 078 170 170 om je kaart te blokkeren",
        "Card Stop: +32 78 170 170",
        "0800 30 700",
        "070 22 00 00",
        "0800 123 456",  // French free number
        "ISBN 9789020412345",
        "978-90-204-1234-5",
        "geboren op 30/07/1985",
        "afspraak op 2026-11-20 om 14:30",
        "het kost € 1.250,00",
        "100 000 mensen",
        "mijn postcode is 9000",
        "de appwinkel vraagt een wachtwoord, welk wachtwoord is dat?",
        "which password is it",
        "c'est quel mot de passe, celui-là ? le code pin c'est ça",
        "mon code postal est 59000",
        "Lille 59000",
        "foutcode 12345 op het scherm",
        "error code 40401",
        "ik heb 12345678 stappen gezet",
        "de kaartlezer model 2024",
        "ik typ een @ maar het lukt niet",
        "mijn pincode is geblokkeerd",
        "mijn wachtwoord is vergeten",
        "ik ben mijn wachtwoord vergeten",
        "mijn pincode is 3 keer fout ingegeven",
        "mijn wachtwoord is niet meer geldig",
        "mijn code is verlopen",
        "wat is mijn pincode?",
        "hoe weet ik wat mijn pincode is?",
        "de code is verstuurd naar mijn gsm",
        "waar vind ik de pukcode",
        "is mijn wachtwoord veilig genoeg?",
        "mon mot de passe est bloqué",
        "mon code pin est faux",
        "j'ai oublié mon mot de passe",
        "my password is not working",
        "my PIN is blocked",
        "my password is too short",
        "what is my PIN?",
        "de 12 stappen",
        "iPhone 15 of Samsung S24",
        "stuur de mail door naar verdacht@safeonweb.be",
        "my itsme code is gone from my head",
    ]

    @Test(arguments: clean)
    func findsNothing(_ text: String) {
        let findings = detector.findings(in: text)
        #expect(findings.isEmpty, "\(findings.map { "\($0.kind): \(text[$0.range])" })")
    }

    @Test func aDeploymentCanAddPublicAddresses() {
        let library = SensitiveDataDetector(publicEmailDomains: ["Bib.Gent.be"])
        #expect(library.findings(in: "mail naar info@bib.gent.be").isEmpty)
        #expect(library.findings(in: "mail naar jan@gmail.com").map(\.kind) == [.email])
    }

    @Test func findsSeveralInOneMessage() {
        let text = "ik ben jan@x.be, tel 0471 23 45 67, IBAN BE48 3200 7018 4927 en NN 85.07.30-033.28"
        let kinds = detector.findings(in: text).map(\.kind)
        #expect(kinds == [.email, .phone, .iban, .nationalNumber])
    }

    @Test func secretPhrasesTellTheirLanguage() {
        let languages = ["mijn pincode is 1234", "mon code pin c'est 1234", "my PIN is 1234", "pincode 1234"].map {
            detector.findings(in: $0).first?.language
        }
        #expect(languages == [.nl, .fr, .en, nil])
    }

    @Test func thePhraseCoversTheWordsThatAnnouncedTheValue() throws {
        let text = "mijn rijksregisternummer is 85.07.30-033.28"
        let finding = try #require(detector.findings(in: text).first)
        #expect(String(text.unicodeScalars[finding.phrase]) == text)
        let question = "waar vul ik 85.07.30-033.28 in?"
        let inside = try #require(detector.findings(in: question).first)
        #expect(inside.phrase == inside.range)
    }
}
