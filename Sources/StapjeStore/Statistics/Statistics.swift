import Foundation
import GRDB
import Logging
public import StapjeCore
import StapjePrivacy

/// Anonymous statistics and the unanswered questions, in the store: a ``ConversationRecorder`` that counts in
/// memory and writes every `flushInterval`.
///
/// `record` only takes a lock and adds to a few counters, so a reply never waits for the disk. The price: what was
/// counted since the last write is lost if the process is killed with SIGKILL (at most `flushInterval` of counts);
/// a normal stop (SIGTERM, end of input) writes everything first. A question is redacted before it is held.
public final class Statistics: ConversationRecorder, Sendable {
    /// What a counter counts.
    public enum Kind: String, Sendable, CaseIterable {
        /// Conversations with at least one reply.
        case conversation
        /// Answers shown (per topic).
        case answer
        /// Clarifying questions ("which do you mean?").
        case clarify
        /// Not understood.
        case fallback
        /// Requests for a person (per topic on screen).
        case handoff
        /// Answers of two steps or more whose last step was reached (per topic).
        case stepsCompleted = "steps-completed"
        /// Messages with sensitive data (withheld).
        case sensitiveWithheld = "sensitive-withheld"
        /// "That did not help" / "ik snap het niet" right after a topic's answer (per topic).
        case notUnderstood = "not-understood"
    }

    struct CounterKey: Hashable {
        var day: String
        var site: String
        var language: String
        var topic: String
        var kind: Kind
    }

    struct QuestionKey: Hashable {
        var day: String
        var site: String
        var language: String
        var kind: String
        var text: String
    }

    struct QuestionTally {
        var count: Int
        var first: Date
        var last: Date
        var alternatives: [String]
    }

    struct Pending {
        var counters: [CounterKey: Int] = [:]
        var questions: [QuestionKey: QuestionTally] = [:]
        var dropped = 0

        var isEmpty: Bool { counters.isEmpty && questions.isEmpty }

        mutating func merge(_ other: Pending) {
            counters.merge(other.counters, uniquingKeysWith: +)
            for (key, tally) in other.questions {
                questions[key] = questions[key].map { Statistics.merged($0, tally) } ?? tally
            }
            dropped += other.dropped
        }
    }

    /// The retention periods and the day's time zone.
    public let policy: StatisticsPolicy

    let database: StoreDatabase
    let logger: Logger
    private let pending = Locked(Pending())
    let calendar: Calendar
    /// The last day seen and its bounds: nearly every record falls on it, and a calendar is slow to ask.
    private let today = Locked<(start: Date, end: Date, day: String)?>(nil)
    /// Site names as given → as kept (redacting one costs more than the rest of a record).
    private let sites = Locked<[String: String]>([:])
    private static let redactor = Redactor()

    /// Statistics over `database`; counts closed handoff tickets and purges the counters and questions past their
    /// time at `now`. Closed tickets themselves are purged by the queue's ``TicketRetention``, which asks these
    /// statistics to count them first.
    public init(database: StoreDatabase, policy: StatisticsPolicy = .init(), logger: Logger, at now: Date) throws {
        self.database = database
        self.policy = policy
        self.logger = logger
        self.calendar = policy.calendar
        try maintain(at: now, forcePurge: true)
    }

    // MARK: - Recording

