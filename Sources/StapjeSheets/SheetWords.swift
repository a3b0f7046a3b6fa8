public import StapjeKnowledge
public import StapjeText

/// The words a sheet shows around the content, in one language.
///
/// Headings, region and category names come from the conversation words (`faq/conversation/<lang>.yaml`), so
/// curators change them in one place. The few words only the booklet needs (its title, "Contents") are kept here,
/// because the conversation never says them.
public struct SheetWords: Sendable, Hashable {
    /// The language.
    public var language: Language
    /// The language's own name ("Nederlands").
    public var languageName: String
    /// Headings by conversation key (`you_need`, `steps`, `related`...).
    public var headings: [String: String]
    /// Region names by code (`VL`, `BXL`, `WAL`, `FR`, and `BE` when the words define it).
    public var regionNames: [String: String]
    /// Category names by category id.
    public var categoryNames: [String: String]
    /// The `region_variant` text, with its `{region}` placeholder.
    public var variantTemplate: String
    /// The booklet's own words.
    public var booklet: BookletWords

    /// The conversation keys used as headings on a sheet.
    public static let headingKeys = [
        "you_need", "steps", "if_not_working", "safety", "helper_notes", "related", "sources", "last_checked",
    ]

    /// Takes the words from a language's conversation words.
    public init(_ messages: Messages, language: Language) {
        self.language = language
        self.languageName = messages.values["language_name"] == nil ? language.rawValue : messages.text("language_name")
        self.headings = Dictionary(uniqueKeysWithValues: Self.headingKeys.map { ($0, messages.text($0)) })
        self.regionNames = messages.table("regions").compactMapValues { value in
            if case .text(let text) = value { return text }
            return nil
        }
        self.categoryNames = messages.table("categories").compactMapValues { value in
            if case .text(let text) = value { return text }
            return nil
        }
        self.variantTemplate = messages.values["region_variant"] == nil ? "{region}" : messages.text("region_variant")
        self.booklet = BookletWords(language)
    }

    /// The heading for `key`.
    public func heading(_ key: String) -> String {
        headings[key] ?? key
    }

    /// The heading of an answer part; nil for the short answer, which has none.
    public func heading(_ part: AnswerPart) -> String? {
        switch part {
        case .answer: nil
        case .youNeed: heading("you_need")
        case .steps: heading("steps")
        case .ifNotWorking: heading("if_not_working")
        case .safety: heading("safety")
        case .helperNotes: heading("helper_notes")
        }
    }

    /// The name of a region ("Brussel").
    public func regionName(_ region: Region) -> String {
        regionNames[region.rawValue] ?? region.rawValue
    }

    /// The name of a variant's regions: its own name, or for `BE` the three Belgian regions' names.
    public func regionName(_ qualifier: RegionQualifier) -> String {
        if let own = regionNames[qualifier.description] { return own }
        return qualifier.regions.map(regionName).joined(separator: ", ")
    }

    /// "For Brussels".
    public func variantLabel(_ qualifier: RegionQualifier) -> String {
        variantTemplate.replacing("{region}", with: regionName(qualifier))
    }

    /// "For Brussels, Wallonia": the label of a version that these regions get.
    public func variantLabel(_ regions: [Region]) -> String {
        variantTemplate.replacing("{region}", with: regions.map(regionName).joined(separator: ", "))
    }

    /// The name of a category, or its id when the words do not name it.
    public func category(_ id: String) -> String {
        categoryNames[id] ?? id
    }

    /// "Region: Brussels", with the language's colon.
    public func label(_ name: String, _ value: String) -> String {
        name + booklet.colon + " " + value
    }

    /// "Brussels", or the booklet's words for every region.
    public func regionChoice(_ region: Region?) -> String {
        region.map(regionName) ?? booklet.allRegions
    }
}

/// The words only the booklet and the topic list need, in Dutch, French and English.
public struct BookletWords: Sendable, Hashable {
    /// The booklet's title.
    public var title: String
    /// A line under the title: who it is for.
    public var subtitle: String
    /// "Contents".
    public var contents: String
    /// "Language".
    public var language: String
    /// "Region".
    public var region: String
    /// Shown as the region when every variant is on the sheets.
    public var allRegions: String
    /// "Applies to".
    public var appliesTo: String
    /// "{n} topics".
    public var topicCount: String
    /// "Made on {date}".
    public var madeOn: String
    /// Shown for a topic with no answer in this language yet.
    public var missing: String
    /// The colon after a label: French puts a (non-breaking) space before it.
    public var colon: String

    /// The words for `language`.
    public init(_ language: Language) {
        switch language {
        case .nl:
            title = "Hulpkaarten voor digihelpers"
            subtitle = "Alle stappen per onderwerp, met tips om te begeleiden zonder over te nemen."
            contents = "Inhoud"
            self.language = "Taal"
            region = "Regio"
            allRegions = "alle regio's (elke regionale versie staat erbij)"
            appliesTo = "Geldt voor"
            topicCount = "{n} onderwerpen"
            madeOn = "Gemaakt op {date}"
            missing = "nog niet in het Nederlands"
            colon = ":"
        case .fr:
            title = "Fiches pour aidants numériques"
            subtitle = "Toutes les étapes par sujet, avec des conseils pour accompagner sans faire à la place."
            contents = "Sommaire"
            self.language = "Langue"
            region = "Région"
            allRegions = "toutes les régions (chaque version régionale est incluse)"
            appliesTo = "Pour"
            topicCount = "{n} sujets"
            madeOn = "Créé le {date}"
            missing = "pas encore en français"
            colon = "\u{00A0}:"
        case .en:
            title = "Prompt sheets for digi-helpers"
            subtitle = "Every step of every topic, with tips to guide without taking over."
            contents = "Contents"
            self.language = "Language"
            region = "Region"
            allRegions = "all regions (every regional version is included)"
            appliesTo = "Applies to"
            topicCount = "{n} topics"
            madeOn = "Made on {date}"
            missing = "not in English yet"
            colon = ":"
        }
    }
}
