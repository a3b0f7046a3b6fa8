import Foundation
import StapjeEngine
import StapjeKnowledge
import StapjeText
import Testing

/// A small rule set built in code, so each test shows exactly what the engine is given.
enum Fixture {
    static let location = SourceLocation(file: "test", line: 1)

    static func rules(
        _ id: String, _ language: Language, keywords: [String: Double] = [:], exclude: [String] = [],
        patterns: [String] = [], examples: [String], whole: Bool = false, clauses: Bool = false
    ) -> IntentRules {
        var rules = IntentRules(
            id: id, language: language,
            keywords: keywords.sorted { $0.key < $1.key }.map {
                Keyword(phrase: $0.key, weight: $0.value, location: location)
            },
            exclude: exclude.map { Located($0, location) }, patterns: patterns.map { Located($0, location) },
            examples: examples.map { Located($0, location) }, whole: whole, location: location)
        rules.clauses = clauses
        return rules
    }

    /// A bundle of one language with these rules, and concepts by name with their phrases.
    static func bundle(_ language: Language, _ rules: [IntentRules], concepts: [String: [String]] = [:])
        -> ContentBundle
    {
        var sets: [String: ConceptSet] = [:]
        for (name, phrases) in concepts {
            sets[name] = ConceptSet(name: name, language: language, phrases: phrases, location: location)
        }
        return ContentBundle(languages: [language], intents: [language: rules], concepts: [language: sets])
    }

    static let matcher: Matcher = {
        let nl = [
            rules(
                "trains.times", .nl, keywords: ["trein": 3, "vertrek": 3, "uur": 1], exclude: ["verdienen"],
                patterns: ["trein * (uur | vertrek | laat)"],
                examples: ["hoe laat vertrekt de trein", "treinuren naar gent", "wanneer rijdt de volgende trein"]),
            rules(
                "jobs.apply-online", .nl, keywords: ["solliciteren": 4, "vacature": 2], exclude: ["verdienen", "loon"],
                patterns: ["solliciteren * (online | internet)"],
                examples: ["hoe solliciteer ik online", "solliciteren op een vacature", "sollicitatie versturen"]),
            rules(
                "account.passwords", .nl, keywords: ["wachtwoord": 4], patterns: ["wachtwoord * vergeten"],
                examples: ["wachtwoord vergeten", "nieuw wachtwoord maken", "sterk wachtwoord kiezen"]),
            rules(
                "email.create", .nl, keywords: ["mailadres": 3, "gmail": 2],
                patterns: ["(maak | aanmaken) * mailadres"],
                examples: ["een mailadres maken", "gmail account aanmaken", "nieuw e-mailadres"]),
            rules(
                "nav.next", .nl, patterns: ["volgende [stap]"], examples: ["volgende", "volgende stap"], whole: true),
        ]
        let fr = [
            rules(
                "trains.times", .fr, keywords: ["train": 3, "horaire": 3], patterns: ["horaire * train"],
                examples: ["quand part le prochain train", "horaire du train pour namur", "le train a du retard"]),
            rules(
                "account.passwords", .fr, keywords: ["mot de passe": 4], patterns: ["mot passe * oublie"],
                examples: ["mot de passe oublié", "changer mon mot de passe", "un bon mot de passe"]),
        ]
        let en = [
            rules(
                "trains.times", .en, keywords: ["train": 3, "timetable": 3],
                examples: ["when does the next train leave"])
        ]
        return Matcher(bundle: ContentBundle(languages: [.nl, .fr, .en], intents: [.nl: nl, .fr: fr, .en: en]))
    }()
}

struct EngineTests {
    let matcher = Fixture.matcher

    @Test(arguments: [
        ("hoe laat vertrekt de trein naar gent", "trains.times"),
        ("sollisiteren op een vacature online", "jobs.apply-online"),
        ("wachtwoord vergeten", "account.passwords"),
        ("quand part le prochain train ?", "trains.times"),
        ("mot de pass oublié", "account.passwords"),
        ("volgende", "nav.next"),
    ])
    func answers(text: String, intent: String) {
        let result = matcher.match(text)
        #expect(result.kind == .answer, "\(result.explanation.decision)")
        #expect(result.intent == intent)
        #expect(result.confidence > 0 && result.confidence <= 1)
    }

    @Test(arguments: [
        "hoeveel verdient een treinbestuurder",
        "wat is het weer morgen",
        "asdfgh qwerty",
        "",
        "🙂🙂🙂",
    ])
    func fallsBack(text: String) {
        #expect(matcher.match(text).kind == .fallback)
    }

    @Test func wholeMessagePatternsDoNotFireInsideQuestions() {
        let result = matcher.match("volgende trein naar gent")
        #expect(result.intent == "trains.times")
    }

    @Test func excludeWordsStopAnAnswer() {
        let result = matcher.match("hoeveel loon verdienen ze als je solliciteert")
        #expect(result.kind != .answer)
        #expect(result.explanation.candidates.contains { $0.evidence.excludedBy != nil })
    }

    @Test(arguments: [("trein uur gent", Language.nl), ("horaire du train", .fr), ("train timetable please", .en)])
    func detectsTheLanguageOfShortQuestions(text: String, language: Language) {
        #expect(matcher.match(text).language == language)
    }