    /// Counts one reply; never blocks on the disk and never fails.
    public func record(_ record: ConversationRecord) {
        let day = day(of: record.at)
        let site = siteName(record.site)
        let language = record.language.rawValue
        var counts: [(String, Kind)] = []
        if record.startsConversation { counts.append(("-", .conversation)) }
        switch record.kind {
        case .answer: counts.append((record.topic ?? "-", .answer))
        case .clarify: counts.append(("-", .clarify))
        case .fallback: counts.append(("-", .fallback))
        case .handoff: counts.append((record.topic ?? "-", .handoff))
        case .step, .chat: break
        }
        if record.completedSteps { counts.append((record.topic ?? "-", .stepsCompleted)) }
        if record.sensitiveDataWithheld { counts.append(("-", .sensitiveWithheld)) }
        if record.notUnderstood { counts.append((record.topic ?? "-", .notUnderstood)) }
        var question: (QuestionKey, QuestionTally)?
        if let text = record.unansweredQuestion, record.kind == .fallback || record.kind == .clarify {
            let normalised = normalise(text)
            if !normalised.isEmpty {
                question = (
                    QuestionKey(day: day, site: site, language: language, kind: record.kind.rawValue, text: normalised),
                    QuestionTally(count: 1, first: record.at, last: record.at, alternatives: record.alternatives)
                )
            }
        }
        let limit = policy.maximumPendingQuestions
        pending.withLock { pending in
            for (topic, kind) in counts {
                let key = CounterKey(day: day, site: site, language: language, topic: Self.topicName(topic), kind: kind)
                pending.counters[key, default: 0] += 1
            }
            guard let (key, tally) = question else { return }
            if let known = pending.questions[key] {
                pending.questions[key] = Self.merged(known, tally)
            } else if pending.questions.count < limit {
                pending.questions[key] = tally
            } else {
                pending.dropped += 1
            }
        }
    }

    /// `date`'s day, from the cache when it falls on the last day seen.
    func day(of date: Date) -> String {
        if let known = today.withLock({ $0 }), date >= known.start, date < known.end { return known.day }
        let day = StatisticsPolicy.day(date, calendar: calendar)
        if let interval = calendar.dateInterval(of: .day, for: date) {
            today.withLock { $0 = (interval.start, interval.end, day) }
        }
        return day
    }

    /// A question as kept: redacted (again: the core did it first), lower-cased with the placeholders kept in
    /// capitals, spaces collapsed, without closing punctuation ("?", "!", "."), at most `maximumQuestionLength`
    /// characters (cut after the redaction, so a cut never leaves part of a number undetected).
    func normalise(_ text: String) -> String {
        var folded = Self.redactor.redact(text).lowercased()
        for kind in SensitiveData.Kind.allCases {
            folded = folded.replacingOccurrences(of: kind.placeholder.lowercased(), with: kind.placeholder)
        }
        var words = folded.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        while let last = words.last, "?!.,;:… ".contains(last) { words.removeLast() }
        return String(words.prefix(policy.maximumQuestionLength))
    }

    /// `site` as kept, from the cache (at most 1,000 names: a misbehaving client cannot grow it without bound).
    func siteName(_ site: String) -> String {
        if let known = sites.withLock({ $0[site] }) { return known }
        let name = Self.siteName(site)
        sites.withLock { if $0.count < 1000 { $0[site] = name } }
        return name
    }

