import Foundation
import GRDB

/// A period of whole days, both ends included, as `YYYY-MM-DD` in the statistics' time zone.
public struct ReportPeriod: Sendable, Hashable {
    /// The first day.
    public var from: String
    /// The last day.
    public var to: String

    /// A period; fails unless both are real dates and `from` is not after `to`.
    public init(from: String, to: String) throws {
        guard let first = Self.date(from), let last = Self.date(to) else {
            throw StoreError("dates are written YYYY-MM-DD, for example 2026-11-01 (got \(from) and \(to))")
        }
        guard first <= last else { throw StoreError("the period starts (\(from)) after it ends (\(to))") }
        self.from = from
        self.to = to
    }

    /// The calendar month `YYYY-MM`.
    public init(month: String) throws {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]), (1...12).contains(number),
            parts[0].count == 4, parts[1].count == 2
        else { throw StoreError("a month is written YYYY-MM, for example 2026-11 (got \(month))") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        let start = calendar.date(from: DateComponents(year: year, month: number, day: 1)) ?? Date()
        let days = calendar.range(of: .day, in: .month, for: start)?.count ?? 30
        try self.init(
            from: String(format: "%04d-%02d-01", year, number), to: String(format: "%04d-%02d-%02d", year, number, days)
        )
    }

    /// The month that holds `date` (in `timeZone`), from its first day to its last.
    public static func month(of date: Date, timeZone: TimeZone) -> ReportPeriod {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        let month = String(format: "%04d-%02d", parts.year ?? 2000, parts.month ?? 1)
        // A month computed from a real date is always valid.
        return (try? ReportPeriod(month: month)) ?? ReportPeriod(unchecked: month + "-01", month + "-28")
    }

    private init(unchecked from: String, _ to: String) {
        self.from = from
        self.to = to
    }

    static func date(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}

/// A period's figures for coordinators and curators, read from the statistics tables.
public struct InsightsReport: Sendable, Hashable {
    /// One topic's line.
    public struct TopicLine: Sendable, Hashable {
        /// The topic id.
        public var topic: String
        /// Answers shown.
        public var answers: Int
        /// Times its last step was reached.
        public var stepsCompleted: Int
        /// Times "that did not help" came right after it.
        public var notUnderstood: Int
        /// Requests for a person made while it was on screen.
        public var handoffs: Int

        /// Not understood and handoffs per answer shown (0 without answers).
        public var troubleRate: Double {
            answers == 0 ? 0 : Double(notUnderstood + handoffs) / Double(answers)
        }
    }

    /// One unanswered question over the period.
    public struct Question: Sendable, Hashable {
        /// The redacted, normalised text.
        public var text: String
        /// `fallback` or `clarify`.
        public var kind: String
        /// The language.
        public var language: String
        /// How often it was asked in the period.
        public var count: Int
        /// On how many sites.
        public var sites: Int
        /// First and last time it was asked.
        public var firstSeen: Date
        /// The last time it was asked.
        public var lastSeen: Date
        /// The topics a clarification offered (the latest).
        public var alternatives: [String]
    }

    /// How the handoffs of the period ended.
    public struct Handoffs: Sendable, Hashable {
        /// Closed tickets per outcome: resolved, cancelled, abandoned, expired.
        public var outcomes: [String: Int] = [:]
        /// Closed tickets a helper took at least once.
        public var taken = 0
        /// Sum of the waits, in seconds (until the first take, or until the end for tickets never taken).
        public var waitSeconds = 0.0
        /// The longest wait, in seconds.
        public var waitMax = 0.0
        /// Waits under 1 minute, 1–3, 3–5, 5–10, 10 or more.
        public var waitBuckets = [0, 0, 0, 0, 0]

        /// Closed tickets.
        public var closed: Int { outcomes.values.reduce(0, +) }
        /// The mean wait in seconds, or nil without tickets.
        public var meanWait: Double? { closed == 0 ? nil : waitSeconds / Double(closed) }
    }

    /// One day's main counts, for the chart.
    public struct Day: Sendable, Hashable {
        /// `YYYY-MM-DD`.
        public var day: String
        /// Conversations.
        public var conversations: Int
        /// Answers.
        public var answers: Int
        /// Fallbacks.
        public var fallbacks: Int
        /// Requests for a person.
        public var handoffs: Int
    }

    /// The labels of the wait buckets.
    public static let waitBucketLabels = ["< 1 min", "1-3 min", "3-5 min", "5-10 min", ">= 10 min"]

    /// The period.
    public var period: ReportPeriod
    /// The site it is limited to, or nil for all.
    public var site: String?
    /// The sites with figures in the period.
    public var sites: [String]
    /// Totals per counter kind (`conversation`, `answer`, ...).
    public var totals: [String: Int]
    /// Conversations per language.
    public var languages: [String: Int]
    /// Topics with answers, most answered first.
    public var topics: [TopicLine]
    /// Handoff outcomes and waits.
    public var handoffs: Handoffs
    /// The days of the period that have figures, in order.
    public var days: [Day]
    /// The most asked unanswered questions (at most `questionLimit`), most asked first.
    public var unanswered: [Question]

    /// Conversations with at least one reply.
    public var conversations: Int { totals[Statistics.Kind.conversation.rawValue] ?? 0 }

    /// Guidance moments ("begeleidingsmomenten"): handoff tickets a helper resolved. See docs/PRIVACY.md.
    public var guidanceMoments: Int { handoffs.outcomes["resolved"] ?? 0 }

    /// The count of one kind over the period.
    public func total(_ kind: Statistics.Kind) -> Int { totals[kind.rawValue] ?? 0 }

