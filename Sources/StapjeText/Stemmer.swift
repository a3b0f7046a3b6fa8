/// The Snowball stemmer of one language, chosen at run time.
public struct Stemmer: Sendable {
    /// The language this stemmer stems.
    public let language: Language

    /// Creates the stemmer for `language`.
    public init(language: Language) {
        self.language = language
    }

    /// The stem of one lower-case word, with its accents folded away afterwards.
    ///
    /// The Snowball algorithms read accents ("é" marks a French suffix), so stemming runs on the lower-cased
    /// word first and only the stem is folded: "oublié" and "oublie" both give "oubli".
    public func stem(_ lower: String) -> String {
        // Two scalars or fewer: counted only when the bytes leave it open (a scalar takes one to four bytes).
        let byteCount = lower.utf8.count
        guard byteCount > 8 || (byteCount > 2 && lower.unicodeScalars.count > 2) else {
            return TextFolding.fold(lower)
        }
        let stem: String
        switch language {
        case .nl: stem = DutchStemmer().stem(lower)
        case .fr: stem = FrenchStemmer().stem(lower)
        case .en: stem = EnglishStemmer().stem(lower)
        }
        return TextFolding.fold(stem)
    }
}
