public import StapjeText

/// The parts an answer can have; each can have region variants.
public enum AnswerPart: String, Sendable, Hashable, CaseIterable, Codable {
    case answer = "Answer"
    case youNeed = "You need"
    case steps = "Steps"
    case ifNotWorking = "If it does not work"
    case safety = "Safety"
    case helperNotes = "Helper notes"

    /// True for parts written as lists (steps, bullets); false for paragraphs.
    public var isList: Bool {
        switch self {
        case .youNeed, .steps, .helperNotes: true
        case .answer, .ifNotWorking, .safety: false
        }
    }

    /// True when every answer must have this part.
    public var isRequired: Bool {
        switch self {
        case .answer, .steps, .ifNotWorking, .helperNotes: true
        case .youNeed, .safety: false
        }
    }
}

/// The text of one part of an answer, as written for one region or for all.
public struct AnswerSection: Sendable, Hashable {
    /// List items (steps, bullets); empty for a paragraph part.
    public var items: [String]
    /// Paragraph text; for list parts, the items joined by new lines.
    public var text: String
    /// Where the part starts.
    public var location: SourceLocation
    /// Where each item starts (same count as `items`).
    public var itemLocations: [SourceLocation]

    /// Creates a section.
    public init(items: [String], text: String, location: SourceLocation, itemLocations: [SourceLocation] = []) {
        self.items = items
        self.text = text
        self.location = location
        self.itemLocations = itemLocations
    }
}

/// The answer to one topic in one language, with its region variants.
public struct Answer: Sendable {
    /// The topic id (public, from the curriculum).
    public var id: String
    /// The language the answer is written in.
    public var language: Language
    /// A short title.
    public var title: String
    /// Topics offered as follow-ups after the last step.
    public var related: [String]
    /// When a curator last checked the facts (`YYYY-MM-DD`).
    public var lastChecked: String?
    /// Where the facts come from.
    public var sources: [String]
    /// The parts: for each, the plain version (key nil) and region variants.
    public var sections: [AnswerPart: [RegionQualifier?: AnswerSection]]
    /// The file the answer was read from.
    public var location: SourceLocation

    /// Creates an answer.
    public init(
        id: String, language: Language, title: String, related: [String], lastChecked: String?, sources: [String],
        sections: [AnswerPart: [RegionQualifier?: AnswerSection]], location: SourceLocation
    ) {
        self.id = id
        self.language = language
        self.title = title
        self.related = related
        self.lastChecked = lastChecked
        self.sources = sources
        self.sections = sections
        self.location = location
    }

    /// The category, the part of the id before the dot ("jobs" for "jobs.cv").
    public var category: String {
        String(id.prefix(while: { $0 != "." }))
    }

    /// The version of `part` a person in `region` should see: the exact region, then `BE`, then the plain part.
    public func section(_ part: AnswerPart, region: Region?) -> AnswerSection? {
        guard let variants = sections[part] else { return nil }
        if let region {
            if let exact = variants[.region(region)] { return exact }
            if region.isBelgian, let belgian = variants[.belgium] { return belgian }
        }
        return variants[nil] ?? nil
    }

    /// The steps for `region`.
    public func steps(region: Region?) -> [String] {
        section(.steps, region: region)?.items ?? []
    }

    /// The region variants of `part`, sorted, without the plain version.
    public func variants(of part: AnswerPart) -> [(RegionQualifier, AnswerSection)] {
        guard let variants = sections[part] else { return [] }
        return variants.compactMap { key, value in key.map { ($0, value) } }.sorted { $0.0 < $1.0 }
    }
}