    @Test func anExplicitLanguageWins() {
        let result = matcher.match("train", context: MatchContext(language: .en, explicitLanguage: true))
        #expect(result.language == .en)
    }

    @Test func theSessionLanguageBreaksTies() {
        let nl = matcher.match("trein", context: MatchContext(language: .nl))
        #expect(nl.language == .nl)
    }

    /// Before any message settled a language, a conversation leans to its region's: that decides a tie and nothing else.
    @Test func aLeaningOnlyBreaksTies() {
        // "train" is a word of the French and the English content alike.
        #expect(matcher.match("train").language == .fr)
        let leaning = matcher.match("train", context: MatchContext(leaning: .en))
        #expect(leaning.language == .en)
        #expect(leaning.explanation.languageReason.contains("leans to en"))
        #expect(matcher.match("train").explanation.languageReason.contains("took fr, the first"))
        // It adds no points: clearly French stays French, and a language without the word does not win the tie.
        #expect(matcher.match("horaire du train", context: MatchContext(leaning: .en)).language == .fr)
        #expect(matcher.match("train", context: MatchContext(leaning: .nl)).language == .fr)
        // With no clue at all, the leaning is the language of the reply.
        #expect(matcher.match("xyzzy qwrtp", context: MatchContext(leaning: .en)).language == .en)
    }

    @Test func typosAreCorrectedAndExplained() {
        let result = matcher.match("wachtwoort vergeten")
        #expect(result.intent == "account.passwords")
        #expect(result.explanation.notes.corrections.contains("wachtwoort → wachtwoord"))
    }

    /// Equally close words with one stem are one word to match: "passwors" (password / passwords) is corrected.
    /// Equally close words with different stems are still a guess, and refused.
    @Test func aTieBetweenFormsOfOneWordIsNoGuess() {
        let bundle = ContentBundle(
            languages: [.en],
            intents: [
                .en: [
                    Fixture.rules(
                        "account.passwords", .en, keywords: ["password": 4, "passwords": 4, "forgot": 2],
                        examples: ["forgot my password", "new passwords"]),
                    Fixture.rules(
                        "docs.print", .en, keywords: ["printer": 4, "printed": 2],
                        examples: ["my printer is offline", "I printed the form"]),
                ]
            ])
        let matcher = Matcher(bundle: bundle)
        let english = MatchContext(language: .en, explicitLanguage: true)
        let forms = matcher.match("forgot my passwors", context: english)
        #expect(forms.explanation.notes.ambiguous.isEmpty)
        #expect(forms.explanation.notes.corrections == ["passwors → password"])
        #expect(forms.intent == "account.passwords")
        // "printeq" is one edit from "printer" and from "printed", whose stems differ: still no guess.
        let words = matcher.match("printeq", context: english)
        #expect(words.explanation.notes.corrections.isEmpty)
        #expect(words.explanation.notes.ambiguous == ["printeq: printed / printer"])
    }

    /// An intent cut by one of its excludes is not meant: not answered, and not offered as a choice either
    /// ("can I print my fingerprint" had got "Do you mean: 1. Print a document?").
    @Test func anExcludedIntentIsNotOffered() {
        let bundle = ContentBundle(
            languages: [.en],
            intents: [
                .en: [
                    Fixture.rules(
                        "docs.print", .en, keywords: ["print": 5, "paper": 3], exclude: ["fingerprint"],
                        examples: ["print a document", "print my ticket"])
                ]
            ])
        let matcher = Matcher(bundle: bundle)
        let english = MatchContext(language: .en, explicitLanguage: true)
        #expect(matcher.match("print my letter", context: english).kind == .answer)
        let excluded = matcher.match("print my fingerprint on paper", context: english)
        #expect(excluded.explanation.candidates.first?.evidence.excludedBy == "fingerprint")
        #expect(excluded.explanation.candidates.first?.score ?? 0 >= 0.4, "without the rule it would be a clarify")
        #expect(excluded.kind == .fallback)
        #expect(excluded.alternatives.isEmpty)
        #expect(excluded.explanation.decision.contains("cut by an exclude"))
    }

    @Test func shortWordsAreNotCorrected() {
        // "rain" is one edit from "train", but four letters allow no edit: no guess.
        let result = matcher.match("rain tomorrow", context: MatchContext(language: .en, explicitLanguage: true))
        #expect(result.explanation.notes.corrections.isEmpty)
    }

    @Test func compoundsAreSplitIntoKnownParts() {
        let result = matcher.match("treinvertrek gent")
        #expect(result.explanation.notes.compounds.contains { $0.hasPrefix("treinvertrek") })
    }

    @Test func compoundsAreADutchMatter() {
        let english = matcher.match("weekend trains", context: MatchContext(language: .en, explicitLanguage: true))
        #expect(english.explanation.notes.compounds.isEmpty)
        #expect(english.explanation.tokens.contains { $0.folded == "weekend" })
    }

