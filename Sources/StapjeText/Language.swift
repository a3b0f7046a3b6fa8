/// A language Stapje speaks.
public enum Language: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case nl
    case fr
    case en

    /// Parses a language code such as `nl`, `FR` or `en-GB`; nil when it is not one Stapje speaks.
    public init?(code: String) {
        let prefix = code.lowercased().prefix(2)
        guard let language = Language(rawValue: String(prefix)) else { return nil }
        self = language
    }

    public static func < (lhs: Language, rhs: Language) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .nl: 0
        case .fr: 1
        case .en: 2
        }
    }
}
