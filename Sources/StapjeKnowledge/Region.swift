import StapjeText

/// A region whose services differ: Flanders, Brussels, Wallonia, or France (Hauts-de-France).
public enum Region: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case VL
    case BXL
    case WAL
    case FR

    /// Parses `VL`, `bxl`, `Wal`...; nil for anything else.
    public init?(code: String) {
        self.init(rawValue: code.uppercased())
    }

    /// True for the three Belgian regions.
    public var isBelgian: Bool { self != .FR }

    /// The language most people there speak: what a conversation starts in, and leans to, until its messages say
    /// otherwise (Dutch in Flanders, French in Brussels, Wallonia and France).
    public var usualLanguage: Language {
        switch self {
        case .VL: .nl
        case .BXL, .WAL, .FR: .fr
        }
    }

    public static func < (lhs: Region, rhs: Region) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The qualifier of a region variant in an answer: one region, or `BE` for the three Belgian regions.
public enum RegionQualifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    case region(Region)
    case belgium

    /// Parses `VL`, `BXL`, `WAL`, `FR` or `BE`.
    public init?(code: String) {
        if code.uppercased() == "BE" {
            self = .belgium
        } else if let region = Region(code: code) {
            self = .region(region)
        } else {
            return nil
        }
    }

    /// True when a person in `region` should see this variant.
    public func covers(_ region: Region) -> Bool {
        switch self {
        case .region(let own): own == region
        case .belgium: region.isBelgian
        }
    }

    /// The regions this qualifier stands for.
    public var regions: [Region] {
        switch self {
        case .region(let region): [region]
        case .belgium: [.VL, .BXL, .WAL]
        }
    }

    public var description: String {
        switch self {
        case .region(let region): region.rawValue
        case .belgium: "BE"
        }
    }

    public static func < (lhs: RegionQualifier, rhs: RegionQualifier) -> Bool {
        lhs.description < rhs.description
    }
}