    /// A phrase of the content typed without its spaces is read as the phrase, in every language (exactly: the
    /// typo index does not hold these long words).
    @Test func aPhraseTypedWithoutItsSpacesIsReadAsThePhrase() {
        let french = MatchContext(language: .fr, explicitLanguage: true)
        let glued = matcher.match("motdepasse oublié", context: french)
        #expect(glued.intent == "account.passwords")
        #expect(glued.explanation.notes.compounds == ["motdepasse → mot + de + passe"])
        #expect(glued.explanation.tokens.map(\.folded).prefix(3) == ["mot", "de", "passe"])
        let typo = matcher.match("motdepase oublié", context: french)
        #expect(typo.explanation.notes.compounds.isEmpty)
    }

    /// The name of a concept (`@safety-report`) is no word of the content: "report" stays unknown to Dutch content
    /// that only names the concept, and gives no clue that a question is Dutch; an `@` inside a word is no name.
    @Test func aConceptsNameIsNoWordOfTheContent() {
        let location = Fixture.location
        let bundle = ContentBundle(
            languages: [.nl, .en],
            intents: [
                .nl: [
                    Fixture.rules(
                        "safety.report", .nl, keywords: ["@safety-report": 3, "phishing": 2],
                        patterns: ["(@safety-report | doorsturen) * phishing"],
                        examples: ["phishing melden", "mail naar verdacht@safeonweb.be sturen"])
                ],
                .en: [Fixture.rules("safety.report", .en, keywords: ["report": 4], examples: ["report phishing"])],
            ],
            concepts: [
                .nl: [
                    "safety-report": ConceptSet(
                        name: "safety-report", language: .nl, phrases: ["melden"], location: location)
                ]
            ])
        let matcher = Matcher(bundle: bundle)
        #expect(matcher.diagnostics.isEmpty)
        let dutch = matcher.match("report", context: MatchContext(language: .nl, explicitLanguage: true))
        #expect(dutch.explanation.tokens.first?.isKnown == false)
        let detected = matcher.match("report phishing")
        #expect(detected.language == .en)
        let address = matcher.match("safeonweb", context: MatchContext(language: .nl, explicitLanguage: true))
        #expect(address.explanation.tokens.first?.isKnown == true)
    }

