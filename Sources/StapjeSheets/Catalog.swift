public import StapjeKnowledge
public import StapjeText

/// Every content topic grouped by category, in curriculum order, with titles in one language.
///
/// Topics answered in `faq/` but missing from the curriculum are listed too (after the rest of their category),
/// so a topic a writer has just added shows up before `faq/topics.yaml` names it.
public struct Catalog: Sendable, Hashable {
    /// One category and its topics.
    public struct Category: Sendable, Hashable {
        /// The category id (`jobs`).
        public var id: String
        /// Its name in the catalog's language.
        public var name: String
        /// Its topics, in curriculum order.
        public var entries: [Entry]
    }

    /// One topic.
    public struct Entry: Sendable, Hashable {
        /// The topic id.
        public var id: String
        /// The title in the catalog's language; nil when the topic has no answer in that language yet.
        public var title: String?
        /// The regions the topic applies to.
        public var regions: [Region]
    }

    /// The language of the titles.
    public var language: Language
    /// The categories, in the order the curriculum first names them.
    public var categories: [Category]
    /// The words for headings and names.
    public var words: SheetWords

    /// Lists the topics of `bundle` with titles in `language`.
    public init(_ bundle: ContentBundle, language: Language) {
        let words = SheetWords(bundle.words(language), language: language)
        var declared = bundle.topics.map { (id: $0.id, regions: $0.regions) }
        let known = Set(declared.map(\.id))
        declared += bundle.answers.keys.filter { !known.contains($0) }.sorted().map { (id: $0, regions: []) }
        var order: [String] = []
        var entries: [String: [Entry]] = [:]
        for topic in declared {
            let category = String(topic.id.prefix(while: { $0 != "." }))
            if entries[category] == nil { order.append(category) }
            let title = bundle.answer(topic.id, language: language)?.title
            entries[category, default: []].append(Entry(id: topic.id, title: title, regions: topic.regions))
        }
        self.language = language
        self.categories = order.map { Category(id: $0, name: words.category($0), entries: entries[$0] ?? []) }
        self.words = words
    }

    /// Every entry, in order.
    public var entries: [Entry] { categories.flatMap(\.entries) }
}

/// Every answered topic as a sheet, grouped by category: the printable booklet.
public struct Booklet: Sendable, Hashable {
    /// One category and its sheets.
    public struct Chapter: Sendable, Hashable {
        /// The category id.
        public var category: String
        /// Its name.
        public var name: String
        /// Its sheets, in curriculum order.
        public var sheets: [Sheet]
    }

    /// The language.
    public var language: Language
    /// The region chosen, or nil for every variant.
    public var region: Region?
    /// The chapters.
    public var chapters: [Chapter]
    /// Topics of the curriculum with no answer in this language (left out of the booklet).
    public var missing: [String]
    /// The words.
    public var words: SheetWords
    /// The date printed on the cover (`YYYY-MM-DD`), if any; the caller passes it, the library reads no clock.
    public var date: String?

    /// Builds the booklet of every topic in `bundle`.
    public init(_ bundle: ContentBundle, language: Language, region: Region? = nil, date: String? = nil) {
        let catalog = Catalog(bundle, language: language)
        self.language = language
        self.region = region
        self.chapters = catalog.categories.compactMap { category in
            let sheets = category.entries.compactMap { entry in
                bundle.answer(entry.id, language: language).map { Sheet(answer: $0, bundle: bundle, region: region) }
            }
            return sheets.isEmpty ? nil : Chapter(category: category.id, name: category.name, sheets: sheets)
        }
        self.missing = catalog.entries.filter { $0.title == nil }.map(\.id)
        self.words = catalog.words
        self.date = date
    }

    /// Every sheet, in order.
    public var sheets: [Sheet] { chapters.flatMap(\.sheets) }
}
