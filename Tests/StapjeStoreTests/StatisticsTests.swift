import Foundation
import GRDB
import StapjeCore
import StapjeKnowledge
import StapjeText
import Testing

@testable import StapjeStore

/// One day in seconds.
let oneDay = 86_400.0

/// The day of `date` as the statistics count it (Europe/Brussels).
func dayOf(_ date: Date) -> String {
    StatisticsPolicy().day(date)
}

/// A record at `date` for `site`.
func record(
    _ kind: Reply.Kind, topic: String? = nil, site: String = "bib-a", language: Language = .nl, at date: Date = at(0),
    starts: Bool = false, completed: Bool = false, sensitive: Bool = false, notUnderstood: Bool = false,
    question: String? = nil, alternatives: [String] = []
) -> ConversationRecord {
    ConversationRecord(
        at: date, site: site, language: language, kind: kind, topic: topic, startsConversation: starts,
        completedSteps: completed, sensitiveDataWithheld: sensitive, notUnderstood: notUnderstood,
        unansweredQuestion: question, alternatives: alternatives)
}

extension TemporaryStore {
    func statistics(_ policy: StatisticsPolicy = .init(), at now: Date = at(0)) throws -> Statistics {
        try Statistics(database: database, policy: policy, logger: Self.logger, at: now)
    }

    func report(_ from: Date = at(0), _ to: Date = at(0), site: String? = nil) throws -> InsightsReport {
        try InsightsReport.load(from: database, period: try ReportPeriod(from: dayOf(from), to: dayOf(to)), site: site)
    }

    /// Every row of a statistics table, as text.
    func rows(_ table: String) throws -> [String] {
        try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { $0.description }
        }
    }
}

struct StatisticsTests {
    @Test func countersAddUpPerDaySiteLanguageTopicAndKind() async throws {
        try await TemporaryStore.with { store in
            let statistics = try store.statistics()
            statistics.record(record(.answer, topic: "jobs.cv", starts: true))
            statistics.record(record(.answer, topic: "jobs.cv", site: "bib-b", language: .fr, starts: true))
            statistics.record(record(.step, topic: "jobs.cv", completed: true))
            statistics.record(record(.chat, topic: "jobs.cv", notUnderstood: true))
            statistics.record(record(.handoff, topic: "jobs.cv"))
            statistics.record(record(.chat, sensitive: true))
            statistics.record(record(.clarify, question: "cv", alternatives: ["jobs.cv", "jobs.apply-online"]))
            for text in ["hoe maak ik een TIKTOK?", "  Hoe maak ik  een tiktok!! ", "hoe maak ik een tiktok"] {
                statistics.record(record(.fallback, at: at(60), question: text))
            }
            statistics.record(record(.answer, topic: "email.create", at: at(oneDay), starts: true))

            // Nothing is written until a flush: a reply never waits for the disk.
            #expect(try store.report(at(0), at(oneDay)).conversations == 0)
            #expect(try statistics.flush() > 0)

            let report = try store.report(at(0), at(oneDay))
            #expect(report.conversations == 3)
            #expect(report.total(.answer) == 3)
            #expect(report.total(.stepsCompleted) == 1)
            #expect(report.total(.notUnderstood) == 1)
            #expect(report.total(.handoff) == 1)
            #expect(report.total(.sensitiveWithheld) == 1)
            #expect(report.total(.clarify) == 1)
            #expect(report.total(.fallback) == 3)
            #expect(report.languages == ["nl": 2, "fr": 1])
            #expect(report.sites == ["bib-a", "bib-b"])
            #expect(report.days.map(\.day) == [dayOf(at(0)), dayOf(at(oneDay))])
            let cv = try #require(report.topics.first { $0.topic == "jobs.cv" })
            #expect((cv.answers, cv.stepsCompleted, cv.notUnderstood, cv.handoffs) == (2, 1, 1, 1))
            #expect(report.troubleTopics.map(\.topic) == ["jobs.cv"])
            #expect(cv.troubleRate == 1.0)
            // Three spellings of one question are one line, counted three times; the clarification keeps its options.
            #expect(report.unanswered.map(\.text) == ["hoe maak ik een tiktok", "cv"])
            #expect(report.unanswered.first?.count == 3)
            #expect(report.unanswered.last?.alternatives == ["jobs.cv", "jobs.apply-online"])

            // One site only; and a second flush adds to the same rows instead of new ones.
            #expect(try store.report(site: "bib-b").conversations == 1)
            let rowsBefore = try store.rows("insights_counter").count
            statistics.record(record(.answer, topic: "jobs.cv", starts: true))
            try statistics.flush()
            #expect(try store.rows("insights_counter").count == rowsBefore)
            #expect(try store.report().topics.first { $0.topic == "jobs.cv" }?.answers == 3)
        }
    }

