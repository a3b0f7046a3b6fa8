import Testing

@testable import StapjeKnowledge

/// `last_checked` must be a real day: a curator's 2026-02-30 is a typo to report.
struct DateTests {
    @Test(arguments: ["2026-02-28", "2024-02-29", "2000-02-29", "2026-12-31", "2026-04-30"])
    func realDaysAreDates(text: String) {
        #expect(ContentValidator.isDate(text))
    }

    @Test(arguments: ["2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "26-01-01"])
    func impossibleDaysAreNot(text: String) {
        #expect(!ContentValidator.isDate(text))
    }
}