    /// A site name as kept: without control characters, redacted, then at most 64 characters; "-" when empty.
    static func siteName(_ site: String) -> String {
        let clean = String(
            String.UnicodeScalarView(site.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        let name = String(redactor.redact(clean).trimmingCharacters(in: .whitespaces).prefix(64))
        return name.isEmpty ? "-" : name
    }

    static func topicName(_ topic: String) -> String {
        topic.isEmpty ? "-" : String(topic.prefix(80))
    }

    static func merged(_ old: QuestionTally, _ new: QuestionTally) -> QuestionTally {
        QuestionTally(
            count: old.count + new.count, first: min(old.first, new.first), last: max(old.last, new.last),
            alternatives: new.last >= old.last ? new.alternatives : old.alternatives)
    }

    // MARK: - Writing

    /// Writes what was counted since the last write; returns how many rows it touched. On failure the counts stay
    /// in memory for the next try.
    @discardableResult
    public func flush() throws -> Int {
        let taken = pending.withLock { pending in
            defer { pending = Pending() }
            return pending
        }
        guard !taken.isEmpty || taken.dropped > 0 else { return 0 }
        if taken.dropped > 0 {
            logger.warning(
                "unanswered questions dropped: too many distinct ones between two writes",
                metadata: ["dropped": "\(taken.dropped)"])
        }
        do {
            try database.pool.write { db in try Self.write(taken, db) }
        } catch {
            pending.withLock { pending in
                var restored = taken
                restored.dropped = 0
                restored.merge(pending)
                pending = restored
            }
            throw error
        }
        return taken.counters.count + taken.questions.count
    }

    static func write(_ pending: Pending, _ db: Database) throws {
        for (key, count) in pending.counters {
            try db.execute(
                sql: """
                    INSERT INTO insights_counter (day, site, language, topic, kind, count) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, site, language, topic, kind) DO UPDATE SET count = count + excluded.count
                    """,
                arguments: [key.day, key.site, key.language, key.topic, key.kind.rawValue, count])
        }
        for (key, tally) in pending.questions {
            try db.execute(
                sql: """
                    INSERT INTO insights_unanswered
                        (day, site, language, kind, text, count, first_seen, last_seen, alternatives)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, site, language, kind, text) DO UPDATE SET
                        count = count + excluded.count,
                        first_seen = MIN(first_seen, excluded.first_seen),
                        last_seen = MAX(last_seen, excluded.last_seen),
                        alternatives = CASE WHEN excluded.last_seen >= last_seen
                            THEN excluded.alternatives ELSE alternatives END
                    """,
                arguments: [
                    key.day, key.site, key.language, key.kind, key.text, tally.count,
                    tally.first.timeIntervalSince1970, tally.last.timeIntervalSince1970,
                    tally.alternatives.joined(separator: " "),
                ])
        }
    }

    /// Writes the counts, folds newly closed handoff tickets into counters, and purges the counters and questions
    /// once a day (always when `forcePurge`). The server and the kiosk call it every `flushInterval`; `stapje report`
    /// once before reading.
    public func maintain(at now: Date, forcePurge: Bool = false) throws {
        try flush()
        let (folded, purged) = try database.pool.write { db in
            let folded = try Self.harvest(db, calendar: self.calendar)
            let last = try Double.fetchOne(db, sql: "SELECT value FROM insights_state WHERE key = 'last-purge'")
            let due =
                forcePurge
                || last.map { self.policy.day(Date(timeIntervalSince1970: $0)) != self.policy.day(now) } ?? true
            return (folded, due ? try self.purge(db, at: now) : nil)
        }
        if folded > 0 { logger.debug("handoff outcomes counted", metadata: ["tickets": "\(folded)"]) }
        if let purged, purged.total > 0 {
            logger.info(
                "retention purge", metadata: ["counters": "\(purged.counters)", "questions": "\(purged.questions)"])
        }
    }

    /// Maintains every `flushInterval` until the task is cancelled, then writes what is left.
    ///
    /// The writes wait for the disk (`synchronous=FULL`) on a dispatch queue, not on a thread of the Swift
    /// concurrency pool, which the server's connections share.
    public func run(now: @escaping @Sendable () -> Date = Date.init) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: policy.flushInterval)
            let time = now()
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global(qos: .utility).async {
                    do {
                        try self.maintain(at: time)
                    } catch {
                        self.logger.error("statistics not written; will retry", metadata: ["error": "\(error)"])
                    }
                    done.resume()
                }
            }
        }
        close()
    }

    /// Writes what is left (at a normal stop).
    public func close() {
        do {
            try flush()
        } catch {
            logger.error("statistics lost at stop", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Handoff outcomes

    /// The final states a ticket can reach.
    static let outcomes = ["resolved", "cancelled", "abandoned", "expired"]

    /// Folds every ticket closed since the last call into `insights_handoff`; returns how many.
    static func harvest(_ db: Database, calendar: Calendar) throws -> Int {
        let cursor = try Int64.fetchOne(db, sql: "SELECT value FROM insights_state WHERE key = 'handoff-cursor'") ?? 0
        let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM transition") ?? 0
        guard newest > cursor else { return 0 }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.at AS closed, t.to_state AS outcome, k.created, k.site, k.language, k.topic_guess,
                    (SELECT MIN(a.at) FROM transition a WHERE a.ticket = t.ticket AND a.to_state = 'assigned')
                        AS taken
                FROM transition t JOIN ticket k ON k.number = t.ticket
                WHERE t.id > ? AND t.id <= ? AND t.to_state IN ('resolved', 'cancelled', 'abandoned', 'expired')
                ORDER BY t.id
                """,
            arguments: [cursor, newest])
        for row in rows {
            let created: Double = row["created"]
            let taken: Double? = row["taken"]
            let closed: Double = row["closed"]
            let wait = max(0, (taken ?? closed) - created)
            let minutes = wait / 60
            let bucket = [
                minutes < 1, minutes >= 1 && minutes < 3, minutes >= 3 && minutes < 5, minutes >= 5 && minutes < 10,
                minutes >= 10,
            ]
            .map { $0 ? 1 : 0 }
            let day = StatisticsPolicy.day(Date(timeIntervalSince1970: created), calendar: calendar)
            let site: String = row["site"]
            let language: String = row["language"]
            let topic: String? = row["topic_guess"]
            let outcome: String = row["outcome"]
            try db.execute(
                sql: """
                    INSERT INTO insights_handoff (day, site, language, topic, outcome, count, taken, wait_seconds,
                        wait_max, wait_under_1, wait_1_to_3, wait_3_to_5, wait_5_to_10, wait_over_10)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, site, language, topic, outcome) DO UPDATE SET
                        count = count + 1, taken = taken + excluded.taken,
                        wait_seconds = wait_seconds + excluded.wait_seconds,
                        wait_max = MAX(wait_max, excluded.wait_max),
                        wait_under_1 = wait_under_1 + excluded.wait_under_1,
                        wait_1_to_3 = wait_1_to_3 + excluded.wait_1_to_3,
                        wait_3_to_5 = wait_3_to_5 + excluded.wait_3_to_5,
                        wait_5_to_10 = wait_5_to_10 + excluded.wait_5_to_10,
                        wait_over_10 = wait_over_10 + excluded.wait_over_10
                    """,
                arguments: [
                    day, siteName(site), language, topicName(topic ?? "-"), outcome, taken == nil ? 0 : 1, wait, wait,
                    bucket[0], bucket[1], bucket[2], bucket[3], bucket[4],
                ])
        }
        try db.execute(
            sql: """
                INSERT INTO insights_state (key, value) VALUES ('handoff-cursor', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """,
            arguments: [newest])
        return rows.count
    }

    // MARK: - Retention

    /// What a purge deleted.
    struct Purged {
        var counters = 0
        var questions = 0
        var total: Int { counters + questions }
    }

    /// Deletes what is past its retention period at `now` (inside the caller's transaction, after a harvest).
    func purge(_ db: Database, at now: Date) throws -> Purged {
        var purged = Purged()
        let counterCut = policy.firstKeptDay(keeping: policy.counterDays, at: now)
        try db.execute(sql: "DELETE FROM insights_counter WHERE day < ?", arguments: [counterCut])
        purged.counters = db.changesCount
        try db.execute(sql: "DELETE FROM insights_handoff WHERE day < ?", arguments: [counterCut])
        purged.counters += db.changesCount
        let questionCut = policy.firstKeptDay(keeping: policy.unansweredDays, at: now)
        try db.execute(sql: "DELETE FROM insights_unanswered WHERE day < ?", arguments: [questionCut])
        purged.questions = db.changesCount
        try db.execute(
            sql: """
                INSERT INTO insights_state (key, value) VALUES ('last-purge', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """,
            arguments: [now.timeIntervalSince1970])
        return purged
    }
}