    @Test func questionsAreRedactedAndNothingIdentifiesAPerson() async throws {
        try await TemporaryStore.with { store in
            let statistics = try store.statistics()
            // The core redacts before it records; the store redacts again, whatever it is given.
            let raw = "Bel 0471 23 45 67, mijn IBAN is BE48 3200 7018 4927 en mail jan@example.be: hoe werkt dit?"
            statistics.record(record(.fallback, site: "bib 0471 23 45 67", question: raw))
            try statistics.flush()
            let question = try #require(try store.report().unanswered.first)
            #expect(question.text == "bel [PHONE], mijn iban is [IBAN] en mail [EMAIL]: hoe werkt dit")
            #expect(try store.report().sites == ["bib [PHONE]"])
            _ = try statistics.database.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            for file in try FileManager.default.contentsOfDirectory(atPath: store.directory.path) {
                let bytes = try Data(contentsOf: store.directory.appendingPathComponent(file))
                for value in ["0471", "4927", "jan@example"] { #expect(bytes.range(of: Data(value.utf8)) == nil) }
            }
            // The tables have no column that could hold a session, a token, an address or a ticket.
            let columns = try store.database.pool.read { db in
                try ["insights_counter", "insights_handoff", "insights_unanswered"].flatMap { table in
                    try db.columns(in: table).map(\.name)
                }
            }
            for banned in ["session", "token", "address", "starter", "ticket", "helper", "ip"] {
                #expect(!columns.contains(banned))
            }
        }
    }

    @Test func purgeKeepsEachKindForItsPeriodAndRunsOnceADay() async throws {
        try await TemporaryStore.with { store in
            let policy = StatisticsPolicy()
            let now = at(0)
            let calendar = policy.calendar
            let midnight = calendar.startOfDay(for: now)
            func daysAgo(_ days: Int) -> Date {
                calendar.date(byAdding: .day, value: -days, to: midnight)!.addingTimeInterval(3600)
            }
            let statistics = try store.statistics(policy, at: daysAgo(500))
            for days in [401, 400, 31, 30, 0] {
                statistics.record(record(.answer, topic: "t\(days)", at: daysAgo(days)))
                statistics.record(record(.fallback, at: daysAgo(days), question: "vraag \(days)"))
            }
            try statistics.flush()
            try statistics.maintain(at: now)
            let report = try store.report(daysAgo(1000), now)
            #expect(Set(report.topics.map(\.topic)) == ["t400", "t31", "t30", "t0"])
            #expect(Set(report.unanswered.map(\.text)) == ["vraag 30", "vraag 0"])

            // Later the same day no purge runs; the next day it does.
            statistics.record(record(.fallback, at: daysAgo(40), question: "laat binnen"))
            try statistics.maintain(at: now.addingTimeInterval(60))
            #expect(try store.report(daysAgo(1000), now).unanswered.contains { $0.text == "laat binnen" })
            try statistics.maintain(at: now.addingTimeInterval(oneDay))
            #expect(try !store.report(daysAgo(1000), now).unanswered.contains { $0.text == "laat binnen" })

            // Shorter periods, as configured.
            let strict = try store.statistics(
                StatisticsPolicy(counterDays: 10, unansweredDays: 1, closedTicketDays: 1),
                at: now.addingTimeInterval(2 * oneDay))
            _ = strict
            let left = try store.report(daysAgo(1000), now)
            #expect(left.topics.map(\.topic) == ["t0"])
            #expect(left.unanswered.isEmpty)
        }
    }

    @Test func handoffOutcomesAreCountedOnceWithTheirWaitsAndClosedTicketsGo() async throws {
        try await TemporaryStore.with { store in
            let queue = store.queue(
                HandoffTimeouts(maximumWait: .seconds(600), starterGone: .seconds(3600), helperLease: .seconds(60)))
            let statistics = try store.statistics()
            let first = try await queue.enqueue(
                request("s1", turns: [.init(.starter, "hoe maak ik een cv", at: at(0))]), at: at(0))
            let second = try await queue.enqueue(request("s2"), at: at(10))
            _ = try await queue.enqueue(request("s3"), at: at(20))
            let fourth = try await queue.enqueue(request("s4"), at: at(30))
            let taken = try await queue.take(first.ticket.number, helper: "An", at: at(90))
            _ = try await queue.resolve(try #require(taken.assignment), at: at(200))
            _ = try await queue.cancel(second.ticket.number, at: at(40))
            try await queue.starterSeen(fourth.ticket.number, at: at(650))
            try await queue.expire(at: at(700))  // s3 waited 680 s: expired; s4 was seen at 650 but queued since 30

            try statistics.maintain(at: at(800))
            try statistics.maintain(at: at(801))
            var handoffs = try store.report().handoffs
            #expect(handoffs.outcomes == ["resolved": 1, "cancelled": 1, "expired": 2])
            #expect(handoffs.taken == 1)
            // Waits: 90 s until the take, 30 s until the cancel, 680 s and 670 s until they expired.
            #expect(handoffs.waitBuckets == [1, 1, 0, 0, 2])
            #expect(handoffs.waitMax == 680)
            #expect(handoffs.waitSeconds == 90 + 30 + 680 + 670)
            #expect(try store.report().guidanceMoments == 1)
            #expect(try store.report(site: "elsewhere").handoffs.closed == 0)

            // Thirty-one days later the queue's retention purges the closed tickets and their transcripts; their
            // counts stay.
            let open = try await queue.enqueue(request("s5"), at: at(31 * oneDay))
            let retention = TicketRetention(
                database: store.database, closedTicketDays: 30, statistics: statistics, logger: TemporaryStore.logger)
            try retention.purge(at: at(31 * oneDay + 60))
            for number in 1...4 { #expect(try await queue.ticket(number) == nil) }
            #expect(try await queue.transcript(first.ticket.number).isEmpty)
            #expect(try await queue.ticket(open.ticket.number)?.state == .queued)
            handoffs = try store.report().handoffs
            #expect(handoffs.closed == 4)
            // Ticket numbers are never reused after a purge.
            let next = try await queue.enqueue(request("s6"), at: at(31 * oneDay + 70))
            #expect(next.ticket.number == open.ticket.number + 1)
        }
    }

    @Test func theWriterWritesOnItsOwnAndEverythingAtTheEnd() async throws {
        try await TemporaryStore.with { store in
            var policy = StatisticsPolicy()
            policy.flushInterval = .milliseconds(20)
            let statistics = try store.statistics(policy)
            let writer = Task { await statistics.run(now: { at(1) }) }
            statistics.record(record(.answer, topic: "jobs.cv", starts: true))
            let clock = ContinuousClock()
            // Generous: with the whole suite running, other tests may hold the few threads of the pool for long.
            let deadline = clock.now + .seconds(300)
            while try store.report().conversations == 0 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try store.report().conversations == 1)
            // What is counted after the last write is written when the writer stops.
            statistics.record(record(.answer, topic: "jobs.cv", starts: true))
            writer.cancel()
            await writer.value
            #expect(try store.report().conversations == 2)
        }
    }

    @Test func periods() throws {
        #expect(try ReportPeriod(month: "2026-02") == ReportPeriod(from: "2026-02-01", to: "2026-02-28"))
        #expect(try ReportPeriod(month: "2024-02").to == "2024-02-29")
        #expect(try ReportPeriod(month: "2026-12").to == "2026-12-31")
        for bad in ["2026-13", "2026-1", "26-01", "november", "2026-00"] {
            #expect(throws: StoreError.self) { try ReportPeriod(month: bad) }
        }
        #expect(throws: StoreError.self) { try ReportPeriod(from: "2026-11-30", to: "2026-11-01") }
        #expect(throws: StoreError.self) { try ReportPeriod(from: "2026-11-31", to: "2026-12-01") }
        #expect(throws: StoreError.self) { try ReportPeriod(from: "1/11/2026", to: "2026-12-01") }
        let date = Date(timeIntervalSince1970: 1_798_759_800)  // 2026-12-31 23:30 UTC, already 2027 in Brussels
        #expect(ReportPeriod.month(of: date, timeZone: StatisticsPolicy().timeZone).from == "2027-01-01")
    }

    @Test func theDaysTimeZoneIsBrusselsUnlessSet() throws {
        let date = Date(timeIntervalSince1970: 1_798_759_800)  // 2026-12-31 23:30 UTC
        var policy = StatisticsPolicy()
        #expect(policy.timeZone.identifier == "Europe/Brussels")
        #expect(policy.day(date) == "2027-01-01")
        policy.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        #expect(policy.timeZone.secondsFromGMT() == 0)
        #expect(policy.day(date) == "2026-12-31")
    }
}

/// The record the core makes of real replies.
struct ConversationRecordTests {
    static let conversation = Conversation(content: ContentLoader(root: ContentLocator.bundled).load().bundle)

    /// Runs `lines` through one conversation and returns the records a face would send.
    static func records(_ lines: [String]) -> [ConversationRecord] {
        var session = Session()
        var records: [ConversationRecord] = []
        for (index, line) in lines.enumerated() {
            let (next, reply) = conversation.respond(to: line, in: session, at: at(Double(index)))
            records.append(
                ConversationRecord(
                    reply: reply, before: session, question: line, site: "bib-a", startsConversation: index == 0,
                    at: at(Double(index))))
            session = next
        }
        return records
    }

    @Test func repliesBecomeAnonymousFacts() throws {
        let records = Self.records([
            "hoe maak ik een cv", "/alles", "ik snap het niet", "wat is de hoofdstad van peru", "/mens",
            "mijn pincode is 1234, hoe maak ik een cv",
        ])
        #expect(records.map(\.kind) == [.answer, .step, .chat, .fallback, .handoff, .answer])
        #expect(records[0].topic == "jobs.cv" && records[0].startsConversation && records[0].unansweredQuestion == nil)
        #expect(records[1].completedSteps && records[1].topic == "jobs.cv")
        #expect(records[2].notUnderstood && records[2].topic == "jobs.cv" && records[2].unansweredQuestion == nil)
        #expect(records[3].unansweredQuestion == "wat is de hoofdstad van peru")
        #expect(records[4].topic == "jobs.cv")
        #expect(records[5].sensitiveDataWithheld && records[5].topic == "jobs.cv")
        #expect(records.dropFirst().allSatisfy { !$0.startsConversation })
    }

    @Test func stepsAreCompletedOnlyByMovingToTheLastOne() throws {
        let next = Array(repeating: "/volgende", count: 12)
        let records = Self.records(["hoe maak ik een cv"] + next + ["/herhaal"])
        #expect(records.filter(\.completedSteps).count == 1)
        #expect(!records.last!.completedSteps)
    }
}
