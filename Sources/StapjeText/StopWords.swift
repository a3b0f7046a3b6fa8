/// Small words that carry no topic: articles, pronouns, auxiliaries, question words, politeness.
///
/// Stored folded (no accents), so they compare with `Token.folded`. They are also the strongest clue for
/// language detection, which is why each list keeps the words typical of its language.
public enum StopWords {
    /// The folded stop words of `language`.
    public static func words(for language: Language) -> Set<String> {
        switch language {
        case .nl: dutch
        case .fr: french
        case .en: english
        }
    }

    /// Articles, politeness and hesitation: the only words ignored in whole-message patterns ("next please", "wacht,
    /// nog eens"). Also the only small words of example-only content (CLINC150), where English "wait" means something
    /// ("how long is the wait"): English whole-message rules name it themselves.
    public static func fillers(for language: Language) -> Set<String> {
        switch language {
        case .nl:
            [
                "de", "het", "een", "aub", "alstublieft", "alsjeblieft", "asjeblieft", "astublieft", "eh", "euh", "hm",
                "pls", "wacht",
            ]
        case .fr:
            [
                "le", "la", "les", "l", "un", "une", "svp", "stp", "si", "il", "vous", "plait", "euh", "bah", "ben",
                "hm", "attends", "attendez",
            ]
        case .en: ["the", "a", "an", "please", "pls", "plz", "uh", "um", "hm"]
        }
    }

    /// True when `folded` is a stop word in `language`.
    public static func contains(_ folded: String, language: Language) -> Bool {
        words(for: language).contains(folded)
    }

    static let dutch: Set<String> = [
        "de", "het", "een", "en", "of", "maar", "dan", "dat", "die", "dit", "deze", "die", "ik", "je", "jij", "u",
        "uw", "hij", "zij", "ze", "we", "wij", "jullie", "mij", "me", "mijn", "mn", "jouw", "zijn", "haar", "hun",
        "ons", "onze", "is", "ben", "bent", "was", "waren", "wordt", "worden", "werd", "heb", "hebt", "heeft",
        "hebben", "had", "kan", "kun", "kunt", "kunnen", "moet", "moeten", "mag", "mogen", "wil", "wilt", "willen",
        "zal", "zou", "zouden", "ga", "gaat", "gaan", "doe", "doet", "doen", "in", "op", "aan", "met", "voor", "van",
        "naar", "bij", "uit", "om", "over", "onder", "tot", "door", "te", "er", "hier", "daar", "waar", "wat", "wie",
        "hoe", "welke", "welk", "wanneer", "waarom", "als", "ook", "nog", "al", "wel", "zo", "toch",
        "even", "eventjes", "nu", "dus", "want", "aub", "alstublieft", "alsjeblieft", "asjeblieft",
        "astublieft", "graag", "euh",
        "zeker", "mee", "af", "erin", "ermee", "daarmee", "daarvoor", "waarmee", "waarop", "ge",
        "gij", "da", "t", "k", "men", "zich", "zelf", "mezelf", "allemaal", "moeten", "vandaag", "nou",
        "precies", "gewoon", "eigenlijk", "soms", "altijd", "veel", "weinig", "meer", "beetje",
        // Flemish spoken forms: "kunde gij" (kun je), "hebde" (heb je), "zijde" (ben je), "mijne gsm", "ne mail" (een
        // mail), "efkes" (even), "wa" (wat).
        "kunde", "hebde", "zijde", "weette", "moete", "gade", "mijne", "ne", "nen", "efkes", "effe", "wa",
    ]

    static let french: Set<String> = [
        "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "mais", "donc", "car", "je", "j",
        "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "m", "te", "t", "se", "s", "moi", "toi",
        "lui", "leur", "leurs", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre",
        "vos", "ce", "c", "cet", "cette", "ces", "ca", "cela", "ceci", "qui", "que", "qu", "quoi", "quel", "quelle",
        "quels", "quelles", "comment", "ou", "quand", "pourquoi", "combien", "est", "suis", "es", "sont", "etre",
        "ai", "as", "a", "avons", "avez", "ont", "avoir", "fait", "faire", "fais", "peux", "peut", "pouvez",
        "pouvoir", "dois", "doit", "devez", "veux", "veut", "voudrais", "voulez", "vais", "va", "allez", "aller",
        "dans", "sur", "sous", "avec", "sans", "pour", "par", "chez", "en", "y", "au", "aux", "ne", "n",
        "plus", "tres", "bien", "aussi", "deja", "svp", "stp",
        "si", "alors", "ici", "la", "chose", "tout",
        "tous", "toute", "est-ce", "ceux", "celle", "celui", "aujourd", "hui", "aujourdhui", "euh", "ben", "bah",
        "beaucoup", "peu", "petit", "juste", "toujours", "sais", "faut", "il", "etait", "ete",
    ]

    static let english: Set<String> = [
        "the", "a", "an", "and", "or", "but", "so", "then", "that", "this", "these", "those", "i", "me", "my",
        "mine", "you", "your", "yours", "he", "she", "it", "its", "we", "us", "our", "they", "them", "their", "is",
        "am", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did", "can", "could",
        "should", "would", "will", "shall", "may", "might", "must", "need", "want", "wanna", "to", "of", "in", "on",
        "at", "for", "with", "from", "by", "about", "into", "onto", "up", "out", "off", "over", "under", "there",
        "here", "what", "which", "who", "whom", "how", "when", "where", "why", "if", "please",
        "pls", "plz", "just", "also", "too", "very", "really", "some", "any", "all",
        "get", "got", "go", "going", "now", "today", "still", "way",
        "thing", "like", "im", "dont", "cant", "one", "let", "lets",
        "myself", "yourself", "much", "many", "more", "lot", "little", "bit", "always", "know",
    ]
}
