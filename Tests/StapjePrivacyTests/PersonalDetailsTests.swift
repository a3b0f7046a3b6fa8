import StapjePrivacy
import Testing

/// What is kept after a conversation (the unanswered questions) must not say who asked.
struct PersonalDetailsTests {
    @Test(arguments: [
        (
            "ik ben Fatima El Amrani geboren op 12/03/1961, ik woon Sint-Pietersnieuwstraat 33 9000 Gent",
            "ik ben [NAME] geboren op [DATE], ik woon [ADDRESS] [POSTCODE]"
        ),
        (
            "je suis Jean Dupont, né le 3 mars 1950, j'habite rue Haute 12 à Namur",
            "je suis [NAME], né le [DATE], j'habite [ADDRESS] à Namur"
        ),
        ("mijn dokter is dr Vermeulen en ik wil een afspraak", "mijn dokter is dr [NAME] en ik wil een afspraak"),
        ("ik heet fatima en ik zoek werk", "ik heet [NAME] en ik zoek werk"),
        ("my name is ahmed karimi and i need help", "my name is [NAME] and i need help"),
        ("je m'appelle Marie, je veux un rendez-vous", "je m'appelle [NAME], je veux un rendez-vous"),
        ("I'm Ahmed, born on March 3, 1950", "I'm [NAME], born on [DATE]"),
        ("I live at 10 Downing Street in London", "I live at [ADDRESS] in London"),
        ("mon adresse: avenue Louise 54, 1050 Ixelles", "mon adresse: [ADDRESS], [POSTCODE]"),
        ("geboren op 1 januari 1980 in 59000 Lille", "geboren op [DATE] in [POSTCODE]"),
        ("ik woon in de Kerkstraat 12b bus 3", "ik woon in de [ADDRESS]"),
    ])
    func detailsThatSayWhoAskedAreMasked(text: String, expected: String) {
        #expect(PersonalDetails.mask(text) == expected)
    }

    /// Text a hostile client crafts to make the patterns read it again from every letter (runs of letters and
    /// hyphens, Latin and Japanese letters alternating, with and without digits) is masked in one pass: each took
    /// seconds at 2 KB, on the threads the server shares between connections. The limit guards against a hang; it
    /// is no timing (a pass over these takes milliseconds).
    @Test(.timeLimit(.minutes(1)))
    func textBuiltToMakeThePatternsBacktrackIsReadOnce() {
        let long = String(repeating: "a-", count: 10_000)
        #expect(PersonalDetails.mask(long) == long)
        let scripts = String(repeating: "a\u{3042}", count: 10_000)
        #expect(PersonalDetails.mask(scripts) == scripts)
        let withDigits = String(repeating: "a-", count: 10_000) + " 1"
        #expect(PersonalDetails.mask(withDigits) == withDigits)
        // An address after such a run is still found.
        #expect(PersonalDetails.mask(String(repeating: "a-", count: 5_000) + " Kerkstraat 12").hasSuffix("[ADDRESS]"))
    }

    /// Questions without such details stay as they are: curators read them to improve the content.
    @Test(arguments: [
        "ik ben werkloos, hoe schrijf ik me in", "je suis perdu avec mon gsm", "I am lost with my phone",
        "hoe laat vertrekt de bus 71", "wat is het nummer 1700", "ik heb een afspraak om 14.30",
        "bel ik 112 of niet", "ik ben 72 jaar en wil leren mailen", "waar is de straat van het station",
        "how do I update to iOS 17", "le train de 8h12 est supprimé", "rijksregisternummer 85.07.30-033.61",
    ])
    func plainQuestionsStayAsTheyAre(text: String) {
        #expect(PersonalDetails.mask(text) == text)
    }
}
