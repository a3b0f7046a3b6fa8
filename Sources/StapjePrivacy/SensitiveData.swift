public import StapjeText

/// One piece of sensitive data found in a text: what it is and where, never the value itself.
///
/// The ranges index the exact string given to the detector; they are meaningless for any other string.
public struct SensitiveData: Sendable, Hashable {
    /// What kind of data was found.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A Belgian national register number (rijksregisternummer, also BIS numbers).
        case nationalNumber
        /// A Belgian eID card number (3-7-2 digits; old bank account numbers share the shape and check).
        case eidNumber
        /// An IBAN.
        case iban
        /// A payment card number.
        case paymentCard
        /// An e-mail address.
        case email
        /// A personal phone number (service numbers such as 0800 or 078 are not reported).
        case phone
        /// What follows a phrase that announces a secret ("mijn pincode is ...").
        case secret
        /// A one-time code near "itsme" or "code" (5 or 6 digits).
        case oneTimeCode
        /// An 8-digit card-reader (digipass) code near a word for the reader or its response.
        case readerCode
        /// A long digit run (9 digits or more) that fits no known shape: most likely an identifier.
        case number

        /// The text that replaces the value when it is redacted.
        public var placeholder: String {
            switch self {
            case .nationalNumber: "[NATIONAL-NUMBER]"
            case .eidNumber: "[EID-NUMBER]"
            case .iban: "[IBAN]"
            case .paymentCard: "[CARD]"
            case .email: "[EMAIL]"
            case .phone: "[PHONE]"
            case .secret: "[SECRET]"
            case .oneTimeCode: "[CODE]"
            case .readerCode: "[READER-CODE]"
            case .number: "[NUMBER]"
            }
        }
    }

    /// What the check digits say. A label only: an invalid number is still masked, because a typo is still
    /// personal data.
    public enum Checksum: String, Sendable, Hashable, Codable {
        /// The check digits are right.
        case valid
        /// The check digits are wrong (a typo, or not this kind of number after all).
        case invalid
        /// This kind of data has no check digits.
        case none
    }

    /// The kind.
    public var kind: Kind
    /// The value: what a redactor replaces.
    public var range: Range<String.Index>
    /// The value with the words that announced it ("mijn pincode is 1234", "my number is 0471 ..."); the same as
    /// `range` when nothing announced it. What remains outside it is the rest of the message.
    public var phrase: Range<String.Index>
    /// What the check digits say.
    public var checksum: Checksum
    /// The language of the announcing phrase, when it tells.
    public var language: Language?

    /// Creates a finding.
    public init(
        kind: Kind, range: Range<String.Index>, phrase: Range<String.Index>? = nil, checksum: Checksum = .none,
        language: Language? = nil
    ) {
        self.kind = kind
        self.range = range
        self.phrase = phrase ?? range
        self.checksum = checksum
        self.language = language
    }
}
