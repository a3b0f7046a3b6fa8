import StapjePrivacy

/// A second, coarse mask for what a starter types, applied by the queue itself after the server has redacted each turn
/// with `StapjePrivacy.Redactor` (belt and braces: a turn that reaches the queue by another path is still masked).
///
/// It over-redacts on purpose: every e-mail address becomes `[EMAIL]`, and every run of three or more digits
/// (spaces, dots, dashes and slashes between them included, a leading `+` and a two-letter IBAN country prefix
/// too) becomes `[NUMBER]`. That catches phone, national, card, account and eID numbers and one-time codes, at
/// the price of times and years ("om 14.30", "2024"); "stap 2" and "iOS 17" stay.
public enum Redaction {
    /// The text with names, dates and addresses (`PersonalDetails`), e-mail addresses and digit runs masked.
    public static func mask(_ text: String) -> String {
        // Regex values are not Sendable, so the literals live here rather than in static properties.
        let email = #/[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.\w{2,}/#
        let digitRun = #/(?:\b[A-Za-z]{2}(?=\d\d))?\+?\d(?:[ .\-\/]?\d)*/#
        let masked = text.replacing(email) { _ in "[EMAIL]" }.replacing(digitRun) { match in
            match.output.filter(\.isNumber).count >= 3 ? "[NUMBER]" : match.output
        }
        return PersonalDetails.mask(masked)
    }
}