    /// Two phrases that glue into the same letters ("car pet", "carp et") leave that word unknown: no guess.
    @Test func twoPhrasesGluedAlikeAreNeitherOfThem() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules("a.one", .en, keywords: ["car pet": 3], examples: ["my car pet"]),
                Fixture.rules("a.two", .en, keywords: ["carp et": 3], examples: ["a carp et al"]),
            ])
        let result = Matcher(bundle: bundle).match(
            "carpet", context: MatchContext(language: .en, explicitLanguage: true))
        #expect(result.explanation.notes.compounds.isEmpty)
        #expect(result.explanation.tokens.map(\.folded) == ["carpet"])
    }

    /// A word another language's content uses is a real word, not a typo: "salut" in a Dutch question is left as
    /// it is, not made into the Dutch "saluut" one letter away.
    @Test func aWordOfAnotherLanguageIsNotCorrected() {
        let bundle = ContentBundle(
            languages: [.nl, .fr],
            intents: [
                .nl: [Fixture.rules("chat.goodbye", .nl, keywords: ["saluut": 3], examples: ["saluut, tot ziens"])],
                .fr: [Fixture.rules("chat.greeting", .fr, keywords: ["salut": 3], examples: ["salut, bonjour"])],
            ])
        let matcher = Matcher(bundle: bundle)
        let dutch = matcher.match("salut", context: MatchContext(language: .nl, explicitLanguage: true))
        #expect(dutch.explanation.notes.corrections.isEmpty)
        #expect(dutch.explanation.notes.otherLanguage == ["salut"])
        let typo = matcher.match("saluutt", context: MatchContext(language: .nl, explicitLanguage: true))
        #expect(typo.explanation.notes.corrections == ["saluutt → saluut"])
    }

    /// A content word typed without its accents has the content word's stem, although Snowball stems the two
    /// spellings apart ("données" -> "don", "donnees" -> "donne"); the same when the content writes both spellings.
    @Test(arguments: [["données"], ["données", "donnees"]])
    func anUnaccentedWordHasTheAccentedWordsStem(spellings: [String]) {
        #expect(Stemmer(language: .fr).stem("données") != Stemmer(language: .fr).stem("donnees"))
        let bundle = Fixture.bundle(
            .fr,
            [
                Fixture.rules(
                    "phone.mobile-data", .fr, patterns: spellings.map { "\($0) mobiles" },
                    examples: ["économiser mes données mobiles"])
            ])
        let matcher = Matcher(bundle: bundle)
        let typed = matcher.match("donnees mobiles")
        #expect(typed.explanation.tokens.map(\.stem) == matcher.match("données mobiles").explanation.tokens.map(\.stem))
        #expect(typed.explanation.candidates.first?.evidence.patterns.isEmpty == false)
    }

    /// The phrases with a `+word` are filed by their first word: each is found when the question has that word,
    /// whichever it is, and none when it has not.
    @Test func phrasesWithAPlusAreFoundByTheirFirstWord() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "oos.amounts", .en, keywords: ["+how +much": 2, "+when +do": 1, "+what +is": 1, "refund": 1],
                    examples: ["what is the amount of the benefit"])
            ])
        let matcher = Matcher(bundle: bundle)
        #expect(matcher.diagnostics.isEmpty)
        func keywords(_ text: String) -> [String] {
            matcher.match(text).explanation.candidates.first { $0.id == "oos.amounts" }?.evidence.keywords ?? []
        }
        #expect(
            keywords("how much is the refund and when do I get it, what is late") == [
                "+how +much", "+what +is", "+when +do", "refund",
            ])
        #expect(keywords("when do I get the refund") == ["+when +do", "refund"])
        #expect(keywords("the refund is late") == ["refund"])
    }

    /// Small words are left out of rules, unless marked with `+`: a pattern, keyword or exclude with a `+word` is
    /// read in the question with its small words, so "how much" can tell a question about an amount from one about
    /// a refund that did not come.
    @Test func aSmallWordMarkedWithPlusCounts() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "health.refund", .en, keywords: ["refund": 4], exclude: ["+how +long"],
                    examples: ["my refund did not come"]),
                Fixture.rules(
                    "oos.amounts", .en, keywords: ["+how +much": 2], patterns: ["+how +much * refund"],
                    examples: ["what is the amount of the benefit"]),
            ])
        let matcher = Matcher(bundle: bundle)
        #expect(matcher.diagnostics.isEmpty)
        func evidence(_ text: String, _ id: String) -> Evidence? {
            matcher.match(text).explanation.candidates.first { $0.id == id }?.evidence
        }
        let amount = evidence("how much is the refund", "oos.amounts")
        #expect(amount?.patterns == ["+how +much * refund"])
        #expect(amount?.keywords == ["+how +much"])
        // The small words must be there, side by side where written so.
        #expect(evidence("the refund did not come", "oos.amounts")?.patterns.isEmpty ?? true)
        #expect(evidence("how is the refund so much", "oos.amounts")?.keywords.isEmpty ?? true)
        #expect(evidence("how long does the refund take", "health.refund")?.excludedBy == "+how +long")
        #expect(evidence("my refund, how do I get it", "health.refund")?.excludedBy == nil)
        // Unmarked, small words are still ignored; a lone `+` is an error.
        let broken = Matcher(
            bundle: Fixture.bundle(
                .en,
                [
                    Fixture.rules(
                        "health.refund", .en, keywords: ["how much": 2], patterns: ["refund + much"],
                        examples: ["my refund did not come"])
                ]))
        #expect(broken.diagnostics.count == 2)
        #expect(broken.diagnostics.allSatisfy { $0.message.contains("+") })
    }

    /// An article marked with `+` is still dropped from the message, so "+the +law" stands for "law" wherever it is:
    /// a warning says so. Beside another marked word ("+is +it +a crime" reads "is it crime"), none.
    @Test func aMarkedArticleLeavingOneWordIsWarnedAbout() {
        let matcher = Matcher(
            bundle: Fixture.bundle(
                .en,
                [
                    Fixture.rules(
                        "oos.legal", .en, keywords: ["+the +law": 3, "+is +it +a crime": 3],
                        examples: ["is it legal to film the police"])
                ]))
        let warnings = matcher.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("'+the' in '+the +law' is an article") == true)
    }

    /// A phrase that small words shrink to one word ("get back" is "back" alone) gets a warning naming the word it
    /// counts as; marked with `+`, written as one word with a hyphen, or a keyword of a whole-message intent, none.
    @Test func aPhraseThatCountsAsOneWordIsWarnedAbout() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "gov.tax", .en, keywords: ["tax return": 4, "e-mail": 1], exclude: ["get back", "+get out"],
                    examples: ["fill in my tax return online"]),
                Fixture.rules(
                    "nav.next", .en, keywords: ["go on": 1], patterns: ["next"], examples: ["next"], whole: true),
            ])
        let warnings = Matcher(bundle: bundle).diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.hasPrefix("'get back' counts as 'back' alone") == true)
    }

    /// An exclude that stems like a word of one of the intent's own keywords would cancel the intent wherever the
    /// keyword is found (French "taxi" is stemmed "tax"): a warning names both; a longer phrase, none.
    @Test func anExcludeThatCancelsItsOwnKeywordIsWarnedAbout() {
        func warnings(_ exclude: [String]) -> [String] {
            let bundle = Fixture.bundle(
                .fr,
                [
                    Fixture.rules(
                        "gov.tax", .fr, keywords: ["tax on web": 4, "impôts": 3], exclude: exclude,
                        examples: ["déclarer mes impôts sur tax on web"])
                ])
            return Matcher(bundle: bundle).diagnostics.filter { $0.severity == .warning }.map(\.message)
        }
        #expect(Stemmer(language: .fr).stem("taxi") == Stemmer(language: .fr).stem("tax"))
        let clash = warnings(["taxi"])
        #expect(clash.count == 1)
        #expect(clash.first?.contains("'taxi'") == true && clash.first?.contains("'tax on web'") == true)
        #expect(warnings(["chauffeur de taxi", "train"]).isEmpty)
    }

    /// A keyword or exclude line that mixes concepts stands for every combination of their words: past
    /// 250 phrases (two concepts of 16 and 20 words make 320) it gets a warning with the count; a line with
    /// one concept, none. Such a line still works, also when it starts with small words marked `+` (a message cue,
    /// filed under its rarest stem rather than "what"): it excludes the topic when all of it is there, only then.
    @Test func aLineThatStandsForManyPhrasesIsWarnedAboutAndStillWorks() throws {
        let places = (1...16).map { "place\(Character(UnicodeScalar(96 + $0)!))" }
        let things = (1...20).map { "thing\(Character(UnicodeScalar(96 + $0)!))" }
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "phone.wifi", .en, keywords: ["wifi": 4, "@things": 1],
                    exclude: ["+what +is @places @things", "@places router"],
                    examples: ["connect my phone to the wifi"])
            ],
            concepts: ["places": places, "things": things])
        let matcher = Matcher(bundle: bundle)
        let warnings = matcher.diagnostics.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("'+what +is @places @things' stands for 320 phrases") == true)
        let excluded = matcher.match("what is placec thingq wifi", context: MatchContext(language: .en))
        #expect(excluded.explanation.candidates.first { $0.id == "phone.wifi" }?.evidence.excludedBy != nil)
        let kept = matcher.match("what is placec wifi", context: MatchContext(language: .en))
        #expect(kept.explanation.candidates.first { $0.id == "phone.wifi" }?.evidence.excludedBy == nil)
    }

    /// A concept's phrases are read without small words, so a `+word` in one would be lost without a word: it is
    /// an error that says where to put the phrase instead.
    @Test func aPlusWordInAConceptIsAnError() {
        let bundle = ContentBundle(
            languages: [.nl],
            intents: [
                .nl: [Fixture.rules("safety.banking", .nl, keywords: ["@bank-account": 3], examples: ["mijn rekening"])]
            ],
            concepts: [
                .nl: [
                    "bank-account": ConceptSet(
                        name: "bank-account", language: .nl, phrases: ["rekening", "+op +mijn rekening"],
                        location: Fixture.location)
                ]
            ])
        let errors = Matcher(bundle: bundle).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("'+op +mijn rekening'") == true)
    }

    /// A short message made only of a whole-message intent's own words (from its examples, keywords and patterns)
    /// is that intent even when no pattern covers it; one word from elsewhere ("train") and it is not.
    @Test func aShortMessageOfAWholeIntentsOwnWordsIsThatIntent() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "chat.thanks", .en, patterns: ["(thanks | thank you) [a lot]"],
                    examples: ["thanks", "thank you so much", "that is very kind"], whole: true),
                Fixture.rules(
                    "trains.times", .en, keywords: ["train": 3, "timetable": 3],
                    examples: ["when does the next train leave", "train timetable to ghent"]),
            ])
        let matcher = Matcher(bundle: bundle)
        let english = MatchContext(language: .en, explicitLanguage: true)
        let kind = matcher.match("very kind, thanks a lot", context: english)
        #expect(kind.intent == "chat.thanks" && kind.kind == .answer, "\(kind.explanation.decision)")
        #expect(kind.explanation.candidates.first?.evidence.patterns.isEmpty == true)
        let train = matcher.match("kind thanks for the train", context: english)
        #expect(train.intent != "chat.thanks")
    }

    /// A number no rule names is something the person said that a short command does not account for: a message
    /// with one is no near copy of a command's example, nor made only of its words ("17 fois 23" against "en une
    /// fois", which without its small words is "fois"), while the same words without the number still are.
    @Test func anUnnamedNumberKeepsAMessageFromBeingAShortCommand() {
        let bundle = Fixture.bundle(
            .fr,
            [
                Fixture.rules("nav.all-steps", .fr, examples: ["tout en une fois", "toutes les étapes"], whole: true),
                Fixture.rules(
                    "chat.thanks", .fr, patterns: ["merci (1000 | mille) fois"], examples: ["merci"], whole: true),
            ])
        let matcher = Matcher(bundle: bundle)
        let french = MatchContext(language: .fr, explicitLanguage: true)
        let command = matcher.match("en une fois", context: french)
        #expect(command.intent == "nav.all-steps" && command.kind == .answer, "\(command.explanation.decision)")
        for text in ["combien fait 17 fois 23", "17 fois"] {
            let sum = matcher.match(text, context: french)
            #expect(sum.kind == .fallback, "\(text): \(sum.explanation.decision)")
        }
        // A number a rule names is a word like any other.
        let thanks = matcher.match("merci 1000 fois", context: french)
        #expect(thanks.intent == "chat.thanks" && thanks.kind == .answer, "\(thanks.explanation.decision)")
    }

    /// A whole-message intent marked `clauses` also answers when its pattern covers one clause of a longer message
    /// ("merci, ça a marché pour le train"), but a topic the rest of the message asks about still wins; without the
    /// mark, or inside one clause, the pattern does not fire.
    @Test(arguments: [true, false])
    func aClauseOfALongerMessageCanBeAWholeMessageIntent(clauses: Bool) {
        let bundle = Fixture.bundle(
            .fr,
            [
                Fixture.rules(
                    "chat.thanks", .fr, patterns: ["merci [beaucoup]"], examples: ["merci", "merci beaucoup"],
                    whole: true, clauses: clauses),
                Fixture.rules(
                    "trains.times", .fr, keywords: ["train": 3, "horaire": 3], patterns: ["(horaire | part) * train"],
                    examples: ["quand part le prochain train", "horaire du train pour namur"]),
            ])
        let matcher = Matcher(bundle: bundle)
        let french = MatchContext(language: .fr, explicitLanguage: true)
        let thanks = matcher.match("merci beaucoup, ça a marché pour le train", context: french)
        #expect((thanks.intent == "chat.thanks") == clauses, "\(thanks.explanation.decision)")
        if clauses {
            #expect(thanks.kind == .answer)
            #expect(
                thanks.explanation.candidates.first?.evidence.patterns == [
                    "merci [beaucoup] (one clause of the message)"
                ])
            #expect(
                matcher.match("merci beaucoup", context: french).explanation.candidates.first?.evidence.patterns
                    == ["merci [beaucoup]"])
        }
        // Without a clause break the pattern must cover the whole message, as before.
        #expect(matcher.match("merci beaucoup ça a marché pour le train", context: french).intent != "chat.thanks")
        let question = matcher.match("merci. Quand part le prochain train pour Namur ?", context: french)
        #expect(question.intent == "trains.times" && question.kind == .answer, "\(question.explanation.decision)")
        // Beside a clause that asks something, a word of thanks is a courtesy: the question is answered even when
        // its own evidence is modest ("mais quand part le train", no pattern of trains.times's).
        let courtesy = matcher.match("merci beaucoup, mais quand part le train ?", context: french)
        #expect(courtesy.intent == "trains.times" && courtesy.kind == .answer, "\(courtesy.explanation.decision)")
        // A statement after the thanks is no question ("maintenant ça marche").
        let statement = matcher.match("merci beaucoup, maintenant ça marche", context: french)
        #expect((statement.intent == "chat.thanks") == clauses, "\(statement.explanation.decision)")
    }

    /// Dutch "het" before a clause's verb makes it a statement ("het is vervelend"), not a question ("is het
    /// vervelend?"): beside it, a request in another clause counts in full.
    @Test func aDutchStatementWithHetIsNoQuestionClause() {
        let bundle = Fixture.bundle(
            .nl,
            [
                Fixture.rules(
                    "nav.all-steps", .nl, patterns: ["zet alles op +het scherm"],
                    examples: ["alle stappen", "alles ineens"], whole: true, clauses: true)
            ])
        let matcher = Matcher(bundle: bundle)
        let dutch = MatchContext(language: .nl, explicitLanguage: true)
        let statement = matcher.match("het is vervelend, zet alles op het scherm", context: dutch)
        #expect(
            statement.explanation.candidates.first?.evidence.patterns == [
                "zet alles op +het scherm (one clause of the message)"
            ], "\(statement.explanation.decision)")
        let question = matcher.match("is het vervelend, zet alles op het scherm", context: dutch)
        #expect(
            question.explanation.candidates.first?.evidence.patterns == [
                "zet alles op +het scherm (one clause, beside a clause that asks something)"
            ], "\(question.explanation.decision)")
    }

    /// A whole-message intent's own words are those of its examples and keywords, not the many optional words of
    /// its patterns: "donnez" in a pattern does not make "mes données" (the same stem) its words.
    @Test func aWholeIntentsPatternWordsAreNotItsOwnWords() {
        let bundle = Fixture.bundle(
            .fr,
            [
                Fixture.rules(
                    "chat.capabilities", .fr, patterns: ["[montrez | donnez] menu"],
                    examples: ["j'ai besoin d'aide", "menu"], whole: true),
                Fixture.rules(
                    "email.use", .fr, keywords: ["mail": 3], examples: ["lire mes mails sur mon téléphone"]),
            ])
        let matcher = Matcher(bundle: bundle)
        let french = MatchContext(language: .fr, explicitLanguage: true)
        #expect(matcher.match("j'ai besoin de mes données", context: french).intent != "chat.capabilities")
        #expect(matcher.match("besoin d'aide", context: french).intent == "chat.capabilities")
    }

    /// A whole-message pattern matches with the question's small words or without them, but one that names a small
    /// word with `+` only with them: "+i +am done" is "i am done", never "ok done" (which the next step takes).
    @Test func aWholeMessagePatternWithAMarkedSmallWordNeedsIt() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "chat.goodbye", .en, patterns: ["[ok] +i +am (done | finished)", "bye"],
                    examples: ["bye"], whole: true),
                Fixture.rules(
                    "nav.next", .en, patterns: ["[ok] (done | next)"], examples: ["next"], whole: true),
                Fixture.rules("trains.times", .en, keywords: ["train": 3], examples: ["when does the train leave"]),
            ])
        let matcher = Matcher(bundle: bundle)
        #expect(matcher.diagnostics.isEmpty)
        let next = matcher.match("ok done")
        #expect(next.intent == "nav.next" && next.kind == .answer, "\(next.explanation.decision)")
        let goodbye = matcher.match("ok i am done")
        #expect(goodbye.explanation.candidates.first?.id == "chat.goodbye")
        #expect(goodbye.explanation.candidates.first?.evidence.patterns.isEmpty == false)
    }

    /// A number that a rule names (a helpline: 1700) is a word of the question like any other; other numbers are
    /// no words at all, so they neither fire a rule nor count as unknown.
    @Test func aNumberCountsWhenARuleNamesIt() {
        let bundle = Fixture.bundle(
            .nl,
            [
                Fixture.rules(
                    "help.where", .nl, keywords: ["1700": 5, "hulplijn": 3],
                    examples: ["waar vind ik hulp bij de computer"])
            ])
        let matcher = Matcher(bundle: bundle)
        let named = matcher.match("1700")
        #expect(named.explanation.candidates.first?.evidence.keywords == ["1700"])
        #expect(named.explanation.coverage == 1)
        let other = matcher.match("hulplijn 1800")
        #expect(other.explanation.candidates.first?.evidence.keywords == ["hulplijn"])
        #expect(other.explanation.coverage == 1)
    }

    /// A word that only an exclude list has ("movie" among a Dutch topic's excludes) is no correction target:
    /// "mooie" stays an unknown word instead of becoming "movie", yet "movie" typed as such still excludes, also
    /// as part of a compound.
    @Test func anExcludeOnlyWordIsNoCorrectionTarget() {
        let bundle = Fixture.bundle(
            .nl,
            [
                Fixture.rules(
                    "phone.video-call", .nl, keywords: ["video": 3], exclude: ["movie"],
                    examples: ["video bellen met mijn kleinkinderen"])
            ])
        let matcher = Matcher(bundle: bundle)
        let pretty = matcher.match("mooie video")
        #expect(pretty.explanation.notes.corrections.isEmpty)
        #expect(pretty.explanation.coverage == 0.5)
        let excluded = matcher.match("movie video")
        #expect(excluded.explanation.candidates.first?.evidence.excludedBy == "movie")
        #expect(excluded.explanation.coverage == 1)
        let compound = matcher.match("movievideo bellen")
        #expect(compound.explanation.notes.compounds == ["movievideo → movie + video"])
        #expect(compound.explanation.candidates.first?.evidence.excludedBy == "movie")
    }

    @Test func scoringDoesNotDependOnFileOrder() {
        let rules = Fixture.matcher
        let bundle = Fixture.bundle(
            .nl,
            [
                Fixture.rules("b.two", .nl, keywords: ["kaart": 2], examples: ["kaart kwijt"]),
                Fixture.rules("a.one", .nl, keywords: ["kaart": 2], examples: ["kaart kwijt"]),
            ])
        let reversed = ContentBundle(
            languages: [.nl], intents: [.nl: Array(bundle.intents[.nl]!.reversed())])
        let first = Matcher(bundle: bundle).match("kaart kwijt")
        let second = Matcher(bundle: reversed).match("kaart kwijt")
        let summary = { (result: MatchResult) in
            "\(result.kind) \(result.intent ?? "-") \(result.alternatives) "
                + result.explanation.candidates.map { "\($0.id)=\(($0.score * 1e4).rounded())" }.joined(separator: ",")
        }
        #expect(summary(first) == summary(second))
        #expect(first.kind == .clarify)
        #expect(first.alternatives == ["a.one", "b.two"])
        _ = rules
    }

    @Test func contextRaisesTheTopicOnScreenForShortFollowUps() {
        let plain = matcher.match("en online?", context: MatchContext(language: .nl))
        let inContext = matcher.match(
            "en online?", context: MatchContext(language: .nl, previousTopic: "jobs.apply-online"))
        let score = { (result: MatchResult) in
            result.explanation.candidates.first { $0.id == "jobs.apply-online" }?.score ?? 0
        }
        #expect(score(inContext) > score(plain))
    }

    /// "en op mijn gsm?" names no topic: alone it falls back; after a topic it offers that topic back (clarify),
    /// never answers it on that alone.
    @Test(arguments: ["en op mijn gsm?", "maar met mijn tablet", "wat met mijn laptop?", "op de computer?"])
    func aShortFollowUpOffersTheTopicOnScreen(text: String) {
        let alone = matcher.match(text, context: MatchContext(language: .nl))
        let after = matcher.match(text, context: MatchContext(language: .nl, previousTopic: "account.passwords"))
        #expect(alone.kind == .fallback)
        #expect(after.kind == .clarify)
        #expect(after.alternatives.first == "account.passwords")
        #expect(after.explanation.candidates.first?.evidence.contextBoost ?? 0 > 0)
    }

    /// Not a follow-up: no link word or preposition first, more than five words, or two clauses; and an exclude
    /// still rules the topic on screen out.
    @Test(arguments: [
        "mijn gsm?", "en dan wil ik het ook op mijn gsm", "en op mijn gsm? of op de tablet", "en wat verdienen ze",
    ])
    func otherMessagesAreNoFollowUps(text: String) {
        let context = MatchContext(language: .nl, previousTopic: "jobs.apply-online")
        let result = matcher.match(text, context: context)
        #expect(result.kind == .fallback)
        #expect(!result.alternatives.contains("jobs.apply-online"))
    }

    /// A follow-up that names another topic goes to that topic.
    @Test func aFollowUpNamingAnotherTopicGoesThere() {
        let result = matcher.match(
            "en de trein?", context: MatchContext(language: .nl, previousTopic: "account.passwords"))
        #expect(result.kind == .answer)
        #expect(result.intent == "trains.times")
    }

    /// The Dutch stemmer gives "gemeente" and "mening" one stem; `_stems.yaml` can tell them apart, in the content
    /// and in the question, typed with or without accents.
    @Test func curatedStemsTellApartWordsTheStemmerMerges() {
        var bundle = Fixture.bundle(
            .nl,
            [
                Fixture.rules(
                    "oos.opinions", .nl, keywords: ["mening": 4], examples: ["wat is jouw mening", "geef je mening"]),
                Fixture.rules(
                    "gov.portal", .nl, keywords: ["gemeente": 3],
                    examples: ["attest van de gemeente", "gemeente online"]),
            ])
        let merged = Matcher(bundle: bundle).match("hoe bereik ik de gemeente")
        #expect(merged.explanation.candidates.contains { $0.id == "oos.opinions" && !$0.evidence.keywords.isEmpty })
        bundle.stems[.nl] = ["gemeente": "gemeente", "gemeenten": "gemeente"]
        let matcher = Matcher(bundle: bundle)
        for question in ["hoe bereik ik de gemeente", "websites van de gemeenten"] {
            let result = matcher.match(question)
            #expect(result.intent == "gov.portal", "\(question)")
            #expect(
                !result.explanation.candidates.contains { $0.id == "oos.opinions" && !$0.evidence.keywords.isEmpty })
        }
        #expect(matcher.match("wat is uw mening").explanation.candidates.first?.id == "oos.opinions")
    }

    /// A keyword or exclude of words and a concept ("add @file") needs the words followed by one of the concept's
    /// phrases, not the words alone.
    @Test func aPhraseWithAConceptNeedsTheConcept() {
        let bundle = Fixture.bundle(
            .en,
            [
                Fixture.rules(
                    "email.attachment", .en, keywords: ["add @file": 4, "attachment": 3],
                    exclude: ["+how +much @file"], examples: ["add a photo to my mail", "open an attachment"])
            ],
            concepts: ["file": ["photo", "pdf file"]])
        let matcher = Matcher(bundle: bundle)
        #expect(matcher.diagnostics.isEmpty)
        let keywords = { (text: String) in matcher.match(text).explanation.candidates.first?.evidence.keywords ?? [] }
        #expect(keywords("add a photo").contains { $0.hasPrefix("add @file") })
        #expect(keywords("add the pdf file").contains { $0.hasPrefix("add @file") })
        #expect(!keywords("add numbers").contains { $0.hasPrefix("add @file") })
        #expect(
            matcher.match("how much storage for a photo attachment").explanation.candidates.first?.evidence.excludedBy
                == nil)
        #expect(matcher.match("how much photo do I need").explanation.candidates.first?.evidence.excludedBy != nil)
    }

    @Test func anyInputGivesAResult() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let length = Int.random(in: 0...80, using: &generator)
            let scalars = (0..<length).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0...0x1FFFF, using: &generator))
            }
            let text = String(String.UnicodeScalarView(scalars))
            let result = matcher.match(text)
            #expect(result.confidence >= 0 && result.confidence <= 1)
        }
        let huge = String(repeating: "trein wachtwoord 🙂 ", count: 6000)
        #expect(matcher.match(huge).confidence <= 1)
        let invalid = String(
            decoding: [0xFF, 0xFE, 0xC3, 0x28, 0x74, 0x72, 0x65, 0x69, 0x6E] as [UInt8], as: UTF8.self)
        _ = matcher.match(invalid)
    }
}

