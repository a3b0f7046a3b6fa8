import Foundation

/// The words every report format shares, so text, CSV and HTML say the same thing.
enum ReportWords {
    /// The summary lines: CSV item, label, and how to get the value.
    static let summary: [(item: String, label: String, value: @Sendable (InsightsReport) -> Int)] = [
        ("conversations", "Conversations", { $0.conversations }),
        ("answers", "Answers shown", { $0.total(.answer) }),
        ("clarifications", "Clarifying questions", { $0.total(.clarify) }),
        ("fallbacks", "Not understood (fallbacks)", { $0.total(.fallback) }),
        ("handoff-requests", "Requests for a person", { $0.total(.handoff) }),
        ("guidance-moments", "Guidance moments (begeleidingsmomenten)", { $0.guidanceMoments }),
        ("steps-completed", "Answers followed to the last step", { $0.total(.stepsCompleted) }),
        ("not-understood", "\"That did not help\" after an answer", { $0.total(.notUnderstood) }),
        ("sensitive-withheld", "Messages with sensitive data (withheld)", { $0.total(.sensitiveWithheld) }),
    ]

    static let outcomes = ["resolved", "cancelled", "abandoned", "expired"]

    static func scope(_ report: InsightsReport) -> String {
        if let site = report.site { return "site \(site)" }
        return report.sites.isEmpty ? "all sites" : "all sites (\(report.sites.joined(separator: ", ")))"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }

    static func percent(_ rate: Double) -> String {
        "\(Int((rate * 100).rounded()))%"
    }

    static func day(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return StatisticsPolicy.day(date, calendar: calendar)
    }
}

/// A report as plain text for a terminal or an e-mail.
public struct ReportText: Sendable {
    /// Topic titles by id, shown beside the ids.
    public var titles: [String: String]
    /// The time zone of the first/last-seen days.
    public var timeZone: TimeZone

    /// A renderer.
    public init(titles: [String: String] = [:], timeZone: TimeZone = StatisticsPolicy().timeZone) {
        self.titles = titles
        self.timeZone = timeZone
    }

    /// The report, lines ending in a newline.
    public func render(_ report: InsightsReport) -> String {
        var lines = [
            "Stapje report \(report.period.from) to \(report.period.to), \(ReportWords.scope(report))", "",
        ]
        let width = ReportWords.summary.map(\.label.count).max() ?? 0
        for entry in ReportWords.summary {
            lines.append(pad(entry.label, width) + "  " + String(entry.value(report)))
        }
        if !report.languages.isEmpty {
            let parts = report.languages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
                "\($0.key) \($0.value)"
            }
            lines.append("Conversations per language: " + parts.joined(separator: ", "))
        }

        lines += ["", "Handoffs and how they ended"]
        let handoffs = report.handoffs
        if handoffs.closed == 0 {
            lines.append("  no closed handoff tickets")
        } else {
            let outcomes = ReportWords.outcomes.map { "\($0) \(handoffs.outcomes[$0] ?? 0)" }
            lines.append("  \(handoffs.closed) closed: " + outcomes.joined(separator: ", "))
            lines.append(
                "  taken by a helper: \(handoffs.taken); wait: mean \(ReportWords.duration(handoffs.meanWait ?? 0)), "
                    + "longest \(ReportWords.duration(handoffs.waitMax))")
            let buckets = zip(InsightsReport.waitBucketLabels, handoffs.waitBuckets).map { "\($0) \($1)" }
            lines.append("  waits: " + buckets.joined(separator: ", "))
        }

        lines += ["", "Answers per topic (answers, followed to the last step)"]
        let answered = report.topics.filter { $0.answers > 0 }
        if answered.isEmpty { lines.append("  none") }
        let topicWidth = answered.map { label($0.topic).count }.max() ?? 0
        for topic in answered {
            lines.append("  \(pad(label(topic.topic), topicWidth))  \(topic.answers)  \(topic.stepsCompleted)")
        }

        lines += ["", "Topics often followed by \"not understood\" or a request for a person"]
        let trouble = report.troubleTopics
        if trouble.isEmpty { lines.append("  none") }
        for topic in trouble {
            lines.append(
                "  \(label(topic.topic)): \(ReportWords.percent(topic.troubleRate)) of \(topic.answers) answers "
                    + "(not understood \(topic.notUnderstood), person asked \(topic.handoffs))")
        }

