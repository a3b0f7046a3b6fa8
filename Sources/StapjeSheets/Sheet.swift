public import StapjeKnowledge
public import StapjeText

/// One topic's whole answer, laid out for a helper: every part, with every region variant or only one region's.
///
/// A sheet is data; `TextSheet`, `MarkdownSheet` and `HTMLSheet` render it. The headings are already in the
/// sheet's language, taken from the conversation words (`you_need`, `steps`, ...).
public struct Sheet: Sendable, Hashable {
    /// One part of the answer (steps, safety...) with its versions.
    public struct Part: Sendable, Hashable {
        /// Which part.
        public var kind: AnswerPart
        /// The heading in the sheet's language; nil for the short answer, which sits under the title.
        public var heading: String?
        /// The plain version first, then the region variants: BE, VL, BXL, WAL, FR.
        public var versions: [Version]
    }

    /// One version of a part: the plain one, or a region variant.
    public struct Version: Sendable, Hashable {
        /// The region the variant is for; nil for the plain version (or the one version of a one-region sheet).
        public var variant: RegionQualifier?
        /// "For Brussels", in the sheet's language; nil for the plain version.
        public var label: String?
        /// List items (steps, bullets); empty for a paragraph part.
        public var items: [String]
        /// Paragraphs, for a paragraph part.
        public var paragraphs: [String]
    }

    /// A related topic, with its title in the sheet's language.
    public struct Related: Sendable, Hashable {
        /// The topic id.
        public var id: String
        /// The title, or the id when the topic has no answer in this language.
        public var title: String
    }

    /// The topic id.
    public var id: String
    /// The title.
    public var title: String
    /// The category id (`jobs`).
    public var category: String
    /// The category's name in the sheet's language.
    public var categoryName: String
    /// The language.
    public var language: Language
    /// The region chosen, or nil for a sheet with every region variant.
    public var region: Region?
    /// The regions the topic applies to (from the curriculum); empty when the topic is not declared there.
    public var regions: [Region]
    /// The parts, in reading order: answer, you need, steps, if it does not work, safety, helper notes.
    public var parts: [Part]
    /// Related topics.
    public var related: [Related]
    /// Where the facts come from.
    public var sources: [String]
    /// When they were last checked (`YYYY-MM-DD`).
    public var lastChecked: String?
    /// The headings and labels in the sheet's language.
    public var words: SheetWords

    /// Builds the sheet of `topic` in `language`: for `region` only, or with every variant when `region` is nil.
    public init(topic: String, in bundle: ContentBundle, language: Language, region: Region? = nil) throws(SheetError) {
        guard let answer = bundle.answer(topic, language: language) else {
            throw SheetError.missing(topic: topic, language: language, bundle: bundle)
        }
        self.init(answer: answer, bundle: bundle, region: region)
    }

    /// Builds the sheet of a loaded answer.
    public init(answer: Answer, bundle: ContentBundle, region: Region? = nil) {
        let words = SheetWords(bundle.words(answer.language), language: answer.language)
        self.id = answer.id
        self.title = answer.title
        self.category = answer.category
        self.categoryName = words.category(answer.category)
        self.language = answer.language
        self.region = region
        self.regions = bundle.topic(answer.id)?.regions ?? []
        self.parts = AnswerPart.allCases.compactMap { kind in
            let versions = Self.versions(of: kind, in: answer, region: region, words: words)
            return versions.isEmpty ? nil : Part(kind: kind, heading: words.heading(kind), versions: versions)
        }
        self.related = answer.related.map { id in
            Related(id: id, title: bundle.answer(id, language: answer.language)?.title ?? id)
        }
        self.sources = answer.sources
        self.lastChecked = answer.lastChecked
        self.words = words
    }

    /// The part of this kind, if the answer has it.
    public func part(_ kind: AnswerPart) -> Part? {
        parts.first { $0.kind == kind }
    }

    private static func versions(
        of kind: AnswerPart, in answer: Answer, region: Region?, words: SheetWords
    ) -> [Version] {
        func version(_ section: AnswerSection, _ variant: RegionQualifier?, label: String?) -> Version? {
            let items = kind.isList ? section.items.filter { !$0.isEmpty } : []
            let paragraphs = kind.isList ? [] : section.text.split(separator: "\n").map(String.init)
            guard !items.isEmpty || !paragraphs.isEmpty else { return nil }
            return Version(variant: variant, label: label, items: items, paragraphs: paragraphs)
        }
        if let region {
            // The same resolution a person in that region gets in the conversation: exact region, BE, plain.
            return answer.section(kind, region: region).flatMap { version($0, nil, label: nil) }.map { [$0] } ?? []
        }
        let variants = answer.variants(of: kind).sorted { order($0.0) < order($1.0) }
        // A BE variant is labelled with the Belgian regions that get it, as the conversation resolves them (a
        // region's own variant wins over BE): beside a Flemish variant it is for Brussels and Wallonia only.
        let own = Set(variants.compactMap { if case .region(let region) = $0.0 { region } else { nil } })
        var versions = [answer.sections[kind]?[nil].flatMap { version($0, nil, label: nil) }].compactMap { $0 }
        for (qualifier, section) in variants {
            let reached = Region.allCases.filter { $0.isBelgian && !own.contains($0) }
            let label =
                qualifier == .belgium && !reached.isEmpty
                ? words.variantLabel(reached) : words.variantLabel(qualifier)
            versions += [version(section, qualifier, label: label)].compactMap { $0 }
        }
        return versions
    }

    /// Variants in map order, as a helper reads them: all of Belgium first, then VL, BXL, WAL, FR.
    private static func order(_ qualifier: RegionQualifier) -> Int {
        switch qualifier {
        case .belgium: -1
        case .region(let region): Region.allCases.firstIndex(of: region) ?? Region.allCases.count
        }
    }
}

/// Why a sheet cannot be made, with what to do about it.
public struct SheetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, ready to show.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// No answer for `topic` in `language`: says whether the topic exists, in which languages, or what is close.
    static func missing(topic: String, language: Language, bundle: ContentBundle) -> SheetError {
        if let answers = bundle.answers[topic], !answers.isEmpty {
            let others = answers.keys.sorted().map(\.rawValue).joined(separator: ", ")
            return SheetError(
                "'\(topic)' has no answer in \(language.rawValue) yet (faq/\(topic)/\(language.rawValue).md); "
                    + "it exists in \(others): use --lang \(answers.keys.sorted()[0].rawValue)")
        }
        if bundle.isTopic(topic) {
            return SheetError("'\(topic)' has no answer file yet (faq/\(topic)/\(language.rawValue).md)")
        }
        let known = Set(bundle.topics.map(\.id)).union(bundle.answers.keys)
        var scored: [(id: String, distance: Int)] = []
        for id in known {
            if let distance = EditDistance.distance(id, topic, bound: 3) { scored.append((id, distance)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
        let close = scored.prefix(3).map(\.id)
        let hint = close.isEmpty ? "" : "did you mean \(close.joined(separator: ", "))? "
        return SheetError(
            "unknown topic '\(topic)': \(hint)list the topics with `stapje topics`, or find one with `stapje search`")
    }
}