    /// Topics whose answer was followed by "that did not help" or a request for a person at least once, the
    /// highest rate first.
    public var troubleTopics: [TopicLine] {
        topics.filter { $0.notUnderstood + $0.handoffs > 0 && $0.topic != "-" }.sorted {
            $0.troubleRate != $1.troubleRate
                ? $0.troubleRate > $1.troubleRate
                : ($0.notUnderstood + $0.handoffs, $1.topic) > ($1.notUnderstood + $1.handoffs, $0.topic)
        }
    }

    /// Reads the report for `period` (and `site`, if given) from `database`.
    public static func load(
        from database: StoreDatabase, period: ReportPeriod, site: String? = nil, questionLimit: Int = 20
    ) throws -> InsightsReport {
        try database.pool.read { db in
            let siteClause = site == nil ? "" : " AND site = ?"
            var arguments: StatementArguments = [period.from, period.to]
            if let site { arguments += [site] }
            let range = "day >= ? AND day <= ?" + siteClause

            var totals: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, SUM(count) AS n FROM insights_counter WHERE \(range) GROUP BY kind",
                arguments: arguments)
            {
                totals[row["kind"]] = row["n"]
            }
            var languages: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT language, SUM(count) AS n FROM insights_counter
                    WHERE \(range) AND kind = 'conversation' GROUP BY language
                    """,
                arguments: arguments)
            {
                languages[row["language"]] = row["n"]
            }
            var topics: [String: TopicLine] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT topic, kind, SUM(count) AS n FROM insights_counter
                    WHERE \(range) AND kind IN ('answer', 'steps-completed', 'not-understood', 'handoff')
                    GROUP BY topic, kind
                    """,
                arguments: arguments)
            {
                let topic: String = row["topic"]
                let count: Int = row["n"]
                var line =
                    topics[topic]
                    ?? TopicLine(topic: topic, answers: 0, stepsCompleted: 0, notUnderstood: 0, handoffs: 0)
                switch row["kind"] as String {
                case "answer": line.answers += count
                case "steps-completed": line.stepsCompleted += count
                case "not-understood": line.notUnderstood += count
                default: line.handoffs += count
                }
                topics[topic] = line
            }
            var handoffs = Handoffs()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT outcome, SUM(count) AS n, SUM(taken) AS taken, SUM(wait_seconds) AS wait,
                        MAX(wait_max) AS longest, SUM(wait_under_1) AS b0, SUM(wait_1_to_3) AS b1,
                        SUM(wait_3_to_5) AS b2, SUM(wait_5_to_10) AS b3, SUM(wait_over_10) AS b4
                    FROM insights_handoff WHERE \(range) GROUP BY outcome
                    """,
                arguments: arguments)
            {
                handoffs.outcomes[row["outcome"]] = row["n"]
                handoffs.taken += row["taken"] as Int
                handoffs.waitSeconds += row["wait"] as Double
                handoffs.waitMax = max(handoffs.waitMax, row["longest"] as Double)
                for index in 0..<5 { handoffs.waitBuckets[index] += row["b\(index)"] as Int }
            }
            let days = try Row.fetchAll(
                db,
                sql: """
                    SELECT day,
                        SUM(CASE kind WHEN 'conversation' THEN count ELSE 0 END) AS conversations,
                        SUM(CASE kind WHEN 'answer' THEN count ELSE 0 END) AS answers,
                        SUM(CASE kind WHEN 'fallback' THEN count ELSE 0 END) AS fallbacks,
                        SUM(CASE kind WHEN 'handoff' THEN count ELSE 0 END) AS handoffs
                    FROM insights_counter WHERE \(range) GROUP BY day ORDER BY day
                    """,
                arguments: arguments
            ).map {
                Day(
                    day: $0["day"], conversations: $0["conversations"], answers: $0["answers"],
                    fallbacks: $0["fallbacks"], handoffs: $0["handoffs"])
            }
            let questions = try Row.fetchAll(
                db,
                sql: """
                    SELECT text, kind, language, SUM(count) AS n, COUNT(DISTINCT site) AS sites,
                        MIN(first_seen) AS first, MAX(last_seen) AS last,
                        (SELECT u2.alternatives FROM insights_unanswered u2
                         WHERE u2.text = u.text AND u2.kind = u.kind AND u2.language = u.language
                         ORDER BY u2.last_seen DESC LIMIT 1) AS alternatives
                    FROM insights_unanswered u WHERE \(range)
                    GROUP BY text, kind, language ORDER BY n DESC, last DESC, text LIMIT ?
                    """,
                arguments: arguments + [questionLimit]
            ).map { row in
                Question(
                    text: row["text"], kind: row["kind"], language: row["language"], count: row["n"],
                    sites: row["sites"], firstSeen: Date(timeIntervalSince1970: row["first"]),
                    lastSeen: Date(timeIntervalSince1970: row["last"]),
                    alternatives: (row["alternatives"] as String? ?? "").split(separator: " ").map(String.init))
            }
            var sites = try String.fetchAll(
                db,
                sql: "SELECT DISTINCT site FROM insights_counter WHERE day >= ? AND day <= ?" + siteClause,
                arguments: arguments)
            sites = Array(Set(sites)).sorted()
            return InsightsReport(
                period: period, site: site, sites: sites, totals: totals, languages: languages,
                topics: topics.values.filter { $0.topic != "-" }.sorted {
                    ($0.answers, $1.topic) > ($1.answers, $0.topic)
                },
                handoffs: handoffs,
                days: days, unanswered: questions)
        }
    }
}
