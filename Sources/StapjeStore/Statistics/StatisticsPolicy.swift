import Foundation

/// How long the statistics keep what, and how they count days (docs/PRIVACY.md, "What is kept, and for how long").
public struct StatisticsPolicy: Sendable {
    /// Days the anonymous daily counters (and the handoff outcomes folded into them) are kept: 400, so that a
    /// year can be compared with the one before.
    public var counterDays = 400
    /// Days an unanswered question (redacted) is kept for curators.
    public var unansweredDays = 30
    /// Days a closed handoff ticket (with its redacted transcript) is kept after it closed, once its outcome is
    /// counted; applied by ``TicketRetention``, with or without statistics.
    public var closedTicketDays = 30
    /// The time zone that decides which day a reply counts for: Brussels unless set.
    public var timeZone: TimeZone {
        get { chosenTimeZone ?? Self.brussels }
        set { chosenTimeZone = newValue }
    }
    private var chosenTimeZone: TimeZone?
    /// Looked up when a day is first counted, not when a policy is made: every command line builds one for its
    /// defaults, and a time zone by name loads ICU's time-zone data (about 2 MB more resident memory).
    private static let brussels =
        TimeZone(identifier: "Europe/Brussels") ?? TimeZone(secondsFromGMT: 3600) ?? .current
    /// How often buffered counts are written (and closed tickets counted); what a SIGKILL may lose at most.
    public var flushInterval: Duration = .seconds(10)
    /// Distinct unanswered questions held in memory between two writes; more are dropped (and the drop logged).
    public var maximumPendingQuestions = 5000
    /// The longest question kept, in characters (after redaction).
    public var maximumQuestionLength = 200

    /// The defaults.
    public init() {}

    /// A policy with these retention periods, in days (each at least 1).
    public init(counterDays: Int, unansweredDays: Int, closedTicketDays: Int) {
        self.counterDays = max(1, counterDays)
        self.unansweredDays = max(1, unansweredDays)
        self.closedTicketDays = max(1, closedTicketDays)
    }

    /// The calendar days are counted in.
    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `date`'s day, as `YYYY-MM-DD` in the policy's time zone.
    func day(_ date: Date) -> String {
        Self.day(date, calendar: calendar)
    }

    static func day(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The first day still kept when rows older than `days` days are purged at `now`.
    func firstKeptDay(keeping days: Int, at now: Date) -> String {
        let calendar = self.calendar
        let start = calendar.startOfDay(for: now)
        return Self.day(calendar.date(byAdding: .day, value: -days, to: start) ?? start, calendar: calendar)
    }
}