        lines += ["", "Top unanswered questions (redacted)"]
        if report.unanswered.isEmpty { lines.append("  none") }
        for question in report.unanswered {
            var detail = "\(question.language), \(question.kind), \(question.sites) site(s), last "
            detail += ReportWords.day(question.lastSeen, timeZone: timeZone)
            if !question.alternatives.isEmpty { detail += ", offered " + question.alternatives.joined(separator: " ") }
            lines.append("  \(question.count)x  \(question.text)  (\(detail))")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    func label(_ topic: String) -> String {
        titles[topic].map { "\(topic) (\($0))" } ?? topic
    }

    func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

/// A report as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line end in double quotes).
///
/// One table in long form, easy to pivot: `section,item,language,count,detail`. A text field that a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`) gets a leading `'`.
public struct ReportCSV: Sendable {
    /// The time zone of the first/last-seen days.
    public var timeZone: TimeZone

    /// A renderer.
    public init(timeZone: TimeZone = StatisticsPolicy().timeZone) {
        self.timeZone = timeZone
    }

    /// The report as CSV, header first.
    public func render(_ report: InsightsReport) -> String {
        var rows: [[String]] = [["section", "item", "language", "count", "detail"]]
        rows.append(["period", report.period.from, "", "", report.period.to])
        rows.append([
            "scope", report.site ?? "all", "", String(report.sites.count), report.sites.joined(separator: " "),
        ])
        for entry in ReportWords.summary { rows.append(["summary", entry.item, "", String(entry.value(report)), ""]) }
        for (language, count) in report.languages.sorted(by: { $0.key < $1.key }) {
            rows.append(["conversations-per-language", language, language, String(count), ""])
        }
        for outcome in ReportWords.outcomes {
            rows.append(["handoff-outcome", outcome, "", String(report.handoffs.outcomes[outcome] ?? 0), ""])
        }
        rows.append(["handoff-taken", "taken", "", String(report.handoffs.taken), ""])
        rows.append(["handoff-wait-seconds", "mean", "", String(Int((report.handoffs.meanWait ?? 0).rounded())), ""])
        rows.append(["handoff-wait-seconds", "longest", "", String(Int(report.handoffs.waitMax.rounded())), ""])
        for (label, count) in zip(InsightsReport.waitBucketLabels, report.handoffs.waitBuckets) {
            rows.append(["handoff-wait", label, "", String(count), ""])
        }
        for topic in report.topics {
            rows.append(["topic-answers", topic.topic, "", String(topic.answers), ""])
            rows.append(["topic-steps-completed", topic.topic, "", String(topic.stepsCompleted), ""])
            rows.append(["topic-not-understood", topic.topic, "", String(topic.notUnderstood), ""])
            rows.append(["topic-handoffs", topic.topic, "", String(topic.handoffs), ""])
        }
        for topic in report.troubleTopics {
            rows.append([
                "trouble-topic", topic.topic, "", String(topic.notUnderstood + topic.handoffs),
                ReportWords.percent(topic.troubleRate) + " of \(topic.answers) answers",
            ])
        }
        for day in report.days {
            rows.append(["day-conversations", day.day, "", String(day.conversations), ""])
            rows.append(["day-answers", day.day, "", String(day.answers), ""])
            rows.append(["day-fallbacks", day.day, "", String(day.fallbacks), ""])
            rows.append(["day-handoffs", day.day, "", String(day.handoffs), ""])
        }
        for question in report.unanswered {
            let first = ReportWords.day(question.firstSeen, timeZone: timeZone)
            let detail =
                "\(question.kind); sites \(question.sites); first \(first); "
                + "last \(ReportWords.day(question.lastSeen, timeZone: timeZone))"
                + (question.alternatives.isEmpty ? "" : "; offered " + question.alternatives.joined(separator: " "))
            rows.append(["unanswered", question.text, question.language, String(question.count), detail])
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it must be.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+@".contains(first) || (first == "-" && value.count > 1) {
            value = "'" + value
        }
        let special: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]
        guard value.unicodeScalars.contains(where: special.contains) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