/// Every intent of the bundled content through its own test sentences (the same runs as `stapje check`).
struct ContentIntentTests {
    static let report = ContentChecker(root: ContentLocator.bundled).run()

    static var intentFiles: [String] {
        report.bundle.intents.values.flatMap { $0.map(\.location.file) }.sorted()
    }

    @Test(arguments: intentFiles)
    func testSentencesPass(file: String) {
        let failures = Self.report.errors.filter { $0.location.file == file }
        #expect(failures.map(\.description) == [])
    }
}

struct PathologicalInputTests {
    /// One enormous "word" must be handled in linear time: no typo correction or compound split on a blob.
    @Test func aLongBlobIsNotCorrected() {
        let blob = String(repeating: "a", count: 2000) + " " + String(repeating: "ab", count: 1000)
        let result = Fixture.matcher.match(blob)
        #expect(result.kind == .fallback)
        #expect(result.explanation.notes.corrections.isEmpty)
    }
}

/// A question typed with its accents as combining marks ("e" + U+0301) is the same question.
@Test func combiningAccentsMatchAsComposedOnes() {
    let matcher = Fixture.matcher
    let composed = matcher.match("mot de passe oublié")
    let typed = matcher.match("mot de passe oublie\u{301}")
    #expect(typed.intent == composed.intent)
    #expect(typed.confidence == composed.confidence)
    #expect(typed.kind == composed.kind)
}
